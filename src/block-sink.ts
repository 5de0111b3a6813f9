/**
 * The download's pipeline, for one body: the socket reads straight into a block → a full block
 * goes to the file (on libuv's thread pool) and through SHA-256 (on this thread) at the same time
 * → the block returns to the pool. When no block is free, reading pauses, so memory stays at
 * BLOCKS × BLOCK_BYTES for any size. BENCHMARKS.md measures each choice.
 */
import { createHash, type Hash } from 'node:crypto'
import type { Body, Sink } from './connection.js'

/**
 * Few, big writes. Two blocks would do (one filling, one on its way to disk); the third lets the
 * disk fall behind for a moment without stopping the socket. Blocks of 1 to 8 MiB and pools of 2
 * to 8 measured alike within this machine's noise; this is a small one among the good ones.
 */
export const BLOCK_BYTES = 2 * 1024 * 1024
export const BLOCKS = 3

/** What BlockSink needs of a file (a FileHandle): writes at a position, so order doesn't matter. */
export interface PositionalWriter {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<unknown>
}

/**
 * Gathers body bytes into blocks. The socket reads straight into the current block (`space`), so
 * body bytes are not copied. A full block is handed to the file and hashed at once; it returns to
 * the pool when the write is done. `write` answers false when no block is left, which pauses the
 * socket.
 */
export class BlockSink implements Sink {
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
    private readonly file: PositionalWriter,
    private readonly body: Pick<Body, 'resume' | 'cancel'>,
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
