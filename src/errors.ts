/**
 * Every failure the action can report, as values with fields. The message is derived from the
 * fields; `advice` tells the user what to do next, in the words of whoever reads it: a step's
 * inputs in a workflow, options and CORECLAW_API_KEY on the command line. Server text in a message
 * has passed through `forLog` (server-text.ts). Nothing here ever holds the API key or a signed
 * URL's query string.
 */
import { CODE_ADVICE, codeName, notFound, type Subject } from './coreclaw-codes.js'
import type { InputName } from './input-table.js'
import { forLog, jsonOf } from './server-text.js'
import { describeTarget, type StartTarget } from './start-target.js'
import { STEP_INPUTS, type Vocabulary } from './vocabulary.js'

/** The message as a sentence: one full stop at the end, never two. */
export function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`
}

/** Something the caller can retry, and when the server asked us to. */
export interface Retryable {
  readonly retryable: boolean
  readonly retryAfterMs?: number
}

export abstract class ActionError extends Error implements Retryable {
  readonly retryable: boolean = false
  readonly retryAfterMs?: number
  readonly requestId?: string

  /** What to do next, in the reader's words. */
  abstract advice(say: Vocabulary): string

  /** What to do next, as a workflow's author reads it. */
  get hint(): string {
    return this.advice(STEP_INPUTS)
  }
}

export class InputError extends ActionError {
  override readonly name: string = 'InputError'
  constructor(
    readonly input: InputName,
    readonly problem: string,
    readonly accepted: string
  ) {
    super(`Input '${input}' ${problem}. Accepted: ${sentence(accepted)}`)
  }

  advice(say: Vocabulary): string {
    return `Fix ${say.input(this.input)}.`
  }
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
  /** The answer was not CoreClaw's envelope at all (a gateway's page, a wrong URL). */
  notEnvelope?: boolean
  retryAfterMs?: number
  subject?: Subject
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
  readonly notEnvelope: boolean
  readonly subject: Subject
  override readonly retryable: boolean
  override readonly retryAfterMs?: number

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
    this.notEnvelope = fields.notEnvelope ?? false
    this.subject = fields.subject ?? {}
    this.retryAfterMs = fields.retryAfterMs
    // A code != 0 on a 2xx is a business error, never transient.
    this.retryable = fields.status !== undefined && isRetryableStatus(fields.status)
  }

  advice(say: Vocabulary): string {
    const { appCode, status, subject } = this
    if (appCode !== undefined && CODE_ADVICE[appCode]) return CODE_ADVICE[appCode](say, subject)
    if (status === 404) {
      const elsewhere = this.notEnvelope
        ? ` The answer was not CoreClaw's own: check ${say.input('base-url')} too.`
        : ''
      return notFound(say, subject) + elsewhere
    }
    if (this.notEnvelope) {
      return `The answer did not come from CoreClaw's API (a gateway, a proxy or another server answered): check ${say.input('base-url')} and the runner's proxy settings.`
    }
    if (status === 401 || status === 403) return CODE_ADVICE[12001](say, subject)
    if (status === 429) return CODE_ADVICE[13000](say, subject)
    if (status !== undefined && status >= 500)
      return 'CoreClaw or a gateway in front of it failed; run the job again later.'
    return 'CoreClaw answered in a way the action does not understand: contact CoreClaw support with the request id.'
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
  // Server text: each piece escaped and capped, so the line holds well under 4 KiB of it.
  if (f.serverMessage) text += `: ${forLog(f.serverMessage, 1024)}`
  // Nested as deep as a hostile server likes: jsonOf cuts it, where JSON.stringify would overflow the stack.
  if (f.details !== undefined && f.details !== null) text += ` (details: ${forLog(jsonOf(f.details, 1024), 1024)})`
  if (f.problem) text += `: ${f.problem}`
  if (f.bodyStart !== undefined) text += `; body starts: "${forLog(f.bodyStart, 120)}"`
  if (f.requestId) text += ` [request_id: ${f.requestId}]`
  return text
}

