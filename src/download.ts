/**
 * Streams the file behind a signed `download_url` into place: no credentials, a temporary file
 * beside the destination, sha256 and size computed on the way, and an atomic rename at the end.
 * On any failure the temporary file is removed and the destination is left as it was.
 *
 * The stages, in BlockSink (BENCHMARKS.md measures each choice):
 *   the socket reads straight into a block → a full block goes to the file (on libuv's thread
 *   pool) and through SHA-256 (here) at the same time → the block returns to the pool.
 * When no block is free, reading pauses, so memory stays at BLOCKS × BLOCK_BYTES for any size.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto'
import { link, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import * as path from 'node:path'
import type { Body, Sink } from './connection.js'
import { ActionError, DownloadError, DestinationExistsError, FileSystemError, NetworkError } from './errors.js'
import { get, loggable, toActionError } from './http.js'
import { parseRetryAfter } from './retry.js'

export interface DownloadOptions {
  timeoutMs: number
  userAgent: string
  /** false: never replace an existing file, even one created while we downloaded. */
  overwrite: boolean
  onProgress?: (bytes: number, total: number | undefined) => void
}

export interface DownloadedFile {
  path: string
  size: number
  sha256: string
}

/** Signed links that are dead: ask for a fresh one instead of retrying. */
const EXPIRED = new Set([403, 404, 410])
const MAX_REDIRECTS = 10
/**
 * Few, big writes. Two blocks would do (one filling, one on its way to disk); the third lets the
 * disk fall behind for a moment without stopping the socket. Blocks of 1 to 8 MiB and pools of 2
 * to 8 measured alike within this machine's noise; this is a small one among the good ones.
 */
const BLOCK_BYTES = 2 * 1024 * 1024
const BLOCKS = 3

export async function downloadFile(
  url: string,
  destination: string,
  options: DownloadOptions
): Promise<DownloadedFile> {
  const folder = path.dirname(destination)
  try {
    await mkdir(folder, { recursive: true })
  } catch (error) {
    throw new FileSystemError(folder, error as NodeJS.ErrnoException)
  }
  // No `sign`: the storage host never sees CoreClaw credentials, on any hop.
  const response = await get(new URL(url), {
    operation: 'download',
    timeoutMs: options.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
    headers: { 'user-agent': options.userAgent }
  })
  const { status } = response
  if (status !== 200) {
    response.body.cancel()
    const detail = `the storage host answered HTTP ${status} for ${loggable(response.url)}`
    if (EXPIRED.has(status)) throw new DownloadError('expired', detail, status)
    throw new DownloadError('http', detail, status, parseRetryAfter(response.headers['retry-after'], Date.now()))
  }

  const lengthHeader = response.headers['content-length']
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined
  const temporary = path.join(folder, `.${path.basename(destination)}.${randomUUID().slice(0, 8)}.part`)
  let file: FileHandle | undefined
  try {
    file = await open(temporary, 'wx')
    const sink = new BlockSink(file, response.body, size => options.onProgress?.(size, expected))
    // The parser ends the body only when all of Content-Length (or the last chunk) has arrived;
    // a connection that closes sooner rejects with ECONNRESET (classified below).
    await response.body.pipe(sink)
    const { size, sha256 } = await sink.finish()
    await file.close()
    file = undefined
    await moveIntoPlace(temporary, destination, options.overwrite)
    return { path: destination, size, sha256 }
  } catch (error) {
    response.body.cancel()
    await file?.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw classify(
      error,
      destination,
      `the connection to ${loggable(response.url)} closed before ${
        expected === undefined ? 'the whole file' : `all ${expected} bytes`
      } arrived`
    )
  }
}

/**
 * Gathers body bytes into blocks. The socket reads straight into the current block (`space`), so
 * body bytes are not copied. A full block is handed to the file and hashed at once; it returns to
 * the pool when the write is done. `write` answers false when no block is left, which pauses the
 * socket.
 */
