/**
 * One request on @actions/http-client, with our rules on top of it:
 * - redirects are judged hop by hop here (http-client's own following is off): only http(s), never
 *   https → http, at most 10 hops, and API calls stay on their origin; a POST is never redirected,
 *   since sending it again elsewhere could start a second run;
 * - credentials are given per hop by `sign`, so nothing client-level is re-applied to a hop it
 *   should not reach;
 * - the answer's head must come within the timeout, every phase included (a proxy's CONNECT that
 *   never answers too), and a cancelled step aborts the request; the caller guards the body;
 * - an answer the action does not speak (101 Switching Protocols) fails the request at once;
 * - errors never carry a query string (it can hold `?token=` or a URL signature);
 * - an error says whether the request can have reached the server (`NetworkError.unsent`): only
 *   one that came before the connection to the server (or the proxy) was made, or before its TLS
 *   handshake finished, proves that no byte of the request left. Judged by phase, never by error
 *   code: a TLS error can also come after the request was written.
 * Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), TLS and framing are the library's and Node's.
 */
import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  RequestOptions as NodeRequestOptions
} from 'node:http'
import type { Socket } from 'node:net'
import { getProxyUrl, HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { ActionError, CancelledError } from './errors.js'
import { NetworkError, ProxyError, RedirectError, TimeoutError, TlsError, UnspokenAnswerError } from './http-errors.js'

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
  const proxy = proxyOf(url)
  const deadline = new AbortController()
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal
  const phase = { connected: false }
  const client = new HttpClient(options.userAgent, [guardedBy(signal, operation, phase)], {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    socketTimeout: timeoutMs
  })
  const timer = setTimeout(() => deadline.abort(TimeoutError.noAnswer(operation, timeoutMs, proxy)), timeoutMs)
  const stopped = rejectedWhenAborted(signal)
  try {
    const answer = client.request(options.method ?? 'GET', url.href, options.body ?? null, headers)
    // A request aborted before it has a socket (the proxy tunnel's CONNECT is still waiting)
    // never settles http-client's promise: the signal settles the wait instead.
    answer.catch(() => undefined)
    const { message } = await Promise.race([answer, stopped.promise])
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
    const reason = signal.aborted ? signal.reason : error
    if (reason instanceof CancelledError && !phase.connected) throw reason.beforeSending(operation)
    // No head yet, through a proxy: the message says so, since the proxy may be what never answered.
    const failure =
      proxy && reason instanceof TimeoutError
        ? TimeoutError.noAnswer(operation, timeoutMs, proxy)
        : networkError(reason, operation, timeoutMs, proxy)
    if (failure instanceof NetworkError && !phase.connected) failure.unsent = true
    throw failure
  } finally {
    clearTimeout(timer)
    stopped.dispose()
  }
}

/** The proxy a request to `url` goes through, as host:port (never its credentials), or undefined. */
function proxyOf(url: URL): string | undefined {
  const proxy = getProxyUrl(url.href)
  return proxy ? new URL(proxy).host : undefined
}

/** A promise that rejects with the signal's reason once it is aborted; `dispose` stops listening. */
function rejectedWhenAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = () => undefined as void
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  promise.catch(() => undefined)
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) }
}

/**
 * http-client passes every request's options through its handlers: the one place to add what it
 * lacks. The signal, for deadlines and cancellation. An IPv6 literal's host without its brackets
 * (http-client hands Node "[::1]", which Node would look up by name). And the agent, wrapped so
 * that each request it takes listens for `upgrade`: Node emits that for a 101 answer and, with
 * nobody listening, drops the socket without ever settling the request.
 */
function guardedBy(signal: AbortSignal, operation: string, phase: Phase): RequestHandler {
  return {
    prepareRequest: (options: NodeRequestOptions) => {
      options.signal = signal
      if (options.host?.startsWith('[')) options.host = options.host.slice(1, -1)
      if (options.agent) options.agent = watched(options.agent, operation, phase)
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
  }
}

type Agent = NonNullable<NodeRequestOptions['agent']>

/** Whether the request's connection was made: from then on, its bytes can reach the server. */
interface Phase {
  connected: boolean
}

/**
 * The agent, wrapped so that each request it takes is watched: for a 101 answer, and for the moment
 * its connection is made (`connect`, or `secureConnect` once TLS is up; a proxy tunnel hands over
 * a socket that is connected already).
 */
function watched(agent: Agent, operation: string, phase: Phase): Agent {
  if (typeof agent !== 'object') return agent
  return new Proxy(agent, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown
      if (property !== 'addRequest' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value
      return (request: ClientRequest, ...rest: unknown[]) => {
        request.once('socket', socket => {
          const secure = (socket as Socket & { encrypted?: boolean }).encrypted === true
          if (!secure && !socket.connecting) phase.connected = true
          else socket.once(secure ? 'secureConnect' : 'connect', () => (phase.connected = true))
        })
        request.on('upgrade', (answer: IncomingMessage, socket: { destroy(): void }) => {
          socket.destroy()
          request.destroy()
          // After an upgrade the request is detached from its socket, so destroy() alone reports
          // nothing: the error is handed to http-client's own 'error' listener.
          request.emit('error', new UnspokenAnswerError(operation, answer.statusCode ?? 101, answer.statusMessage))
        })
        return value.call(target, request, ...rest)
      }
    }
  })
}

/** Node's and http-client's errors as ours, minus anything that could carry a query string. */
export function networkError(error: unknown, operation: string, timeoutMs?: number, proxy?: string): ActionError {
  if (error instanceof ActionError) return error
  const code = (error as NodeJS.ErrnoException)?.code ?? 'ENETWORK'
  const message = error instanceof Error ? error.message : String(error)
  // http-client's own socket timeout says "Request timeout: <path and query>".
  if (message.startsWith('Request timeout:')) return TimeoutError.noAnswer(operation, timeoutMs, proxy)
  // The proxy tunnel's refusal: "tunneling socket could not be established, statusCode=407".
  const proxyStatus = /tunneling socket could not be established, statusCode=(\d{3})/.exec(message)?.[1]
  if (proxyStatus) return new ProxyError(operation, Number(proxyStatus), proxy)
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
 * A small body as text: the API is asked for identity, but a gateway may compress anyway, and
 * compressed bytes must never land in a message as if they were text.
 */
async function decoded(
  body: Buffer,
  encoding: string | undefined,
  operation: string,
  limitBytes: number
): Promise<Buffer> {
  const coding = (encoding ?? '').trim().toLowerCase()
  if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate' && coding !== 'br') return body
  // Loaded only for such an answer: loading zlib costs every step's start-up some 2 ms.
  const zlib = await import('node:zlib')
  const decode = coding === 'br' ? zlib.brotliDecompressSync : coding === 'deflate' ? zlib.inflateSync : zlib.gunzipSync
  try {
    return decode(body, { maxOutputLength: limitBytes })
  } catch {
    throw new NetworkError(operation, 'EDECODE', `the ${coding} answer could not be decoded`)
  }
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
    return (await decoded(Buffer.concat(chunks), response.headers['content-encoding'], operation, limitBytes)).toString(
      'utf8'
    )
  } catch (error) {
    throw networkError(error, operation)
  } finally {
    response.close()
  }
}