/** A request that never got an HTTP answer: refused, reset, DNS, TLS, proxy, or timed out. */
export class NetworkError extends ActionError {
  override readonly name: string = 'NetworkError'
  override readonly retryable: boolean = true
  /**
   * Set by http.ts when the failure came before the connection to the server was made: then no
   * byte of the request left the machine. Unset means it may have reached the server.
   */
  unsent = false
  constructor(
    readonly operation: string,
    readonly code: string,
    detail: string
  ) {
    super(`${operation} failed: ${code}${detail ? ` (${detail})` : ''}`)
  }

  advice(say: Vocabulary): string {
    return `Check that the runner can reach the host (proxy settings, ${say.input('base-url')}); the request is retried up to ${say.input('max-attempts')} times.`
  }
}

/** Nothing, or not enough, arrived in time. Which limit it was is in the message. */
export class TimeoutError extends NetworkError {
  override readonly name: string = 'TimeoutError'
  constructor(
    operation: string,
    detail: string,
    readonly timeoutMs?: number
  ) {
    super(operation, 'ETIMEDOUT', detail)
  }

  override advice(say: Vocabulary): string {
    return `The host did not answer in time: raise ${say.input('timeout')} if it is just slow.`
  }

  /** The head of the answer did not come, from the server or from the proxy in between. */
  static noAnswer(operation: string, timeoutMs?: number, proxy?: string): TimeoutError {
    const time = timeoutMs === undefined ? 'no answer' : `no answer for ${seconds(timeoutMs)}`
    return new TimeoutError(operation, proxy ? `${time}, through the proxy ${forLog(proxy, 256)}` : time, timeoutMs)
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

/** The proxy in between refused the tunnel: 407 wants credentials (final), 502/503 is the proxy's trouble (retried). */
export class ProxyError extends NetworkError {
  override readonly name: string = 'ProxyError'
  override readonly retryable: boolean
  constructor(
    operation: string,
    readonly status: number,
    readonly proxy?: string
  ) {
    super(operation, `EPROXY${status}`, `the proxy ${proxy ? `${forLog(proxy, 256)} ` : ''}answered HTTP ${status}`)
    this.retryable = status !== 407 && isRetryableStatus(status)
  }

  override advice(say: Vocabulary): string {
    if (this.status === 407) {
      return 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY=http://user:password@proxy:port), from a secret.'
    }
    return `The proxy could not reach the host, or is overloaded; the request is retried up to ${say.input('max-attempts')} times. Check the proxy if it persists.`
  }
}

/** An answer the action does not speak, such as 101 Switching Protocols: final, and never a hang. */
export class UnspokenAnswerError extends ActionError {
  override readonly name: string = 'UnspokenAnswerError'
  constructor(
    readonly operation: string,
    readonly status: number,
    statusText?: string
  ) {
    super(
      `${operation} failed: the server answered HTTP ${status}${statusText ? ` ${forLog(statusText, 64)}` : ''}, which the action does not speak`
    )
  }

  advice(say: Vocabulary): string {
    return this.operation === 'download'
      ? 'The storage host switched protocols instead of sending the file; contact CoreClaw support with the request id if it persists.'
      : `Something other than CoreClaw's API answered: check ${say.input('base-url')} and the runner's proxy settings.`
  }
}

/** The host's TLS certificate was not accepted: retrying can't help, trusting the right CA can. */
export class TlsError extends NetworkError {
  override readonly name: string = 'TlsError'
  override readonly retryable = false
  override advice(): string {
    return "The host's TLS certificate was not trusted. If the runner is behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the path of that proxy's CA certificate."
  }
}

export type RedirectRefusal = 'cross-origin' | 'downgrade' | 'scheme' | 'too-many' | 'unparseable' | 'post'

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
  readonly to?: URL
  constructor({ operation, kind, from, to, limit }: RedirectErrorFields) {
    // A URL without an origin (file:, javascript:) has "null" for one: show its scheme instead.
    const target = to ? forLog(`${to.origin === 'null' ? to.protocol : to.origin}${to.pathname}`, 512) : ''
    const host = from.host
    const why: Record<RedirectRefusal, string> = {
      'cross-origin': `${host} redirected the API call to another origin, ${target}; the API key is only sent to the API's own origin`,
      downgrade: `${host} redirected from https to plain http (${target}); that is never followed`,
      scheme: `${host} redirected to ${forLog(to?.protocol ?? '?', 32)} (${target}); only http and https are followed`,
      'too-many': `more than ${limit} redirects, the last from ${host} to ${target}`,
      unparseable: `${host} sent a redirect whose Location is not a URL`,
      post: `${host} redirected a POST request; a POST is never sent again elsewhere`
    }
    super(`${operation} refused a redirect: ${why[kind]}`)
    this.operation = operation
    this.kind = kind
    this.to = to
  }

  advice(say: Vocabulary): string {
    if (this.kind === 'cross-origin') {
      return `If ${this.to?.origin} is really your CoreClaw API, set ${say.input('base-url')} to it; otherwise check ${say.input('base-url')}.`
    }
    return this.operation === 'download'
      ? 'The storage host behind the download link answered with a redirect the action will not follow; run the job again, and contact CoreClaw support with the request id if it persists.'
      : `The server at ${say.input('base-url')} answered with a redirect the action will not follow: check ${say.input('base-url')}.`
  }
}

/** The step was cancelled (SIGINT or SIGTERM from the runner). */
export class CancelledError extends ActionError {
  override readonly name: string = 'CancelledError'
  constructor(
    readonly signal?: string,
    /**
     * The request the cancellation cut before its connection was made (a proxy's CONNECT still
     * waiting): none of its bytes left, so the server did nothing. The phase rule, as for NetworkError.
     */
    readonly unsentOperation?: string
  ) {
    super(
      `cancelled${signal ? ` by ${signal}` : ''}${unsentOperation ? ` before the ${unsentOperation} was sent` : ''}`
    )
  }

