/**
 * One request on @actions/http-client, with our rules on top of it:
 * - redirects are judged hop by hop here (http-client's own following is off): only http(s), never
 *   https → http, at most 10 hops, and API calls stay on their origin; a POST is never redirected,
 *   since sending it again elsewhere could start a second run;
 * - credentials are given per hop by `sign`, so nothing client-level is re-applied to a hop it
 *   should not reach;
 * - the answer's head must come within the timeout (the caller guards the body), and a cancelled
 *   step aborts the request;
 * - errors never carry a query string (it can hold `?token=` or a URL signature).
 * Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), TLS and framing are the library's and Node's.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions as NodeRequestOptions } from 'node:http'
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { ActionError, NetworkError, RedirectError, TimeoutError, TlsError } from './errors.js'

export interface Signed {
  url: URL
  headers: Record<string, string>
}

export interface RequestOptions {
  /** Names the request in errors and logs, e.g. "export request". */
  operation: string
  /** GET unless said; a POST carries `body`. */
  method?: 'GET' | 'POST'
  body?: string
  userAgent: string
  /** How long the head of each answer may take: connecting, the proxy, TLS and the server's wait. */
  timeoutMs: number
  headers: Record<string, string>
  /**
   * Adds credentials to one hop. Called for every hop, so each redirect target is judged on its
   * own; when absent the request carries no credentials at all.
   */
  sign?: (url: URL) => Signed
  /** Refuse redirects that leave the first URL's origin (API calls). */
  sameOriginOnly?: boolean
  /** The step's cancellation. */
  signal?: AbortSignal
}

export interface Response {
  status: number
  headers: IncomingHttpHeaders
  /** The body, as Node's stream. */
  body: IncomingMessage
  /** The URL that answered, after redirects. */
  url: URL
  /** Ends the exchange at once: the body and its socket are destroyed. */
  close(reason?: Error): void
}

export const MAX_REDIRECTS = 10
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The URL as it may be logged: origin and path, never the query or fragment. */
export function loggable(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url
  return `${parsed.origin}${parsed.pathname}`
}

export async function request(url: URL, options: RequestOptions): Promise<Response> {
  let current = url
  for (let hop = 0; ; hop++) {
    const signed = options.sign ? options.sign(current) : { url: current, headers: {} }
    // url.host leaves out the scheme's default port. Node would add ":80" behind a proxy tunnel,
    // and object storage may sign the Host header.
    const headers = { ...options.headers, ...signed.headers, host: signed.url.host }
    const response = await send(signed.url, headers, options)
    const location = response.headers.location
    if (!REDIRECTS.has(response.status) || !location) return { ...response, url: current }
    response.close()
    if (options.method === 'POST')
      throw new RedirectError({ operation: options.operation, kind: 'post', from: current })
    current = nextHop(url, current, location, hop, options)
  }
}

/** Where a redirect may go: every refusal is final, since asking again gets the same answer. */
function nextHop(first: URL, current: URL, location: string, hop: number, options: RequestOptions): URL {
  const { operation } = options
  let next: URL
  try {
    next = new URL(location, current)
  } catch {
    throw new RedirectError({ operation, kind: 'unparseable', from: current })
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new RedirectError({ operation, kind: 'scheme', from: current, to: next })
  }
  if (current.protocol === 'https:' && next.protocol !== 'https:') {
    throw new RedirectError({ operation, kind: 'downgrade', from: current, to: next })
  }
  if (options.sameOriginOnly && next.origin !== first.origin) {
    throw new RedirectError({ operation, kind: 'cross-origin', from: current, to: next })
  }
  if (hop + 1 > MAX_REDIRECTS) {
    throw new RedirectError({ operation, kind: 'too-many', from: current, to: next, limit: MAX_REDIRECTS })
  }
  return next
}

/** One request, one client: nothing pooled outlives it, and no agent serves two origins. */
async function send(
  url: URL,
  headers: Record<string, string>,
  options: RequestOptions
): Promise<Omit<Response, 'url'>> {
  const { operation, timeoutMs } = options
  const deadline = new AbortController()
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal
  const client = new HttpClient(options.userAgent, [abortedBy(signal)], {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    socketTimeout: timeoutMs
  })
  const timer = setTimeout(() => deadline.abort(TimeoutError.noAnswer(operation, timeoutMs)), timeoutMs)
  try {
    const { message } = await client.request(options.method ?? 'GET', url.href, options.body ?? null, headers)
    // http-client's socket timeout guards the head only. On a body it would just half-close the
    // socket (socket.end()), turning a stall into a cut or a hang; the caller's deadline (API
    // answers) or stall watchdog (downloads) guards the body instead.
    message.socket?.setTimeout(0)
    const close = (reason?: Error) => {
      message.destroy(reason)
      client.dispose()
    }
    // Cancelling the step after the head arrived ends the body too.
    const onAbort = () => close(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    message.once('close', () => signal.removeEventListener('abort', onAbort))
    return { status: message.statusCode ?? 0, headers: message.headers, body: message, close }
  } catch (error) {
    client.dispose()
    throw networkError(signal.aborted ? signal.reason : error, operation, timeoutMs)
  } finally {
    clearTimeout(timer)
  }
}

/** http-client passes every request's options through its handlers: the one place to add a signal. */
function abortedBy(signal: AbortSignal): RequestHandler {
  return {
    prepareRequest: (options: NodeRequestOptions) => void (options.signal = signal),
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
  }
}

/** Node's and http-client's errors as ours, minus anything that could carry a query string. */
export function networkError(error: unknown, operation: string, timeoutMs?: number): ActionError {
  if (error instanceof ActionError) return error
  const code = (error as NodeJS.ErrnoException)?.code ?? 'ENETWORK'
  const message = error instanceof Error ? error.message : String(error)
  // http-client's own socket timeout says "Request timeout: <path and query>".
  if (message.startsWith('Request timeout:')) return TimeoutError.noAnswer(operation, timeoutMs)
  const detail = message.replace(/\?\S*/g, '?…')
  if (isCertificateError(code)) return new TlsError(operation, code, detail)
  return new NetworkError(operation, code, detail)
}

/** OpenSSL's verification failures as Node reports them (X509_V_ERR_* without the prefix). */
function isCertificateError(code: string): boolean {
  return (
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_)/.test(code)
  )
}

/**
 * Reads a small body (an API answer) into a string, with a size cap, and ends the exchange. Its
 * deadline is the caller's signal: aborting it destroys the body, and the read rejects with the
 * signal's reason.
 */
export async function readText(response: Response, operation: string, limitBytes = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limitBytes) {
        throw new NetworkError(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`)
      }
      chunks.push(chunk)
    }
    return Buffer.concat(chunks).toString('utf8')
  } catch (error) {
    throw networkError(error, operation)
  } finally {
    response.close()
  }
}
