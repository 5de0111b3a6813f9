/** What a request on the wire can fail with (http.ts): no answer, a proxy, TLS, a redirect we refuse. */
import { ActionError } from './errors.js'
import type { Vocabulary } from './log.js'
import { forLog } from './server-text.js'

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
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
