/**
 * The step's outputs, described once, like the inputs (input-table.ts): `action.yml` must say exactly
 * this (a test holds them equal, and the README's outputs table to its names). The action writes
 * them (as strings, '' for "none") and the CLI prints them (as JSON values, null for "none"), from
 * the same functions, so the three can't drift.
 */
import type { KnownRun, Outcome } from './outcome.js'

export const OUTPUT_TABLE = {
  path: 'Absolute path of the exported file.',
  url: 'The signed download_url CoreClaw returned. It is temporary and grants access to the file; treat it as a secret.',
  'run-id':
    'The run that was exported; with "last", the slug it resolved to; with "new", the started run\'s slug. Set as soon as the run is known, so an if: failure() or if: cancelled() step can name it.',
  'run-started': '"true" when this step started the run (run-id "new"), otherwise "false".',
  format: 'The format of the file, lowercase.',
  size: 'Size of the file in bytes.',
  sha256: 'SHA-256 of the file, lowercase hex, computed while downloading.',
  'result-count': "The run's row count (results) as CoreClaw reports it; empty when CoreClaw sent no valid count.",
  rows: 'Rows in the downloaded file, counted while it streamed (csv without its header, jsonl lines, json array elements); empty for other formats. A warning is shown when it differs from result-count.',
  changed:
    '"true" or "false": whether the export differs from the one it was compared with (compare-with); empty when nothing was compared. For csv, json and jsonl by rows (a moved column or reordered rows change nothing), for other formats by bytes.',
  'rows-added': 'Rows in this export and not in the one it was compared with; empty when rows were not compared.',
  'rows-removed': 'Rows in the export it was compared with and not in this one; empty when rows were not compared.',
  'rows-changed': 'With key-fields: rows whose key is in both exports and whose other fields differ; otherwise empty.',
  'previous-sha256': 'SHA-256 of the export this one was compared with; empty when nothing was compared.',
  'request-id': "CoreClaw's request_id of the export call (on failure, of the failing call), for support requests."
} as const

export type OutputName = keyof typeof OUTPUT_TABLE

/** The names, in the order action.yml lists them. */
export const OUTPUT_NAMES = Object.keys(OUTPUT_TABLE) as OutputName[]
export type OutputValue = string | number | boolean | null

/** Every output for an outcome. A run that was only started, or a dry run, has no file: those are null. */
export function outputsOf(outcome: Outcome): Record<OutputName, OutputValue> {
  const none = noOutputs()
  if (outcome.kind === 'dry-run') return { ...none, 'run-started': false }
  if (outcome.kind === 'started') {
    return { ...none, 'run-id': outcome.runId, 'run-started': true, 'request-id': outcome.requestId ?? null }
  }
  return {
    path: outcome.path,
    url: outcome.url,
    'run-id': outcome.runId,
    'run-started': outcome.run.startedBy !== undefined,
    format: outcome.format,
    size: outcome.size,
    sha256: outcome.sha256,
    'result-count': outcome.resultCount ?? null,
    rows: outcome.rows ?? null,
    changed: outcome.comparison?.changed ?? null,
    'rows-added': outcome.comparison?.rows?.added ?? null,
    'rows-removed': outcome.comparison?.rows?.removed ?? null,
    'rows-changed': outcome.comparison?.rows?.changed ?? null,
    'previous-sha256': outcome.comparison?.previousSha256 ?? null,
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
  return {
    ...noOutputs(),
    'run-id': known?.runId ?? null,
    'run-started': known?.startedBy !== undefined,
    'request-id': requestId ?? null
  }
}

/** Every output, with no value yet. */
function noOutputs(): Record<OutputName, OutputValue> {
  return Object.fromEntries(OUTPUT_NAMES.map(name => [name, null])) as Record<OutputName, OutputValue>
}

/** As the runner takes them: strings, '' for none. */
export function asStrings(outputs: Record<OutputName, OutputValue>): Array<[OutputName, string]> {
  return OUTPUT_NAMES.map(name => [name, outputs[name] === null ? '' : String(outputs[name])])
}
