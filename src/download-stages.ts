/**
 * The two stages of the download pipeline that are ours (download.ts puts them together):
 *
 *   response → Meter (the bytes as sent) → decoder → FileGuard (the file's bytes) → temporary file
 *
 * Meter guards the transfer: it counts what arrives, fails a download that stops moving, checks the
 * storage host's own checksum, and hands on small chunks together, so that a host sending a byte at
 * a time costs no more per byte downstream than one sending 64 KiB at a time. FileGuard guards the
 * file: it feeds the hash and the watchers, reports progress in bytes written, refuses a body that
 * decompresses out of all proportion, and stops before the runner's disk is full.
 */
import { createHash, type Hash } from 'node:crypto'
import { statfs } from 'node:fs/promises'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { DownloadError, FileSystemError } from './download-errors.js'

/** Chunks smaller than this are gathered; larger ones, what a socket read gives a fast download, pass as they are. */
const SMALL_CHUNK = 16 * 1024
/** Gathered chunks go on once there is this much, or the body ends. */
const GATHER_BYTES = 64 * 1024
/** A host is sending tiny chunks once this many chunks under 1 KiB have come. */
const TINY_CHUNKS_SEEN = 64
/**
 * How much gathered data may wait for the stages after the meter, once a host sends tiny chunks.
 * The response is then not paused while they flow: a paused response holds them as objects (Node's
 * parser gives each chunk a buffer of its own, 65,536 of them in a 64 KiB queue), which took Node 24
 * to 300–500 MB. Large chunks keep the stream's default queue, which a larger one would inflate for
 * a fast host and a slower disk (a 8 MiB queue measured 150–170 MB at 512 MiB).
 */
const TINY_CHUNK_QUEUE_BYTES = 8 * 1024 * 1024
/**
 * And the response's own queue, once a host sends tiny chunks: 1 KiB, not Node's default (16 KiB on
 * Node 20, 64 KiB on Node 24). Each tiny chunk waits there as an ArrayBuffer of its own, and tens of
 * thousands of them outlive V8's young-generation collections, which then grows the young generation
 * to its largest. Measured on Node 24 with 1-byte chunks sent in one burst: 64 MiB peaked at 278–284
 * MB before, 165–194 MB after (and took 76–84 s, not 109 s); 16 MiB at 110–244 MB before, 110–128 MB
 * after (BENCHMARKS.md).
 */
const TINY_CHUNK_SOURCE_QUEUE_BYTES = 1024
/** More than this many times the encoded size is no file a scraper exported: deflate tops out near 1,032. */
export const MAX_EXPANSION = 1000
/** Below this much output, the ratio says nothing (headers and tiny files compress oddly). */
const EXPANSION_FLOOR = 1024 * 1024
/** The download stops when writing on would leave the runner's disk with less free space than this. */
export const DISK_RESERVE_BYTES = 256 * 1024 * 1024
/** How often free space is looked at: statfs costs a system call, so not every chunk. */
const DISK_CHECK_EVERY = 16 * 1024 * 1024

/** A checksum the storage host sent with the body: Content-MD5, or GCS's x-goog-hash md5. */
export interface StorageChecksum {
  header: 'Content-MD5' | 'x-goog-hash'
  /** base64 MD5 of the body as sent. */
  md5: string
}

export class Meter extends Transform {
  bytes = 0
  private readonly watchdog: NodeJS.Timeout
  private readonly md5?: Hash
  /**
   * Small chunks are copied in here, not kept: each is a slice that would pin the whole buffer of the
   * socket read it came from, and a host sending a byte at a time would pin thousands of them.
   */
  private gathered = Buffer.allocUnsafe(GATHER_BYTES)
  private gatheredBytes = 0
  private tinyChunks = 0

  constructor(
    timeoutMs: number,
    onStall: () => void,
    private readonly checksum: StorageChecksum | undefined,
    private readonly where: string,
    /** The response the meter reads, whose queue is cut once it sends tiny chunks. */
    private readonly source?: Readable
  ) {
    // Chunks, not bytes, bound what waits to be metered (never thousands of tiny ones), and only one:
    // `pipe` pauses a response whose write is refused until the meter's queue is empty, so a queue of
    // 16 stopped the socket while 16 chunks went on to the file, 500 times per 512 MiB. Unthrottled,
    // without the hash and the count, that took 1.18 times tool-cache's time; one chunk, 0.96
    // (BENCHMARKS.md, series E).
    super({ writableObjectMode: true, writableHighWaterMark: 1 })
    this.watchdog = setTimeout(onStall, timeoutMs)
    if (checksum) this.md5 = createHash('md5')
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    this.watchdog.refresh()
    this.md5?.update(chunk)
    if (chunk.length >= SMALL_CHUNK) {
      this.pushGathered()
      return done(null, chunk)
    }
    if (chunk.length < 1024 && ++this.tinyChunks === TINY_CHUNKS_SEEN) {
      // Gathered bytes may wait after the meter, tiny chunks hardly before it.
      setQueueBytes(this, TINY_CHUNK_QUEUE_BYTES)
      if (this.source) setQueueBytes(this.source, TINY_CHUNK_SOURCE_QUEUE_BYTES)
    }
    if (this.gatheredBytes + chunk.length > GATHER_BYTES) this.pushGathered()
    chunk.copy(this.gathered, this.gatheredBytes)
    this.gatheredBytes += chunk.length
    done()
  }