class BlockSink implements Sink {
  private readonly free: Buffer[] = []
  private current: Buffer | undefined
  private filled = 0
  private written = 0
  private readonly hash: Hash = createHash('sha256')
  /** Bytes that arrived when no block was free (at most one read), copied. */
  private waiting: Buffer[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private failure: unknown

  constructor(
    private readonly file: FileHandle,
    private readonly body: Body,
    private readonly onProgress: (size: number) => void
  ) {
    for (let i = 0; i < BLOCKS; i++) this.free.push(Buffer.allocUnsafeSlow(BLOCK_BYTES))
    this.current = this.free.pop()
  }

  space(): Buffer | undefined {
    return this.current?.subarray(this.filled)
  }

  write(bytes: Buffer): boolean {
    let rest = bytes
    while (rest.length > 0) {
      if (!this.current) {
        this.waiting.push(Buffer.from(rest))
        return false
      }
      const n = Math.min(BLOCK_BYTES - this.filled, rest.length)
      // Bytes read into space() are already in place; others (the first read, bytes after chunk
      // framing) are copied. copy() handles the overlap of moving bytes within a block.
      const inPlace = rest.buffer === this.current.buffer && rest.byteOffset === this.current.byteOffset + this.filled
      if (!inPlace) rest.copy(this.current, this.filled, 0, n)
      this.filled += n
      rest = rest.subarray(n)
      if (this.filled === BLOCK_BYTES) this.ship()
    }
    return this.current !== undefined
  }

  /** After the body's end: ships what is left and waits for the disk. */
  async finish(): Promise<{ size: number; sha256: string }> {
    // The body's tail may still wait for a block (all of them are then in flight).
    while (this.waiting.length > 0 && !this.failure) await Promise.race(this.inFlight)
    if (!this.failure && this.filled > 0) this.ship()
    await Promise.all(this.inFlight)
    if (this.failure) throw this.failure
    return { size: this.written, sha256: this.hash.digest('hex') }
  }

  private ship(): void {
    const block = this.current
    if (!block) return
    const bytes = block.subarray(0, this.filled)
    const position = this.written
    this.written += bytes.length
    this.current = this.free.pop()
    this.filled = 0
    // The write runs on libuv's thread pool while this thread hashes the same bytes.
    const stage = this.file.write(bytes, 0, bytes.length, position).then(
      () => this.release(block),
      (error: unknown) => {
        // The first failure (a full disk, say) stops the download: pipe() rejects with it.
        this.failure ??= error
        this.body.cancel(error)
      }
    )
    this.hash.update(bytes)
    this.inFlight.add(stage)
    void stage.finally(() => this.inFlight.delete(stage))
    this.onProgress(this.written)
  }

  private release(block: Buffer): void {
    if (this.current) {
      this.free.push(block)
    } else {
      this.current = block
      const waiting = this.waiting
      this.waiting = []
      for (const bytes of waiting) this.write(bytes)
    }
    if (this.current && this.waiting.length === 0) this.body.resume()
  }
}

const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink'])
const CUT_SHORT = new Set(['ECONNRESET', 'EPIPE'])

/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(error: unknown, destination: string, cutShort: string): ActionError {
  // The connection closed (or was reset) before the body was complete.
  if (error instanceof NetworkError && CUT_SHORT.has(error.code)) return new DownloadError('truncated', cutShort)
  if (error instanceof ActionError) return error
  const { syscall } = (error ?? {}) as NodeJS.ErrnoException
  if (syscall && FILE_CALLS.has(syscall)) return new FileSystemError(destination, error as NodeJS.ErrnoException)
  return toActionError(error, 'download')
}

async function moveIntoPlace(temporary: string, destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(temporary, destination)
  // link() fails if the destination exists, so a file created meanwhile is never replaced.
  try {
    await link(temporary, destination)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DestinationExistsError(destination)
    throw error
  }
  await unlink(temporary)
}
