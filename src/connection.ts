/**
 * One HTTP/1.1 request and its answer on a connection of its own: a plain socket or TLS, or a
 * proxy tunnel. The socket reads into memory we choose (`onread`): the sink's, when it offers
 * some, else one reused buffer. The parser frames the answer, and the body goes to a sink that can
 * pause it. Every phase has the idle timeout, and errors never carry a query string (it can hold
 * `?token=` or a URL signature). Why not node:http: see http-parser.ts.
 */
import * as net from 'node:net'
import type { Socket } from 'node:net'
import * as tls from 'node:tls'
import { ActionError, NetworkError, TimeoutError, TlsError } from './errors.js'
import { ResponseParser, type ResponseHead } from './http-parser.js'

export interface Request {
  method: 'GET' | 'CONNECT'
  /** The path and query, or for CONNECT the host:port to tunnel to. */
  target: string
  host: string
  headers: Record<string, string>
}

export interface ExchangeOptions {
  /** Names the request in errors, e.g. "export request". */
  operation: string
  /** Idle limit: connecting, waiting for the answer, and any pause while the body streams. */
  timeoutMs: number
  /** Speak over this connection (a proxy tunnel) instead of opening one to the URL. */
  tunnel?: Socket
}

/** Where body bytes go. */
export interface Sink {
  /**
   * Takes the next body bytes: a view of the read buffer, valid only during the call, so a sink
   * copies what it keeps. Returning false pauses reading until `Body.resume()`.
   */
  write(bytes: Buffer): boolean
  /**
   * Memory for the next read, so that body bytes land where the sink wants them and need no copy.
   * The bytes then reach `write` as a view of it (or of part of it: the head and chunk framing
   * are not body bytes).
   */
  space?(): Buffer | undefined
}

/** The body of an answer. */
export interface Body {
  /** Resolves when the whole body has been delivered; rejects if it is cut short or stalls. */
  pipe(sink: Sink): Promise<void>
  resume(): void
  /** Closes the connection. A pending `pipe()` rejects with `reason` as it is, or resolves without one. */
  cancel(reason?: unknown): void
}

export interface Answer extends ResponseHead {
  body: Body
  /** After a 2xx answer to CONNECT: the tunnel, ready for the request it carries. */
  tunnel?: Socket
}

/** For reads the sink has no memory for: the head, API answers. Big reads mean few system calls. */
const READ_BUFFER_BYTES = 256 * 1024

/** Sends `request` to `url`'s host and resolves with the answer's head; the body follows. */
export function exchange(url: URL, request: Request, options: ExchangeOptions): Promise<Answer> {
  return new Exchange(url, request, options).start()
}

class Exchange implements Body {
  private readonly parser: ResponseParser
  private socket!: Socket
  private head?: ResponseHead
  private sink?: Sink
  /** Body bytes that arrived with the head, before anyone asked for them (copied). */
  private early: Buffer[] = []
  private paused = false
  private settled = false
  private readonly answered = deferred<Answer>()
  private readonly delivered = deferred<void>()

  constructor(
    private readonly url: URL,
    private readonly request: Request,
    private readonly options: ExchangeOptions
  ) {
    this.parser = new ResponseParser(request.method, {
      onHead: head => (this.head = head),
      onBody: bytes => this.deliver(bytes)
    })
    // Reported through pipe(); until then nobody may be listening.
    this.delivered.promise.catch(() => undefined)
  }

  start(): Promise<Answer> {
    const { url, request, options } = this
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const port = portOf(url)
    // A tunnel already has its reader; a CONNECT socket becomes one. Anything else reads in place.
    const inPlace = !options.tunnel && request.method !== 'CONNECT'
    let onread: net.OnReadOpts | undefined
    if (inPlace) {
      const own = Buffer.allocUnsafe(READ_BUFFER_BYTES)
      // Node asks for the next read's memory after every read.
      let next: Buffer = own
      onread = {
        buffer: () => (next = this.sink?.space?.() ?? own),
        callback: length => this.receive(next.subarray(0, length))
      }
    }
    // tls.connect takes `onread` too (Node docs); @types/node lacks it.
    const secure: tls.ConnectionOptions & { onread?: net.OnReadOpts } = {
      host,
      port,
      socket: options.tunnel,
      // SNI carries host names only.
      servername: net.isIP(host) ? undefined : host,
      ALPNProtocols: ['http/1.1'],
      onread
    }
    const socket =
      url.protocol === 'https:' ? tls.connect(secure) : (options.tunnel ?? net.connect({ host, port, onread }))
    this.socket = socket
    if (!inPlace) {
      socket.on('data', this.onData)
      socket.resume()
    }
    // Under TLS, the tunnel is a socket of its own: its errors must reach us, not go unhandled.
    if (options.tunnel && options.tunnel !== socket) options.tunnel.on('error', this.onError)
    socket.on('error', this.onError)
    socket.on('end', this.onClosed)
    socket.on('close', this.onClosed)
    socket.on('timeout', this.onTimeout)
    socket.setTimeout(options.timeoutMs)
    if (socket.destroyed) this.fail(new NetworkError(options.operation, 'ECONNRESET', 'the tunnel closed'))
    else socket.write(requestText(request))
    return this.answered.promise
  }