  /** The same cancellation, for a request it cut before any of it was sent. */
  beforeSending(operation: string): CancelledError {
    return new CancelledError(this.signal, operation)
  }

  advice(): string {
    return this.unsentOperation
      ? `The ${this.unsentOperation} never reached CoreClaw, so nothing was started; nothing was written, and any previous file was kept.`
      : 'Nothing was written, and any previous file was kept.'
  }
}

export type DownloadProblem = 'http' | 'expired' | 'truncated' | 'encoding' | 'length' | 'checksum' | 'bomb'

/** The storage host's answer was not the whole file, or not a file we can store as asked. */
export interface DownloadErrorFields {
  problem: DownloadProblem
  detail: string
  /** The storage host's HTTP status, when it answered with one. */
  status?: number
  retryAfterMs?: number
  /** The storage host's own error code (S3, Azure, GCS: `SignatureDoesNotMatch`, `AccessDenied`, …). */
  storageCode?: string
}

export class DownloadError extends ActionError {
  override readonly name: string = 'DownloadError'
  override readonly retryable: boolean
  readonly problem: DownloadProblem
  readonly detail: string
  readonly status?: number
  override readonly retryAfterMs?: number
  readonly storageCode?: string

  constructor({ problem, detail, status, retryAfterMs, storageCode }: DownloadErrorFields) {
    super(`download failed: ${detail}`)
    this.problem = problem
    this.detail = detail
    this.status = status
    this.retryAfterMs = retryAfterMs
    this.storageCode = storageCode
    this.retryable =
      problem === 'truncated' ||
      problem === 'length' ||
      problem === 'checksum' ||
      (problem === 'http' && status !== undefined && isRetryableStatus(status))
  }

