/**
 * Every failure the action can report, as values with fields. The message is derived from the
 * fields, and `hint` tells the user what to do next. Nothing here ever holds the API key or a
 * signed URL's query string.
 */

/** The message as a sentence: one full stop at the end, never two. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/** Something the caller can retry, and when the server asked us to. */
export interface Retryable {
  readonly retryable: boolean
  readonly retryAfterMs?: number
}

export abstract class ActionError extends Error implements Retryable {
  abstract readonly hint: string
  readonly retryable: boolean = false
  readonly retryAfterMs?: number
  readonly requestId?: string
}

export class InputError extends ActionError {
  override readonly name: string = 'InputError'
  readonly hint: string
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly accepted: string
  ) {
    super(`Input '${input}' ${problem}. Accepted: ${accepted}.`)
    this.hint = `Fix the '${input}' input of this step.`
  }
}

const CODE_NAMES: Record<number, string> = {
  10000: 'system error',
  11000: 'invalid argument',
  11004: 'not found',
  12001: 'unauthorized',
  12002: 'invalid token',
  13000: 'rate limited',
  14000: 'database error',
  16000: 'not implemented',
  30001: 'insufficient balance',
  30003: 'plan concurrency limit',
  50001: 'worker not found',
  50002: 'worker run failed',
  50003: 'worker version unavailable',
  60001: 'task not found',
  70001: 'run not found',
  70002: 'run operation failed'
}

const CODE_HINTS: Record<number, string> = {
  10000: 'CoreClaw had an internal error; run the job again later.',
  11000:
    "CoreClaw rejected an argument: check 'format' and 'filter-keys' (keys must be field keys of the run's results).",
  11004: "The run was not found: check 'run-id', and that the API key belongs to the account that owns the run.",
  12001:
    "CoreClaw did not accept the credentials: check that 'api-key' gets your key (e.g. secrets.CORECLAW_API_KEY) and that the secret is set.",
  12002: "The API key is invalid or revoked: create a new key in CoreClaw and update the secret passed as 'api-key'.",
  13000: "CoreClaw is rate limiting this account: raise 'max-attempts', or run fewer exports at once.",
  14000: 'CoreClaw had a database error; run the job again later.',
  16000: "This CoreClaw deployment does not implement the call: check 'base-url'.",
  30001: 'The CoreClaw account balance is too low: top it up, then re-run.',
  30003: "The plan's concurrency limit is reached: wait for other runs, or upgrade the plan.",
  50001: "The worker was not found: check 'worker-id' (owner/name).",
  50002: 'The worker run failed in CoreClaw: look at the run in the CoreClaw console.',
  50003: 'The worker version is unavailable: check the worker in the CoreClaw console.',
  60001: 'The task was not found in CoreClaw.',
  70001: "The run was not found: check 'run-id', and that the API key belongs to the account that owns the run.",
  70002: 'CoreClaw could not perform the operation on this run: check its status in the CoreClaw console.'
}

export function codeName(code: number): string | undefined {
  return CODE_NAMES[code]
}

