/**
 * `run-id: new`: checks the input, then starts one run of a worker or a saved task. A start costs
 * money and has no idempotency key, so only what provably started nothing is retried
 * (`startRule`, retry.ts); a start whose answer was lost is never retried but reported, with what
 * the user needs to find the run it may have started. And when the step stops before the run it
 * started has finished, the run is stopped too.
 */
import type { CoreClawClient, StartRequest } from './coreclaw.js'
import { asActionError, type ActionError } from './errors.js'
import { InputNotCheckedError, RunStateError, StartUncertainError, StoppedRunError } from './run-errors.js'
import { describeTarget, type DryRun, type StartTarget } from './outcome.js'
import { checkInputSchema, uncheckedNotice } from './worker-schema.js'
import type { Log } from './log.js'
import { provablyNotStarted, startRule, type Clock } from './retry.js'
import type { WorkerInput, WorkerInputSource } from './worker-input.js'

/** What a start needs of the inputs, and nothing else (no credentials: those stay with the client). */
export interface StartSpec {
  workerId?: string
  taskId?: string
  workerVersion?: string
  input?: WorkerInputSource
}

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
  /** The step's cancellation: it stops the schema check too. */
  signal?: AbortSignal
}

export async function startRun(
  client: CoreClawClient,
  spec: StartSpec,
  workerInput: WorkerInput | undefined,
  { log, clock, waitUntilMs, signal }: StartOptions
): Promise<StartedRun> {
  const { workerId, taskId = '', workerVersion, input } = spec
  // parseInputs lets `new` through only with exactly one of a worker and a task.
  const target: StartTarget = workerId ? { workerId } : { taskId }
  if (workerId && workerInput && input) {
    const outcome = await checkInputSchema(client, { workerId, input: workerInput, source: input, log, signal })
    if (!outcome.checked) uncheckedNotice(workerId, outcome.why, log)
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
 * `dry-run: true`: everything a start would check, and no start. The worker must exist (its schema
 * endpoint says so) and the input must match its schema, checked: an input that could not be
 * checked fails the dry run, which is a gate; a task must exist. Whether a version
 * exists can't be asked: CoreClaw's API lists no versions of a worker, so that is said, not checked.
 */
export async function dryRun(
  client: CoreClawClient,
  spec: StartSpec,
  workerInput: WorkerInput | undefined,
  { log, signal }: { log: Log; signal?: AbortSignal }
): Promise<DryRun> {
  const { workerId, taskId = '', workerVersion, input } = spec
  const target: StartTarget = workerId ? { workerId } : { taskId }
  // An input is checked, or the dry run fails: so whether it was checked is whether one was given.
  const inputChecked = Boolean(workerId && workerInput && input)
  if (workerId && workerInput && input) {
    const outcome = await checkInputSchema(client, { workerId, input: workerInput, source: input, log, signal })
    if (!outcome.checked) throw new InputNotCheckedError(workerId, outcome.why, outcome.requestId)
  } else if (workerId) {
    await client.getInputSchema(workerId)
    log.info(`Worker ${workerId} exists.`)
  } else {
    await client.getTask(taskId)
    log.info(`Task ${taskId} exists.`)
  }
  if (workerVersion) {
    log.notice(
      `Version ${workerVersion} was not checked: CoreClaw's API has no call that lists a worker's versions. A start of a version that is not available fails with app code 50003.`,
      'Version not checked'
    )
  }
  const what = `${describeTarget(target)}${workerVersion ? ` (version ${workerVersion})` : ''}`
  const withInput = input
    ? ` with the input from ${'text' in input ? log.say.input('input') : log.say.set('input-file', input.file)}`
    : ''
  log.info(`Dry run: a run of ${what}${withInput} would start. Nothing was started.`)
  return { kind: 'dry-run', target, version: workerVersion, inputChecked }
}

/**
 * The step is failing with `error` after starting run `runId`. Unless the run itself ended (a final
 * state), the step is stopping before its run finished (cancelled, `wait-timeout`, a failure while
 * waiting or before it): ask CoreClaw to abort it, unless the user said not to. Never called for a
 * run the step did not start. Returns the error to report: the step's own, saying what became of
 * the run. A failed abort is a warning too: the step's own error is the one to report.
 */
export async function stopUnfinishedRun(
  client: CoreClawClient,
  runId: string,
  error: unknown,
  abortOnStop: boolean,
  log: Log
): Promise<ActionError> {
  const cause = asActionError(error)
  if (cause instanceof RunStateError && cause.problem === 'not-exportable') return cause
  if (!abortOnStop) {
    log.info(`Run ${runId} keeps running: ${log.say.set('abort-on-stop', 'false')}.`)
    return new StoppedRunError(cause, runId, 'left-running')
  }
  try {
    await client.abortRun(runId, ABORT_TIMEOUT_MS)
    log.info(`Asked CoreClaw to abort run ${runId}, which this step started; it shows 'aborting' until it stops.`)
    return new StoppedRunError(cause, runId, 'aborted')
  } catch (failure) {
    log.warning(
      `Could not abort run ${runId}, which this step started: ${(failure as Error).message}. Abort it in the CoreClaw console, or it runs (and bills) to its end.`,
      'Run not aborted'
    )
    return new StoppedRunError(cause, runId, 'abort-failed')
  }
}
