/**
 * The step's outputs, named once: the action writes them (as strings, '' for "none") and the CLI
 * prints them (as JSON values, null for "none"), from the same function, so the two can't drift.
 */
import type { KnownRun, Outcome } from './main.js'

export const OUTPUT_NAMES = [
  'path',
  'url',
  'run-id',
  'run-started',
  'format',
  'size',
  'sha256',
  'result-count',
  'rows',
  'request-id'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]
export type OutputValue = string | number | boolean | null

/** Every output for an outcome. A run that was only started, or a dry run, has no file: those are null. */
export function outputsOf(outcome: Outcome): Record<OutputName, OutputValue> {
  const none = Object.fromEntries(OUTPUT_NAMES.map(name => [name, null])) as Record<OutputName, OutputValue>
  if (outcome.kind === 'dry-run') return { ...none, 'run-started': false }
  if (outcome.kind === 'started') {
    return { ...none, 'run-id': outcome.runId, 'run-started': true, 'request-id': outcome.requestId ?? null }
  }
  return {
    path: outcome.path,
    url: outcome.url,
    'run-id': outcome.runId,
    'run-started': outcome.run.started !== undefined,
    format: outcome.format,
    size: outcome.size,
    sha256: outcome.sha256,
    'result-count': outcome.resultCount ?? null,
    rows: outcome.rows ?? null,
    'request-id': outcome.requestId ?? null
  }
}

/**
 * After a failure: the run, as soon as it was known (a script must be able to find, or abort, a run
 * the step started), and CoreClaw's request id of the failing call.
 */
export function outputsOfFailure(
  known: KnownRun | undefined,
  requestId: string | undefined
): Record<OutputName, OutputValue> {
  const none = Object.fromEntries(OUTPUT_NAMES.map(name => [name, null])) as Record<OutputName, OutputValue>
  return {
    ...none,
    'run-id': known?.runId ?? null,
    'run-started': known?.started !== undefined,
    'request-id': requestId ?? null
  }
}

/** As the runner takes them: strings, '' for none. */
export function asStrings(outputs: Record<OutputName, OutputValue>): Array<[OutputName, string]> {
  return OUTPUT_NAMES.map(name => [name, outputs[name] === null ? '' : String(outputs[name])])
}
