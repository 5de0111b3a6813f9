/**
 * Waiting for a run to become exportable. Only `succeeded` runs are exported; `ready` and
 * `running` are waited for (up to `wait-timeout`); everything else is final and fails at once.
 * While it waits, the run's own log is shown when a follower is given.
 */
import type { CoreClawClient, RunDetail } from './coreclaw.js'
import { RunStateError } from './run-errors.js'
import type { Clock } from './retry.js'
import type { Log } from './log.js'
import { count } from './progress.js'
import type { RunLogFollower } from './run-log.js'

/** CoreClaw's docs: poll from about 2 s, backing off to 5, 10 and 15 s. */
export const POLL_DELAYS_MS = [2000, 5000, 10_000, 15_000]
/** A progress line at most this often, so long waits don't flood the log. */
export const PROGRESS_EVERY_MS = 15_000

export interface WaitOptions {
  waitTimeoutSeconds: number
  /** When the step began waiting (clock ms): a wait for a free slot to start the run counts too. */
  since?: number
  clock: Clock
  log: Log
  signal?: AbortSignal
  /**
   * Shows the run's log. Only for a run this step started or one it really waits for: an export of
   * a run that had finished long ago gets no log dump and no extra request.
   */
  follower?: RunLogFollower
  startedHere?: boolean
}

export interface ReadyRun {
  run: RunDetail
  requestId?: string
  waitedMs: number
  /** Whether the run was still going at the first poll: the step really waited for it. */
  waited: boolean
}

export async function waitForRun(client: CoreClawClient, runId: string, options: WaitOptions): Promise<ReadyRun> {
  const { clock, log, waitTimeoutSeconds, follower } = options
  const started = options.since ?? clock.now()
  const deadline = started + waitTimeoutSeconds * 1000
  let lastProgress = -Infinity
  let following = false
  for (let poll = 0; ; poll++) {
    const { data: run, requestId } = await client.getRun(runId)
    const status = run.status
    const inProgress = status === 'ready' || status === 'running'
    following ||= follower !== undefined && (options.startedHere === true || inProgress)
    if (!inProgress) {
      // Read after the status, so that a finished run's last entries are shown too, within a few seconds.
      if (following) await follower?.last()
      if (status === 'succeeded') return { run, requestId, waitedMs: clock.now() - started, waited: poll > 0 }
      throw new RunStateError({ runId, status, problem: 'not-exportable', errMsg: run.errMsg, requestId })
    }
    const now = clock.now()
    if (now >= deadline) {
      const waitedSeconds = Math.round((now - started) / 1000)
      throw new RunStateError({ runId, status, problem: 'still-running', waitedSeconds, requestId })
    }
    // Never waited for while the run goes on: a slow log must not hold up the status polls.
    if (following) void follower?.poll()
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now
      log.info(
        `Run ${runId} is ${status}, ${run.results === undefined ? 'row count unknown' : count(run.results, 'row')} so far; waited ${Math.round((now - started) / 1000)} s of ${waitTimeoutSeconds} s.`
      )
    }
    const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)]
    await clock.sleep(Math.min(delay, deadline - now), options.signal)
  }
}
