/**
 * What a step did, as values the action, the CLI, the outputs and the summary all read: the run it
 * is about (known as soon as it is), what a start starts, and the outcome (exported, started only,
 * or a dry run). Types and their words only: no module here calls another.
 */
import type { ComparisonReport } from './compare.js'
import type { ActionError } from './errors.js'
import type { Preview } from './preview.js'
import type { LogLines } from './run-log.js'

/** What a start request asked for: a worker or a saved task. */
export type StartTarget = { workerId: string } | { taskId: string }

export function describeTarget(target: StartTarget): string {
  return 'workerId' in target ? `worker ${target.workerId}` : `task ${target.taskId}`
}

/** The run the step is about, as soon as it is known. */
export interface KnownRun {
  runId: string
  /** The worker or task, when this step started the run. */
  startedBy?: StartTarget
}

/** What the step did: exported a run (the usual story), only started one, or checked a start (dry run). */
export type Outcome = ExportResult | StartedOnly | DryRun

/** `run-id: new` with `wait-timeout: 0`: the run was started and left running; nothing was exported. */
export interface StartedOnly {
  kind: 'started'
  runId: string
  startedBy: StartTarget
  requestId?: string
}

/** `dry-run: true`: what would be started, checked; nothing was started. */
export interface DryRun {
  kind: 'dry-run'
  target: StartTarget
  version?: string
  /** Whether an input was given, and so checked against the worker's schema: one that could not be checked fails the dry run. */
  inputChecked: boolean
}

export interface ExportResult {
  kind: 'exported'
  runId: string
  format: string
  filterKeys: string[]
  path: string
  url: string
  size: number
  sha256: string
  /** The storage host's checksum the bytes were verified against, if it sent one. */
  verified?: string
  /** CoreClaw's row count for the run (`results`). */
  resultCount?: number
  /** Rows counted in the file, where the format has rows to count. */
  rows?: number
  preview?: Preview
  /** What changed since the export it was compared with (`with`, as the user named it); absent when nothing was. */
  comparison?: ComparisonReport
  requestId?: string
  /** The run's own story: who started it, how long it took, what it cost, how much of its log was shown. */
  run: {
    startedBy?: StartTarget
    durationSeconds?: number
    usage?: string
    /** Whether the step waited for the run to finish. */
    waited: boolean
    /** How much of the run's log was shown: only when this step started the run or waited for it. */
    logLines?: LogLines
  }
  details: {
    requestIds: { start?: string; run?: string; export?: string }
    /** Retries after failures, per operation. */
    retries: Record<string, number>
    timings: { waitMs: number; exportMs: number; totalMs: number }
    freshLink: boolean
  }
}

/** "Run X: " before a message that does not name the run already. */
export function namingRun(error: ActionError, known: KnownRun | undefined): string {
  return known && !error.message.includes(known.runId) ? `Run ${known.runId}: ` : ''
}
