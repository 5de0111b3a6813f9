/**
 * One GET with our rules: redirects we control hop by hop, credentials judged per hop, proxies,
 * and errors that never contain a query string (it can hold `?token=` or a URL signature).
 * The wire itself is connection.ts.
 */
import { exchange, type Body } from './connection.js'
import { NetworkError } from './errors.js'
import type { Headers } from './http-parser.js'
import { openTunnel, proxyFor } from './proxy.js'

export interface Signed {
  url: URL
  headers: Record<string, string>
}

export interface GetOptions {
  /** Names the request in errors and logs, e.g. "export request". */
  operation: string
  /** Idle limit: connecting, waiting for the answer, and any pause while the body streams. */
  timeoutMs: number
  maxRedirects: number
  headers: Record<string, string>
  /**
   * Adds credentials to one hop. Called for every hop, so each redirect target is judged on its
   * own; when absent the request carries no credentials at all.
   */
  sign?: (url: URL) => Signed
  /** Refuse redirects that leave the first URL's origin (API calls). */
  sameOriginOnly?: boolean
}

export interface Response {
  status: number
  headers: Headers
  /** The body's size, when the answer's framing states it. */
  length?: number
  body: Body
  /** The URL that answered, after redirects. */
  url: URL
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The URL as it may be logged: origin and path, never the query or fragment. */
export function loggable(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url
  return `${parsed.origin}${parsed.pathname}`
}

export async function get(url: URL, options: GetOptions): Promise<Response> {
  let current = url
  for (let hop = 0; ; hop++) {
    const signed = options.sign ? options.sign(current) : { url: current, headers: {} }
    const answer = await send(signed.url, { ...options.headers, ...signed.headers }, options)
    const location = answer.headers.location
    if (!REDIRECTS.has(answer.status) || !location) {
      const { status, headers, length, body } = answer
      return { status, headers, length, body, url: current }
    }
    answer.body.cancel()
    const next = new URL(location, current)
    if (hop >= options.maxRedirects) {
      throw new NetworkError(options.operation, 'ETOOMANYREDIRECTS', `more than ${options.maxRedirects} redirects`)
    }
    if (current.protocol === 'https:' && next.protocol !== 'https:') {
      throw new NetworkError(
        options.operation,
        'EREDIRECTDOWNGRADE',
        `refused a redirect from https to ${loggable(next)}`
      )
    }
    if (options.sameOriginOnly && next.origin !== url.origin) {
      throw new NetworkError(
        options.operation,
        'ECROSSORIGINREDIRECT',
        `the API redirected to ${loggable(next)}; set 'base-url' to that origin`
      )
    }
    current = next
  }
}

async function send(url: URL, headers: Record<string, string>, { operation, timeoutMs }: GetOptions) {
  const proxy = proxyFor(url)
  const tunnel = proxy ? await openTunnel(proxy, url, operation, timeoutMs) : undefined
  // url.host leaves out the scheme's default port, so the Host header stays canonical ("host",
  // not "host:443"): object storage may sign it.
  const request = { method: 'GET' as const, target: `${url.pathname}${url.search}`, host: url.host, headers }
  return exchange(url, request, { operation, timeoutMs, tunnel })
}

/** Reads a small body (an API answer) into a string, with a size cap. */
export async function readText(response: Response, operation: string, limitBytes = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  await response.body.pipe({
    write: bytes => {
      size += bytes.length
      if (size > limitBytes) {
        response.body.cancel()
        return false
      }
      chunks.push(Buffer.from(bytes))
      return true
    }
  })
  if (size > limitBytes) {
    throw new NetworkError(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`)
  }
  return Buffer.concat(chunks).toString('utf8')
}