  override _flush(done: TransformCallback): void {
    this.pushGathered()
    if (this.checksum && this.md5) {
      const got = this.md5.digest('base64')
      if (got !== this.checksum.md5) {
        return done(
          new DownloadError({
            problem: 'checksum',
            detail: `the body from ${this.where} does not match the storage host's ${this.checksum.header} (MD5 ${got}, announced ${this.checksum.md5.slice(0, 32)})`
          })
        )
      }
    }
    done()
  }

  stop(): void {
    clearTimeout(this.watchdog)
  }

  private pushGathered(): void {
    if (this.gatheredBytes === 0) return
    // Handed downstream whole; the next chunks go into a new buffer.
    this.push(this.gathered.subarray(0, this.gatheredBytes))
    this.gathered = Buffer.allocUnsafe(GATHER_BYTES)
    this.gatheredBytes = 0
  }
}

/** A stream reads its high-water mark at every push: changing it changes how much may wait from then on. */
function setQueueBytes(stream: Readable, bytes: number): void {
  ;(stream as unknown as { _readableState: { highWaterMark: number } })._readableState.highWaterMark = bytes
}

export interface FileGuardOptions {
  watchers: Array<{ update(bytes: Buffer): void }>
  /** Bytes written so far. */
  onProgress?: (bytes: number) => void
  /** With a Content-Encoding: the meter of the encoded bytes, to measure the expansion against. */
  encoded?: Meter
  /** The folder the file is written to, whose free space is watched. */
  folder: string
  /** The free space to leave; DISK_RESERVE_BYTES unless a test says otherwise. */
  reserveBytes?: number
  where: string
}

export class FileGuard extends Transform {
  bytes = 0
  private nextDiskCheck = DISK_CHECK_EVERY

  constructor(private readonly options: FileGuardOptions) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    const { encoded, watchers, onProgress } = this.options
    if (encoded && this.bytes > EXPANSION_FLOOR && this.bytes > MAX_EXPANSION * encoded.bytes) {
      return done(
        new DownloadError({
          problem: 'bomb',
          detail: `the body from ${this.options.where} expanded to more than ${MAX_EXPANSION} times its ${encoded.bytes} compressed bytes (${this.bytes} bytes so far): a decompression bomb, not an export`
        })
      )
    }
    for (const watcher of watchers) watcher.update(chunk)
    onProgress?.(this.bytes)
    if (this.bytes < this.nextDiskCheck) return done(null, chunk)
    this.nextDiskCheck = this.bytes + DISK_CHECK_EVERY
    this.checkDisk().then(
      () => done(null, chunk),
      error => done(error)
    )
  }

  /** Fails before the disk is full: the other steps of the job need their space too. */
  private async checkDisk(): Promise<void> {
    let free: number
    try {
      const stats = await statfs(this.options.folder)
      free = stats.bavail * stats.bsize
    } catch {
      return // A file system that can't say: the write itself fails when it is full.
    }
    const reserve = this.options.reserveBytes ?? DISK_RESERVE_BYTES
    if (free < reserve) {
      throw new FileSystemError(
        this.options.folder,
        Object.assign(new Error('disk full'), { code: 'ENOSPC' }),
        `the runner's disk is full: stopped with ${this.bytes} bytes written, before less than ${Math.round(reserve / 1024 / 1024)} MiB would be left`
      )
    }
  }
}

/** The storage host's checksum of the body, when it sends one we can check. */
export function storageChecksum(headers: Record<string, string | string[] | undefined>): StorageChecksum | undefined {
  const contentMd5 = headers['content-md5']
  if (typeof contentMd5 === 'string' && /^[A-Za-z0-9+/]{22}==$/.test(contentMd5.trim())) {
    return { header: 'Content-MD5', md5: contentMd5.trim() }
  }
  // GCS: "x-goog-hash: crc32c=…, md5=…", possibly as two headers (Node joins them with ", ").
  const goog = headers['x-goog-hash']
  const joined = Array.isArray(goog) ? goog.join(',') : goog
  const md5 = /(?:^|,)\s*md5=([A-Za-z0-9+/]{22}==)/.exec(joined ?? '')?.[1]
  return md5 ? { header: 'x-goog-hash', md5 } : undefined
}