export function hintForCode(code: number | undefined, status: number | undefined): string {
  if (code !== undefined && CODE_HINTS[code]) return CODE_HINTS[code]
  if (status === 401 || status === 403) return CODE_HINTS[12001]
  if (status === 404) return CODE_HINTS[11004]
  if (status === 429) return CODE_HINTS[13000]
  if (status !== undefined && status >= 500)
    return 'CoreClaw or a gateway in front of it failed; run the job again later.'
  return "Check the step's inputs; if they are right, contact CoreClaw support with the request id."
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

export interface CoreClawErrorFields {
  operation: string
  status?: number
  appCode?: number
  serverMessage?: string
  details?: unknown
  requestId?: string
  /** A short, sanitised start of a body that was not the JSON envelope. */
  bodyStart?: string
  /** What was wrong with the answer when it was not an error envelope. */
  problem?: string
  retryAfterMs?: number
}

/** CoreClaw's API answered with an error: an HTTP status, an app code, or an unreadable body. */
export class CoreClawError extends ActionError {
  override readonly name: string = 'CoreClawError'
  readonly operation: string
  readonly status?: number
  readonly appCode?: number
  readonly serverMessage?: string
  readonly details?: unknown
  override readonly requestId?: string
  readonly bodyStart?: string
  readonly problem?: string
  override readonly retryable: boolean
  override readonly retryAfterMs?: number
  readonly hint: string

  constructor(fields: CoreClawErrorFields) {
    super(describeCoreClawError(fields))
    this.operation = fields.operation
    this.status = fields.status
    this.appCode = fields.appCode
    this.serverMessage = fields.serverMessage
    this.details = fields.details
    this.requestId = fields.requestId
    this.bodyStart = fields.bodyStart
    this.problem = fields.problem
    this.retryAfterMs = fields.retryAfterMs
    // A code != 0 on a 2xx is a business error, never transient.
    this.retryable = fields.status !== undefined && isRetryableStatus(fields.status)
    this.hint = hintForCode(fields.appCode, fields.status)
  }
}

function describeCoreClawError(f: CoreClawErrorFields): string {
  const parts = [`${f.operation} failed`]
  if (f.status !== undefined) parts.push(`HTTP ${f.status}`)
  if (f.appCode !== undefined) {
    const name = codeName(f.appCode)
    parts.push(`app code ${f.appCode}${name ? ` (${name})` : ''}`)
  }
  let text = parts.join(': ')
  if (f.serverMessage) text += `: ${f.serverMessage}`
  if (f.details !== undefined && f.details !== null) text += ` (details: ${JSON.stringify(f.details)})`
  if (f.problem) text += `: ${f.problem}`
  if (f.bodyStart !== undefined) text += `; body starts: "${f.bodyStart}"`
  if (f.requestId) text += ` [request_id: ${f.requestId}]`
  return text
}

/** A request that never got an HTTP answer: refused, reset, DNS, TLS, proxy, or timed out. */
export class NetworkError extends ActionError {
  override readonly name: string = 'NetworkError'
  override readonly retryable: boolean = true
  readonly hint: string =
    "Check that the runner can reach the host (proxy settings, 'base-url'); the request is retried up to 'max-attempts' times."
  constructor(
    readonly operation: string,
    readonly code: string,
    detail: string
  ) {
    super(`${operation} failed: ${code}${detail ? ` (${detail})` : ''}`)
  }
}

/** Nothing, or not enough, arrived in time. Which limit it was is in the message. */
export class TimeoutError extends NetworkError {
  override readonly name: string = 'TimeoutError'
  override readonly hint = "The host did not answer in time: raise the 'timeout' input if it is just slow."
  constructor(
    operation: string,
    detail: string,
    readonly timeoutMs?: number
  ) {
    super(operation, 'ETIMEDOUT', detail)
  }

  /** The head of the answer did not come. */
  static noAnswer(operation: string, timeoutMs?: number): TimeoutError {
    return new TimeoutError(
      operation,
      timeoutMs === undefined ? 'no answer' : `no answer for ${seconds(timeoutMs)}`,
      timeoutMs
    )
  }

  /** An API answer that was still incomplete at its deadline (it may have been trickling in). */
  static incomplete(operation: string, timeoutMs: number): TimeoutError {
    return new TimeoutError(operation, `no complete answer within ${seconds(timeoutMs)}`, timeoutMs)
  }

  /** A download that stopped moving. */
  static stalled(operation: string, timeoutMs: number): TimeoutError {
    return new TimeoutError(operation, `no bytes from the server for ${seconds(timeoutMs)}`, timeoutMs)
  }
}

function seconds(ms: number): string {
  return `${ms / 1000} s`
}

/** The host's TLS certificate was not accepted: retrying can't help, trusting the right CA can. */
export class TlsError extends NetworkError {
  override readonly name: string = 'TlsError'
  override readonly retryable = false
  override readonly hint =
    "The host's TLS certificate was not trusted. If the runner is behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the path of that proxy's CA certificate."
}

export type RedirectRefusal = 'cross-origin' | 'downgrade' | 'scheme' | 'too-many' | 'unparseable'

export interface RedirectErrorFields {
  operation: string
  kind: RedirectRefusal
  /** The URL that sent the redirect. */
  from: URL
  /** Where it pointed, when that could be parsed. */
  to?: URL
  /** With 'too-many': how many hops are followed. */
  limit?: number
}

/**
 * A redirect we will not follow. Final: asking again gets the same redirect. Only the origin and
 * path of either URL are ever shown.
 */
export class RedirectError extends ActionError {
  override readonly name: string = 'RedirectError'
  readonly operation: string
  readonly kind: RedirectRefusal
  readonly hint: string
  constructor({ operation, kind, from, to, limit }: RedirectErrorFields) {
    const target = to ? `${to.origin}${to.pathname}` : ''
    const host = from.host
    const why: Record<RedirectRefusal, string> = {
      'cross-origin': `${host} redirected the API call to another origin, ${target}; the API key is only sent to 'base-url'`,
      downgrade: `${host} redirected from https to plain http (${target}); that is never followed`,
      scheme: `${host} redirected to ${to?.protocol ?? 'an unknown scheme'} (${target}); only http and https are followed`,
      'too-many': `more than ${limit} redirects, the last from ${host} to ${target}`,
      unparseable: `${host} sent a redirect whose Location is not a URL`
    }
    super(`${operation} refused a redirect: ${why[kind]}`)
    this.operation = operation
    this.kind = kind
    this.hint =
      kind === 'cross-origin'
        ? `If ${to?.origin} is really your CoreClaw API, set 'base-url' to it; otherwise check 'base-url'.`
        : operation === 'download'
          ? 'The storage host behind the download link answered with a redirect the action will not follow; run the job again, and contact CoreClaw support with the request id if it persists.'
          : "The server at 'base-url' answered with a redirect the action will not follow: check 'base-url'."
  }
}

/** The step was cancelled (SIGINT or SIGTERM from the runner). */
export class CancelledError extends ActionError {
  override readonly name: string = 'CancelledError'
  readonly hint = 'The step was cancelled; nothing was written, and any previous file was kept.'
  constructor(readonly signal?: string) {
    super(`cancelled${signal ? ` by ${signal}` : ''}`)
  }
}

export type DownloadProblem = 'http' | 'expired' | 'truncated' | 'encoding' | 'length'

/** The storage host's answer was not the whole file, or not a file we can store as asked. */
export class DownloadError extends ActionError {
  override readonly name: string = 'DownloadError'
  override readonly retryable: boolean
  readonly hint: string
  constructor(
    readonly problem: DownloadProblem,
    readonly detail: string,
    readonly status?: number,
    override readonly retryAfterMs?: number
  ) {
    super(`download failed: ${detail}`)
    this.retryable =
      problem === 'truncated' ||
      problem === 'length' ||
      (problem === 'http' && status !== undefined && isRetryableStatus(status))
    this.hint = DOWNLOAD_HINTS[problem]
  }
}

const DOWNLOAD_HINTS: Record<DownloadProblem, string> = {
  expired: 'The signed download link expired or was refused even after a fresh export; run the job again.',
  truncated: "The connection to the storage host broke during the download; it is retried up to 'max-attempts' times.",
  length:
    "The storage host sent a different number of bytes than it announced; it is retried up to 'max-attempts' times.",
  encoding:
    'The storage host compressed the file in a way the action cannot decode; contact CoreClaw support with the request id.',
  http: 'The storage host refused the download; run the job again, and contact CoreClaw support if it persists.'
}

export type RunProblem = 'not-exportable' | 'still-running'

/** The run is in a state we cannot export from. */
export class RunStateError extends ActionError {
  override readonly name: string = 'RunStateError'
  readonly hint: string
  constructor(
    readonly runId: string,
    readonly status: string,
    readonly problem: RunProblem,
    readonly errMsg?: string,
    readonly waitedSeconds?: number,
    override readonly requestId?: string
  ) {
    super(
      problem === 'still-running'
        ? `run ${runId} is still ${status} after ${waitedSeconds} s`
        : `run ${runId} is ${status}, not succeeded${errMsg ? `: ${errMsg}` : ''}; nothing was exported`
    )
    this.hint =
      problem === 'still-running'
        ? waitedSeconds === 0
          ? "Set 'wait-timeout' (seconds) to wait for the run to finish."
          : `Raise 'wait-timeout' above ${waitedSeconds} to wait longer, or export once the run has finished.`
        : 'Only succeeded runs can be exported: check the run in the CoreClaw console, then re-run it.'
  }
}

/** A retryable failure that kept happening until the attempts ran out. */
export class AttemptsExhaustedError extends ActionError {
  override readonly name: string = 'AttemptsExhaustedError'
  readonly hint: string
  override readonly requestId?: string
  constructor(
    readonly attempts: number,
    readonly last: ActionError
  ) {
    super(`gave up after ${attempts} attempts; the last one: ${last.message}`)
    this.hint = last.hint
    this.requestId = last.requestId
  }
}

/** Wraps anything unexpected so it can be reported the same way. */
export function asActionError(error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new UnexpectedError(message)
}

export class UnexpectedError extends ActionError {
  override readonly name: string = 'UnexpectedError'
  readonly hint = 'This looks like a bug in the action: please report it with the log of this step.'
}

/** Refusing to replace a file the user asked us to keep. */
export class DestinationExistsError extends ActionError {
  override readonly name: string = 'DestinationExistsError'
  readonly hint = "Set 'overwrite: true', or choose another 'path'."
  constructor(readonly path: string) {
    super(`${path} already exists and 'overwrite' is false; it was left untouched`)
  }
}

/** Writing the file failed on the runner's side: permissions, disk space, a bad path. */
export class FileSystemError extends ActionError {
  override readonly name: string = 'FileSystemError'
  readonly hint: string
  readonly code?: string
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException | string
  ) {
    const code = typeof cause === 'string' ? undefined : cause.code
    super(`could not write ${path}: ${typeof cause === 'string' ? cause : (code ?? cause.message)}`)
    this.code = code
    this.hint =
      code === 'EFBIG' || code === 'ENOSPC' || code === 'EDQUOT'
        ? "The runner's disk is full or a file-size limit was reached: free space (or raise the limit), or choose another 'path'."
        : "Check 'path', the folder's permissions and the runner's free disk space."
  }
}
