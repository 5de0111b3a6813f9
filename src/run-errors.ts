/** What a run can fail with: its state, a start whose answer was lost, its input, what became of it. */
import { ActionError, CancelledError, InputError } from './errors.js'
import type { Vocabulary } from './log.js'
import { describeTarget, type StartTarget } from './outcome.js'
import { forLog } from './server-text.js'

export type RunProblem = 'not-exportable' | 'still-running'

/** The run is in a state we cannot export from. */
export interface RunStateErrorFields {
  runId: string
  status: string
  problem: RunProblem
  /** The run's own err_msg, for a run that ended. */
  errMsg?: string
  /** How long the step waited, for a run still going. */
  waitedSeconds?: number
  requestId?: string
}

export class RunStateError extends ActionError {
  override readonly name: string = 'RunStateError'
  readonly runId: string
  readonly status: string
  readonly problem: RunProblem
  readonly errMsg?: string
  readonly waitedSeconds?: number
  override readonly requestId?: string

  constructor({ runId, status, problem, errMsg, waitedSeconds, requestId }: RunStateErrorFields) {
    super(
      problem === 'still-running'
        ? `run ${runId} is still ${status} after ${waitedSeconds} s`
        : `run ${runId} is ${status}, not succeeded${errMsg ? `: ${forLog(errMsg, 1024)}` : ''}; nothing was exported`
    )
    this.runId = runId
    this.status = status
    this.problem = problem
    this.errMsg = errMsg
    this.waitedSeconds = waitedSeconds
    this.requestId = requestId
  }

  advice(say: Vocabulary): string {
    if (this.problem === 'not-exportable') {
      return 'Only succeeded runs can be exported: check the run in the CoreClaw console, then re-run it.'
    }
    return this.waitedSeconds === 0
      ? `Set ${say.input('wait-timeout')} (seconds) to wait for the run to finish.`
      : `Raise ${say.input('wait-timeout')} above ${this.waitedSeconds} to wait longer, or export once the run has finished.`
  }
}

/**
 * A start request whose fate is unknown: it was sent, and the answer was lost, cut, a timeout, a
 * 5xx or a gateway's page. A run may exist and be billed. Never retried: a retry could start a
 * second run.
 */
export class StartUncertainError extends ActionError {
  override readonly name: string = 'StartUncertainError'
  override readonly requestId?: string
  constructor(
    readonly target: StartTarget,
    readonly sentAt: Date,
    override readonly cause: ActionError
  ) {
    super(
      `the start request for ${describeTarget(target)}, sent at ${utc(sentAt)}, got no clear answer (${cause.message}); a run may have started`
    )
    this.requestId = cause.requestId
  }

  advice(say: Vocabulary): string {
    const last =
      'workerId' in this.target
        ? `${say.set('run-id', 'last')} with ${say.set('worker-id', this.target.workerId)}`
        : say.set('run-id', 'last')
    return `It was not retried, so that no second run starts. Look in the CoreClaw console for a run of ${describeTarget(this.target)} started at that time; to export it, use ${last}.`
  }
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** One way the input breaks the worker's input schema: where (a JSON pointer) and the schema's words. */
export interface Violation {
  path: string
  message: string
}

/** The input does not match the worker's own input schema: nothing was started. */
export class InputSchemaError extends InputError {
  override readonly name: string = 'InputSchemaError'
  static readonly SHOWN = 20
  constructor(
    input: 'input' | 'input-file',
    readonly workerId: string,
    readonly violations: Violation[]
  ) {
    const shown = violations
      .slice(0, InputSchemaError.SHOWN)
      .map(({ path, message }) => `${forLog(path || '/', 256)} ${forLog(message, 256)}`)
    const more = violations.length - shown.length
    super(
      input,
      `does not match the input schema of worker ${workerId} (${violations.length} ${violations.length === 1 ? 'problem' : 'problems'}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
      `input that the worker's schema allows (GET /api/v2/workers/${workerId}/input-schema); no run was started`
    )
  }
}

/**
 * A dry run whose input could not be checked against the worker's schema (the schema call failed
 * or never answered, or the schema can't be used): a dry run is a gate, and a gate that checked
 * nothing must not pass.
 */
export class InputNotCheckedError extends ActionError {
  override readonly name: string = 'InputNotCheckedError'
  constructor(
    readonly workerId: string,
    /** Why not, already escaped (worker-schema.ts). */
    readonly why: string,
    override readonly requestId?: string
  ) {
    super(
      `the dry run could not check the input against worker ${workerId}'s input schema: ${why}; nothing was started`
    )
  }

  advice(say: Vocabulary): string {
    return `A dry run passes only when the input was checked: run the job again. A schema the action can't check (too large, too deep, asynchronous) never passes a dry run; a real run, without ${say.set('dry-run', 'true')}, starts unchecked, with a notice.`
  }
}

/** What became of a run this step started, when the step failed before it finished. */
export type RunFate = 'aborted' | 'left-running' | 'abort-failed'

/**
 * The step failed (`cause`) after starting a run that had not finished, and says what became of
 * that run: asked to abort (it will never finish), left running by `abort-on-stop: false`, or an
 * abort CoreClaw did not accept. The advice fits the run's fate.
 */
export class StoppedRunError extends ActionError {
  override readonly name: string = 'StoppedRunError'
  override readonly requestId?: string
  constructor(
    override readonly cause: ActionError,
    readonly runId: string,
    readonly fate: RunFate
  ) {
    const what = {
      aborted: `asked CoreClaw to abort run ${runId}, which this step started`,
      'left-running': `run ${runId} is still running: it was not aborted, as asked`,
      'abort-failed': `run ${runId}, which this step started, could not be aborted and may still be running`
    }[fate]
    super(`${cause.message}; ${what}`)
    this.requestId = cause.requestId
  }

  advice(say: Vocabulary): string {
    if (this.fate === 'aborted') {
      const { cause } = this
      if (cause instanceof RunStateError && cause.problem === 'still-running') {
        return `That run will never finish: to let a run take longer, raise ${say.input('wait-timeout')} above ${cause.waitedSeconds} and start a new one.`
      }
      if (cause instanceof CancelledError) return `That run will never finish. ${cause.advice()}`
      return `That run will never finish: fix the cause, then start a new run. ${cause.advice(say)}`
    }
    const later = `export it once it has finished, with ${say.set('run-id', this.runId)}`
    if (this.fate === 'left-running') {
      return `It runs (and bills) to its end, since ${say.set('abort-on-stop', 'false')}: ${later}.`
    }
    return `Abort it in the CoreClaw console, or it runs (and bills) to its end; or ${later}.`
  }
}

/** `last-succeeded` found no run that succeeded. */
export class NoRunError extends ActionError {
  override readonly name: string = 'NoRunError'
  constructor(readonly workerId?: string) {
    super(
      `no succeeded run${workerId ? ` of worker ${workerId}` : ''} among the latest 100 succeeded runs CoreClaw listed`
    )
  }

  advice(say: Vocabulary): string {
    return this.workerId
      ? `Check ${say.input('worker-id')}, and that a run of it has succeeded in the account the key belongs to.`
      : 'Check that a run has succeeded in the account the key belongs to.'
  }
}