  pipe(sink: Sink): Promise<void> {
    this.sink = sink
    const early = this.early
    this.early = []
    let more = true
    for (const bytes of early) more = sink.write(bytes) && more
    if (more) this.resume()
    return this.delivered.promise
  }

  resume(): void {
    if (this.settled || !this.paused) return
    this.paused = false
    this.socket.setTimeout(this.options.timeoutMs)
    this.socket.resume()
  }

  cancel(reason?: unknown): void {
    if (this.settled) return
    this.settled = true
    this.socket.destroy()
    // Rejecting `answered` after it resolved changes nothing; before, it tells start()'s caller.
    this.answered.reject(reason ?? new NetworkError(this.options.operation, 'ECANCELED', 'cancelled'))
    if (reason === undefined) this.delivered.resolve()
    else this.delivered.reject(reason)
  }

  // The socket's listeners, as fields so that a CONNECT can detach exactly these.
  private readonly onData = (chunk: Buffer): void => {
    if (!this.receive(chunk)) this.socket.pause()
  }
  private readonly onError = (error: Error): void => this.fail(error)
  private readonly onClosed = (): void => this.closed()
  private readonly onTimeout = (): void => {
    const { operation, timeoutMs } = this.options
    this.fail(new TimeoutError(operation, this.head ? 'bytes from the server' : 'answer', timeoutMs))
  }

  /** Bytes from the socket. False stops reading until `resume()`. */
  private receive(bytes: Buffer): boolean {
    if (this.settled) return false
    try {
      const used = this.parser.push(bytes)
      if (this.parser.done) this.finish(bytes.subarray(used))
      else if (this.head) this.answered.resolve({ ...this.head, body: this })
    } catch (error) {
      this.fail(error)
    }
    if (this.settled) return false
    if (!this.paused) return true
    // Paused by the sink, e.g. while the disk catches up: that is not the server being idle.
    this.socket.setTimeout(0)
    return false
  }

  private deliver(bytes: Buffer): void {
    if (this.settled) return
    if (!this.sink) {
      this.early.push(Buffer.from(bytes))
      this.paused = true
    } else if (!this.sink.write(bytes)) {
      this.paused = true
    }
  }

  private finish(rest: Buffer): void {
    this.settled = true
    const socket = this.socket
    if (this.request.method === 'CONNECT' && this.head && this.head.status < 300) {
      // The socket is now the tunnel: hand it over as it is, with anything already read.
      socket.setTimeout(0)
      socket.pause()
      // Only our listeners: Node's own (ending the socket at EOF, say) stay.
      socket.off('data', this.onData)
      socket.off('error', this.onError)
      socket.off('end', this.onClosed)
      socket.off('close', this.onClosed)
      socket.off('timeout', this.onTimeout)
      if (rest.length > 0) socket.unshift(Buffer.from(rest))
      this.answered.resolve({ ...this.head, body: this, tunnel: socket })
    } else {
      socket.destroy()
      if (this.head) this.answered.resolve({ ...this.head, body: this })
    }
    this.delivered.resolve()
  }

  private closed(): void {
    if (this.settled) return
    if (this.parser.close()) return this.finish(Buffer.alloc(0))
    this.fail(
      new NetworkError(
        this.options.operation,
        'ECONNRESET',
        this.head ? 'the connection closed before the whole body arrived' : 'the connection closed without an answer'
      )
    )
  }

  private fail(error: unknown): void {
    this.cancel(toActionError(error, this.options.operation))
  }
}

/** The URL's port, or its scheme's. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80))
}

function requestText({ method, target, host, headers }: Request): string {
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${host}`]
  for (const [name, value] of Object.entries(headers)) {
    // Inputs are validated long before; this keeps a line break from ever splitting a request.
    if (/[\r\n]/.test(name + value)) throw new TypeError(`header ${name} contains a line break`)
    lines.push(`${name}: ${value}`)
  }
  // One request per connection: nothing pooled keeps the process alive.
  if (method === 'GET') lines.push('connection: close')
  return `${lines.join('\r\n')}\r\n\r\n`
}

/** Node's network errors, minus anything that could carry a query string. */
export function toActionError(error: unknown, operation: string): ActionError {
  if (error instanceof ActionError) return error
  const code = (error as NodeJS.ErrnoException)?.code ?? 'ENETWORK'
  const message = (error instanceof Error ? error.message : String(error)).replace(/\?\S*/g, '?…')
  if (isCertificateError(code)) return new TlsError(operation, code, message)
  return new NetworkError(operation, code, message)
}

/** OpenSSL's verification failures as Node reports them (X509_V_ERR_* without the prefix). */
function isCertificateError(code: string): boolean {
  return (
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_)/.test(code)
  )
}

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
