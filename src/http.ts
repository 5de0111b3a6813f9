/**
 * One GET with our rules: a timeout on every phase, redirects we control hop by hop, proxies,
 * and errors that never contain a query string (it can hold `?token=` or a URL signature).
 */
import * as http from 'node:http'
import * as https from 'node:https'
import * as tls from 'node:tls'
import type { Socket } from 'node:net'
import { NetworkError, TimeoutError, ActionError } from './errors.js'
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
  headers: http.IncomingHttpHeaders
  body: http.IncomingMessage
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
    const response = await send(signed.url, { ...options.headers, ...signed.headers }, options)
    const location = response.headers.location
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
      return { status: response.statusCode ?? 0, headers: response.headers, body: response, url: current }
    }
    response.destroy()
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

async function send(url: URL, headers: Record<string, string>, options: GetOptions): Promise<http.IncomingMessage> {
  const { operation, timeoutMs } = options
  const proxy = proxyFor(url)
  let tunnel: Socket | undefined
  try {
    if (proxy) tunnel = await openTunnel(proxy, url, operation, timeoutMs)
  } catch (error) {
    throw toActionError(error, operation)
  }
  const secure = url.protocol === 'https:'
  return new Promise((resolve, reject) => {
    const socket = tunnel
    const req = (secure ? https : http).request(url, {
      method: 'GET',
      headers,
      // A fresh connection per request, nothing pooled to keep the process alive. Through a proxy
      // the tunnel is the connection; Node ignores createConnection when any agent is given.
      ...(socket
        ? { createConnection: () => (secure ? tls.connect({ socket, servername: url.hostname }) : socket) }
        : { agent: false }),
      // Keeps the Host header canonical ("host", not "host:443"): object storage may sign it.
      defaultPort: secure ? 443 : 80
    })
    let response: http.IncomingMessage | undefined
    req.setTimeout(timeoutMs, () => {
      const error = new TimeoutError(operation, response ? 'bytes from the server' : 'answer', timeoutMs)
      if (response) response.destroy(error)
      else req.destroy(error)
    })
    req.once('response', res => {
      response = res
      resolve(res)
    })
    req.once('error', error => {
      socket?.destroy()
      reject(toActionError(error, operation))
    })
    req.end()
  })
}

/** Node's network errors, minus anything that could carry a query string. */
export function toActionError(error: unknown, operation: string): ActionError {
  if (error instanceof ActionError) return error
  const code = (error as NodeJS.ErrnoException)?.code ?? 'ENETWORK'
  const message = error instanceof Error ? error.message : String(error)
  return new NetworkError(operation, code, message.replace(/\?\S*/g, '?…'))
}

/** Reads a small body (an API answer) into a string, with a size cap. */
export async function readText(response: Response, operation: string, limitBytes = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limitBytes) {
        response.body.destroy()
        throw new NetworkError(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    throw toActionError(error, operation)
  }
  return Buffer.concat(chunks).toString('utf8')
}
