/**
 * HTTP/1.1 response framing (RFC 9112) as a push parser: bytes in, a head and body bytes out.
 *
 * Why not node:http: its client hands over every read in a new buffer, which on a 512 MiB download
 * costs twice curl's time and, on Node 24, 150 MB of memory (BENCHMARKS.md). This parser lets the
 * socket read into whatever memory the caller chooses (a reused buffer, the blocks of the file): it
 * never keeps a reference to the bytes it is given, and body bytes reach `onBody` as views of them,
 * valid only during that call.
 */

/** Field names in lower case; a repeated field's values joined with ", " (RFC 9110 §5.3). */
export type Headers = Record<string, string>

export interface ResponseHead {
  status: number
  headers: Headers
  /** The body's size when the framing states it (Content-Length, or no body); not when chunked or until close. */
  length?: number
}

export interface ParserEvents {
  onHead(head: ResponseHead): void
  /** A view of the caller's bytes: copy what you keep. */
  onBody(bytes: Buffer): void
}

/** The bytes are not an HTTP/1.x response we can frame. */
export class ResponseFormatError extends Error {
  readonly code = 'EBADRESPONSE'
}

/** Heads and chunk-size lines are small; anything bigger is not a response we want to buffer. */
const MAX_HEAD_BYTES = 64 * 1024
const MAX_LINE_BYTES = 4 * 1024
const LF = 0x0a
const CR = 0x0d

type State =
  | { at: 'head' }
  | { at: 'length'; left: number }
  | { at: 'until-close' }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; left: number }
  | { at: 'chunk-end' }
  | { at: 'trailers' }
  | { at: 'done' }

export class ResponseParser {
  private state: State = { at: 'head' }
  /** Head bytes so far (copied: the caller reuses its buffer). */
  private head = Buffer.alloc(0)
  /** A chunk-size line or trailer line so far. */
  private line = ''

  /** `CONNECT`: a 2xx answer has no body; the connection becomes the tunnel. */
  constructor(
    private readonly method: 'GET' | 'CONNECT',
    private readonly events: ParserEvents
  ) {}

  /** The whole response has been read. */
  get done(): boolean {
    return this.state.at === 'done'
  }

  /**
   * Feeds bytes from the connection. Returns how many were part of the response; bytes after its
   * end (a CONNECT tunnel's first bytes) are left to the caller.
   */
  push(bytes: Buffer): number {
    let at = 0
    while (at < bytes.length && this.state.at !== 'done') at += this.step(bytes, at)
    return at
  }

  /** The connection closed. True when that completes the response (a body delimited by closing). */
  close(): boolean {
    if (this.state.at === 'until-close') this.state = { at: 'done' }
    return this.done
  }

  /** Consumes bytes from `at` in the current state; returns how many. */
  private step(bytes: Buffer, at: number): number {
    const state = this.state
    switch (state.at) {
      case 'head':
        return this.readHead(bytes, at)
      case 'length':
      case 'chunk-data': {
        const n = Math.min(state.left, bytes.length - at)
        this.events.onBody(bytes.subarray(at, at + n))
        state.left -= n
        if (state.left === 0) this.state = state.at === 'length' ? { at: 'done' } : { at: 'chunk-end' }
        return n
      }
      case 'until-close':
        this.events.onBody(bytes.subarray(at))
        return bytes.length - at
      case 'chunk-size':
      case 'chunk-end':
      case 'trailers':
        return this.readLine(bytes, at)
      case 'done':
        return 0
    }
  }

  private readHead(bytes: Buffer, at: number): number {
    const before = this.head.length
    const joined = Buffer.concat([this.head, bytes.subarray(at)])
    const end = endOfHead(joined, Math.max(0, before - 3))
    if (end < 0) {
      if (joined.length > MAX_HEAD_BYTES) throw new ResponseFormatError(`the head is over ${MAX_HEAD_BYTES} bytes`)
      this.head = joined
      return bytes.length - at
    }
    this.head = Buffer.alloc(0)
    this.onHead(parseHead(joined.toString('latin1', 0, end)))
    return end - before
  }