  advice(say: Vocabulary): string {
    const retried = `it is retried up to ${say.input('max-attempts')} times`
    switch (this.problem) {
      case 'expired':
        return this.storageCode && /Signature|AuthenticationFailed/i.test(this.storageCode)
          ? "The storage host says the link's signature does not match, even for a fresh link: the runner's clock may be off, or a proxy may rewrite the requests. Check both, then run the job again."
          : 'The signed download link expired or was refused even after a fresh export; run the job again.'
      case 'checksum':
        return `The file did not arrive as the storage host sent it (a corrupt transfer); ${retried}.`
      case 'bomb':
        return 'The storage host sent a compressed body that expands out of all proportion, as no export does; it was refused. Contact CoreClaw support with the request id.'
      case 'truncated':
        return `The connection to the storage host broke during the download; ${retried}.`
      case 'length':
        return `The storage host sent a different number of bytes than it announced; ${retried}.`
      case 'encoding':
        return 'The storage host compressed the file in a way the action cannot decode; contact CoreClaw support with the request id.'
      case 'http':
        return 'The storage host refused the download; run the job again, and contact CoreClaw support if it persists.'
    }
  }
}

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

/** A retryable failure that kept happening until the attempts ran out. */
export class AttemptsExhaustedError extends ActionError {
  override readonly name: string = 'AttemptsExhaustedError'
  override readonly requestId?: string
  constructor(
    readonly attempts: number,
    readonly last: ActionError
  ) {
    super(`gave up after ${attempts} attempts; the last one: ${last.message}`)
    this.requestId = last.requestId
  }

  advice(say: Vocabulary): string {
    return this.last.advice(say)
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
    /** Why not, already escaped (input-schema.ts). */
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

/** Wraps anything unexpected so it can be reported the same way. */
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

export function asActionError(error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new UnexpectedError(message)
}

export class UnexpectedError extends ActionError {
  override readonly name: string = 'UnexpectedError'
  advice(): string {
    return 'This looks like a bug in the action: please report it with the log of this step.'
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

/** An empty export with `if-empty: error`: the destination was left as it was. */
export class EmptyExportError extends ActionError {
  override readonly name: string = 'EmptyExportError'
  constructor(
    readonly runId: string,
    readonly reason: string
  ) {
    super(`the export of run ${runId} is empty: ${reason}; nothing was written`)
  }

  advice(say: Vocabulary): string {
    return `Check the run's input and log in the CoreClaw console. If an empty result is fine, set ${say.set('if-empty', 'warn')} or ${say.set('if-empty', 'ignore')}.`
  }
}

/** Refusing to replace a file the user asked us to keep. */
export class DestinationExistsError extends ActionError {
  override readonly name: string = 'DestinationExistsError'
  constructor(readonly path: string) {
    super(`${path} already exists and overwriting is off; it was left untouched`)
  }

  advice(say: Vocabulary): string {
    return `Set ${say.set('overwrite', 'true')}, or choose another ${say.input('path')}.`
  }
}

/** Windows would not let the file replace the destination: another program holds it, or it is read-only. */
export class DestinationHeldError extends ActionError {
  override readonly name: string = 'DestinationHeldError'
  constructor(
    readonly path: string,
    readonly code: string
  ) {
    super(`Windows would not replace ${path} (${code}): another program has it open, or it is read-only`)
  }

  advice(say: Vocabulary): string {
    return `Close what holds it (a spreadsheet, a process left by an earlier step; an antivirus scan usually ends within seconds), clear its read-only attribute, or choose another ${say.input('path')}.`
  }
}

/** Writing the file failed on the runner's side: permissions, disk space, a bad path. */
export class FileSystemError extends ActionError {
  override readonly name: string = 'FileSystemError'
  readonly code?: string
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException | string,
    detail?: string
  ) {
    const code = typeof cause === 'string' ? undefined : cause.code
    super(
      `could not write ${path}: ${typeof cause === 'string' ? cause : (code ?? cause.message)}${detail ? ` (${detail})` : ''}`
    )
    this.code = code
  }

  advice(say: Vocabulary): string {
    return this.code === 'EFBIG' || this.code === 'ENOSPC' || this.code === 'EDQUOT'
      ? `The runner's disk is full or a file-size limit was reached: free space (or raise the limit), or choose another ${say.input('path')}.`
      : `Check ${say.input('path')}, the folder's permissions and the runner's free disk space.`
  }
}
