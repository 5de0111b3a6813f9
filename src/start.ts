/**
 * `run-id: new`: checks the input, then starts one run of a worker or a saved task. A start costs
 * money and has no idempotency key, so only what provably started nothing is retried
 * (`startRule`, retry.ts); a start whose answer was lost is never retried but reported, with what
 * the user needs to find the run it may have started. And when the step stops before the run it
 * started has finished, the run is stopped too.
 */
import type { CoreClawClient, StartRequest } from './coreclaw.js'
import { asActionError, describeTarget, RunStateError, StartUncertainError, type StartTarget } from './errors.js'
import { checkInputSchema } from './input-schema.js'
import type { Inputs } from './inputs.js'
import type { Log } from './log.js'
import { provablyNotStarted, startRule, type Clock } from './retry.js'
import type { WorkerInput } from './run-input.js'

export interface StartedRun {
  runId: string
  target: StartTarget
  requestId?: string
}

/** The abort must be out well before the runner's SIGTERM (7.5 s after SIGINT); see cancellation.ts. */
const ABORT_TIMEOUT_MS = 3000

export interface StartOptions {
  log: Log
  clock: Clock
  /** A full plan (30003) is waited for until this time (clock ms): the end of `wait-timeout`. */
  waitUntilMs: number
}

export async function startRun(
  client: CoreClawClient,
  inputs: Inputs,
  workerInput: WorkerInput | undefined,
  { log, clock, waitUntilMs }: StartOptions
): Promise<StartedRun> {
  const { workerId, taskId = '', workerVersion, input } = inputs
  // parseInputs lets `new` through only with exactly one of a worker and a task.
  const target: StartTarget = workerId ? { workerId } : { taskId }
  if (workerId && workerInput && input) {
    await checkInputSchema(client, workerId, workerInput, 'text' in input ? 'input' : 'input-file', log)
  }
  const start: StartRequest = workerId
    ? {
        kind: 'worker',
        workerId,
        body: {
          is_async: true,
          ...(workerInput && { input: workerInput }),
          ...(workerVersion && { version: workerVersion })
        }
      }
    : { kind: 'task', taskId, body: { is_async: true } }

  log.info(`Starting a run of ${describeTarget(target)}${workerVersion ? ` (version ${workerVersion})` : ''}.`)
  const sentAt = new Date(clock.now())
  try {
    const { data: runId, requestId } = await client.startRun(start, startRule(waitUntilMs))
    log.info(`Started run ${runId} of ${describeTarget(target)}.`)
    return { runId, target, requestId }
  } catch (thrown) {
    const error = asActionError(thrown)
    // A cancellation can cut the request after it was sent: like a lost answer, it proves nothing.
    if (provablyNotStarted(error)) throw error
    throw new StartUncertainError(target, sentAt, error)
  }
}

/**
 * The wait for a run this step started ended with `error`. Unless the run itself ended (a final
 * state), the step is stopping before its run finished (cancelled, `wait-timeout`, a failure while
 * waiting): ask CoreClaw to abort it, unless the user said not to. Never called for a run the step
 * did not start. A failed abort is a warning: the step's own error is the one to report.
 */
export async function stopUnfinishedRun(
  client: CoreClawClient,
  runId: string,
  error: unknown,
  abortOnStop: boolean,
  log: Log
): Promise<void> {
  if (error instanceof RunStateError && error.problem === 'not-exportable') return
  if (!abortOnStop) {
    log.info(`Run ${runId} keeps running: 'abort-on-stop' is false.`)
    return
  }
  try {
    await client.abortRun(runId, ABORT_TIMEOUT_MS)
    log.info(`Asked CoreClaw to abort run ${runId}, which this step started; it shows 'aborting' until it stops.`)
  } catch (failure) {
    log.warning(
      `Could not abort run ${runId}, which this step started: ${(failure as Error).message}. Abort it in the CoreClaw console, or it runs (and bills) to its end.`,
      'Run not aborted'
    )
  }
}