  private onHead(head: ResponseHead): void {
    const { status } = head
    // 1xx answers (103 Early Hints, a stray 100) precede the real one.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ResponseFormatError('the server switched protocols, which we did not ask for')
      return
    }
    const state = (this.state = this.framing(head))
    const length = state.at === 'length' ? state.left : state.at === 'done' ? 0 : undefined
    this.events.onHead({ ...head, length })
  }

  /** How the body is delimited (RFC 9112 §6.3). */
  private framing({ status, headers }: ResponseHead): State {
    if (this.method === 'CONNECT' && status < 300) return { at: 'done' }
    if (status === 204 || status === 304) return { at: 'done' }
    const transfer = headers['transfer-encoding']
    if (transfer !== undefined) {
      // Transfer-Encoding overrides Content-Length; only a final "chunked" frames the body.
      const codings = transfer.split(',').map(coding => coding.trim().toLowerCase())
      return codings[codings.length - 1] === 'chunked' ? { at: 'chunk-size' } : { at: 'until-close' }
    }
    const length = headers['content-length']
    if (length === undefined) return { at: 'until-close' }
    const values = new Set(length.split(',').map(value => value.trim()))
    const [only] = values
    if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
      throw new ResponseFormatError(`invalid Content-Length "${length}"`)
    }
    const left = Number(only)
    return left === 0 ? { at: 'done' } : { at: 'length', left }
  }

  /** Chunk-size lines, the CRLF after chunk data, and trailers: one line at a time. */
  private readLine(bytes: Buffer, at: number): number {
    const lf = bytes.indexOf(LF, at)
    const end = lf < 0 ? bytes.length : lf
    this.line += bytes.toString('latin1', at, end)
    if (this.line.length > MAX_LINE_BYTES) throw new ResponseFormatError('a chunk line is too long')
    if (lf < 0) return bytes.length - at
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line
    this.line = ''
    this.onLine(line)
    return lf + 1 - at
  }

  private onLine(line: string): void {
    switch (this.state.at) {
      case 'chunk-size': {
        // Chunk extensions (";name=value") carry nothing we use.
        const size = line.split(';', 1)[0]?.trim() ?? ''
        if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new ResponseFormatError(`invalid chunk size "${size}"`)
        const left = parseInt(size, 16)
        this.state = left === 0 ? { at: 'trailers' } : { at: 'chunk-data', left }
        return
      }
      case 'chunk-end':
        if (line !== '') throw new ResponseFormatError('chunk data is longer than its size')
        this.state = { at: 'chunk-size' }
        return
      case 'trailers':
        if (line === '') this.state = { at: 'done' }
        return
    }
  }
}

/** The index just past the empty line that ends a head (CRLF or bare LF line ends), or -1. */
function endOfHead(bytes: Buffer, from: number): number {
  for (let lf = bytes.indexOf(LF, from); lf >= 0; lf = bytes.indexOf(LF, lf + 1)) {
    if (bytes[lf + 1] === LF) return lf + 2
    if (bytes[lf + 1] === CR && bytes[lf + 2] === LF) return lf + 3
  }
  return -1
}

function parseHead(text: string): ResponseHead {
  const [statusLine = '', ...lines] = text.split(/\r?\n/).filter(line => line !== '')
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)
  if (!match) throw new ResponseFormatError(`not an HTTP/1.x answer: "${statusLine.slice(0, 40)}"`)
  const headers: Headers = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    // Folded lines and whitespace before the colon are how responses get smuggled (RFC 9112 §5).
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ResponseFormatError(`invalid header line "${line.slice(0, 40)}"`)
    }
    const key = name.toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value
  }
  return { status: Number(match[1]), headers }
}
