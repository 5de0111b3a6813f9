/**
 * Streams the file behind a signed `download_url` into place, as one pipeline of Node streams:
 *
 *   response → meter (bytes received, stall watchdog, storage checksum) → decoder (if Content-Encoding)
 *            → file guard (sha256, size, watchers, progress, expansion and disk checks) → temporary file
 *
 * The temporary file sits beside the destination. Before it is renamed into place, the bytes
 * received must equal Content-Length and the bytes on disk must equal the bytes that came out of
 * the pipeline. On any failure, or cancellation, the temporary file is removed and the destination
 * is left as it was. No CoreClaw credentials go to the storage host, on any hop.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, rmSync } from 'node:fs'
import { mkdir, stat, unlink } from 'node:fs/promises'
import * as path from 'node:path'
import type { Duplex, Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DownloadError, FileSystemError } from './download-errors.js'
import { ActionError } from './errors.js'
import { TimeoutError } from './http-errors.js'
import { FileGuard, Meter, storageChecksum, type StorageChecksum } from './download-stages.js'
import { loggable, networkError, readText, request, type Response } from './http.js'
import { forLog } from './server-text.js'
import { replaceFile } from './replace-file.js'
import { parseRetryAfter } from './retry.js'

export interface DownloadOptions {
  /** Idle limit: for the answer's head, then for any pause while the body streams. */
  timeoutMs: number
  userAgent: string
  /** false: never replace an existing file, even one created while we downloaded. */
  overwrite: boolean
  /** Bytes written so far, and the total when it is known (no Content-Encoding: the Content-Length). */
  onProgress?: (bytes: number, total: number | undefined) => void
  /** Watch the file's bytes as they pass (e.g. to count rows); called in order, once per chunk. */
  watchers?: Array<{ update(bytes: Buffer): void }>
  /**
   * Last word on the complete file, before it replaces the destination: throwing here fails the
   * download with the destination left as it was (e.g. an empty export with `if-empty: error`).
   * The destination still holds the file this one replaces (compared with it, for one).
   */
  beforeCommit?: (file: { temporary: string; size: number; sha256: string }) => void | Promise<void>
  signal?: AbortSignal
}

export interface DownloadedFile {
  path: string
  size: number
  sha256: string
  /** The Content-Encoding that was decoded, if any. */
  decoded?: Encoding
  /** What went wrong after the file was in place, and did not fail the export. */
  warnings: string[]
  /** The storage host's checksum that the body was verified against, if it sent one. */
  verified?: StorageChecksum['header']
}

type Encoding = 'gzip' | 'deflate' | 'br'

/** Signed links that are dead: ask for a fresh one instead of retrying. */
const EXPIRED = new Set([403, 404, 410])
/** 64 KiB, the size of a socket read: larger buffers (256 KiB to 4 MiB) measured no faster here (BENCHMARKS.md). */
const WRITE_BUFFER_BYTES = 64 * 1024
/** zlib is loaded by the downloads that need it: most storage hosts send exports as they are. */
async function decoder(encoding: Encoding): Promise<Transform> {
  const zlib = await import('node:zlib')
  return { gzip: zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }[encoding]()
}

/** Temporary files that exist right now, so that a cancelled step can remove them on its way out. */
const temporaryFiles = new Set<string>()

/** Removes any temporary file still there: the last thing a cancelled step does. */
export function removeTemporaryFiles(): void {
  for (const file of temporaryFiles) {
    // Each on its own: one that Windows holds (EBUSY) must not keep the others, or the exit, from happening.
    try {
      rmSync(file, { force: true })
    } catch {
      // Left behind; the runner's cleanup of the workspace is the last resort.
    }
  }
  temporaryFiles.clear()
}

export async function downloadFile(
  url: string,
  destination: string,
  options: DownloadOptions
): Promise<DownloadedFile> {
  await ensureFolder(path.dirname(destination))
  // No `sign`: the storage host never sees CoreClaw credentials, on any hop.
  const response = await request(new URL(url), {
    operation: 'download',
    userAgent: options.userAgent,
    timeoutMs: options.timeoutMs,
    // We decode these, so the file is still the format that was asked for.
    headers: { 'accept-encoding': 'gzip, deflate, br' },
    signal: options.signal
  })
  try {
    return await save(response, destination, options)
  } finally {
    response.close()
  }
}

async function save(response: Response, destination: string, options: DownloadOptions): Promise<DownloadedFile> {
  const { status, headers } = response
  const where = loggable(response.url)
  if (status !== 200) throw await refusal(response, where, options.timeoutMs)
  const encoding = contentEncoding(headers['content-encoding'])
  const length = headers['content-length']
  const expected = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined
  const checksum = storageChecksum(headers)

  const folder = path.dirname(destination)
  const temporary = path.join(folder, temporaryName(path.basename(destination)))
  const stalled = () => response.close(TimeoutError.stalled('download', options.timeoutMs))
  const meter = new Meter(options.timeoutMs, stalled, checksum, where, response.body)
  const hash = createHash('sha256')
  const guard = new FileGuard({
    watchers: [hash, ...(options.watchers ?? [])],
    onProgress: bytes => options.onProgress?.(bytes, encoding ? undefined : expected),
    encoded: encoding ? meter : undefined,
    folder,
    where
  })
  temporaryFiles.add(temporary)
  const file = createWriteStream(temporary, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES })
  try {
    await pipeResponse(response.body, [meter, ...(encoding ? [await decoder(encoding)] : []), guard, file])
    if (expected !== undefined && meter.bytes !== expected) {
      throw new DownloadError({
        problem: 'length',
        detail: `${where} announced ${expected} bytes and sent ${meter.bytes}`
      })
    }
    // A short write must never pass for a file: the disk holds exactly what came through, or we fail.
    const onDisk = (await stat(temporary)).size
    if (file.bytesWritten !== guard.bytes || onDisk !== guard.bytes) {
      throw new FileSystemError(destination, `only ${onDisk} of ${guard.bytes} bytes reached the disk`)
    }
    const sha256 = hash.digest('hex')
    await options.beforeCommit?.({ temporary, size: guard.bytes, sha256 })
    const warnings = await replaceFile(temporary, destination, { overwrite: options.overwrite, signal: options.signal })
    // Neither a length nor chunked framing: a connection cut short would have looked like the end.
    if (expected === undefined && !/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      warnings.push(
        `The storage host did not announce the file's length (no Content-Length, no chunked framing), so a cut connection could not be told from the end of the file: check ${path.basename(destination)} before relying on it.`
      )
    }
    return {
      path: destination,
      size: guard.bytes,
      sha256,
      decoded: encoding,
      warnings,
      verified: checksum?.header
    }
  } catch (error) {
    // A body that fails at once can fail before the file is even open: the stream then still opens
    // it (creating it) and closes it. Removed only after that, or it would be created after removal.
    if (!file.closed) await new Promise<void>(resolve => file.once('close', () => resolve()).destroy())
    await unlink(temporary).catch(() => undefined)
    throw classify(error, destination, where, expected, encoding)
  } finally {
    meter.stop()
    temporaryFiles.delete(temporary)
  }
}

/**
 * `pipeline` from the response's body through the stages, with the body destroyed as soon as its
 * reader, the first stage, is. Node's pipeline ends a client response by aborting its request, and
 * that does nothing once the socket has closed: a body that had all arrived while it waited, paused,
 * behind a stage that then failed, waits for an 'end' that nobody reads, and pipeline never settles
 * (a step whose file failed with EFBIG hung until the stall watchdog, a minute later). It is
 * destroyed with the stage's error: destroyed without one, an ended body is still awaited.
 */
export async function pipeResponse(body: Readable, stages: [Writable, ...Array<Duplex | Writable>]): Promise<void> {
  const reader = stages[0]
  reader.once('close', () => {
    if (!body.readableEnded) body.destroy(reader.errored ?? new Error('the download stopped before its end'))
  })
  const streams: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [body, ...stages]
  await pipeline(streams)
}

/**
 * Makes the destination's folder when it is missing. An existing one is left alone: `mkdir` of a
 * Windows drive root (`D:\\`), even with `recursive`, fails with EPERM.
 */
export async function ensureFolder(folder: string): Promise<void> {
  try {
    if ((await stat(folder)).isDirectory()) return
    throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new FileSystemError(folder, error as NodeJS.ErrnoException)
  }
  try {
    await mkdir(folder, { recursive: true })
  } catch (error) {
    throw new FileSystemError(folder, error as NodeJS.ErrnoException)
  }
}

/**
 * `.<name>.<8 hex>.part` beside the destination, cut to fit where the destination fits: most file
 * systems allow 255 bytes of name, and a destination name can use them all.
 */
export function temporaryName(base: string): string {
  const suffix = `.${randomUUID().slice(0, 8)}.part`
  let name = base
  while (Buffer.byteLength(`.${name}${suffix}`) > 255) name = name.slice(0, -1)
  return `.${name}${suffix}`
}

/**
 * A storage answer other than 200, as an error that says what the storage host said. S3, Azure and
 * GCS put an error code in an XML body (`SignatureDoesNotMatch`, `AccessDenied`, …): it is read, a
 * few KiB at most and within the timeout, escaped, and kept in the error.
 */
async function refusal(response: Response, where: string, timeoutMs: number): Promise<DownloadError> {
  const { status, headers } = response
  const timer = setTimeout(() => response.close(TimeoutError.noAnswer('download', timeoutMs)), timeoutMs)
  const body = await readText(response, 'download', 16 * 1024).catch(() => '')
  clearTimeout(timer)
  const code = /<Code>\s*([A-Za-z0-9._-]{1,64})\s*<\/Code>/.exec(body)?.[1]
  const detail = `the storage host answered HTTP ${status}${code ? ` (${forLog(code, 64)})` : ''} for ${where}`
  if (EXPIRED.has(status)) return new DownloadError({ problem: 'expired', detail, status, storageCode: code })
  const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now())
  return new DownloadError({ problem: 'http', detail, status, retryAfterMs, storageCode: code })
}

/** undefined for identity; one of ours, or a final error for anything else. */
function contentEncoding(header: string | undefined): Encoding | undefined {
  const codings = (header ?? '')
    .toLowerCase()
    .split(',')
    .map(coding => coding.trim())
    .filter(coding => coding && coding !== 'identity')
  if (codings.length === 0) return undefined
  const only = codings.length === 1 ? (codings[0] === 'x-gzip' ? 'gzip' : codings[0]) : undefined
  if (only === 'gzip' || only === 'deflate' || only === 'br') return only
  throw new DownloadError({
    problem: 'encoding',
    detail: `the storage host sent the file with Content-Encoding "${forLog(codings.join(', '), 64)}", which the action cannot decode (it decodes gzip, deflate and br)`
  })
}

const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink', 'stat'])
const CUT_SHORT = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])

/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(
  error: unknown,
  destination: string,
  where: string,
  expected: number | undefined,
  encoding: Encoding | undefined
): ActionError {
  if (error instanceof ActionError) return error
  const { syscall, code } = (error ?? {}) as NodeJS.ErrnoException
  if (syscall && FILE_CALLS.has(syscall)) return new FileSystemError(destination, error as NodeJS.ErrnoException)
  if (code && CUT_SHORT.has(code)) {
    const whole = expected === undefined ? 'the whole file' : `all ${expected} bytes`
    return new DownloadError({
      problem: 'truncated',
      detail: `the connection to ${where} closed before ${whole} arrived`
    })
  }
  if (encoding && code === 'Z_BUF_ERROR') {
    // zlib's "unexpected end of file": the compressed body stopped early, as a cut download does.
    return new DownloadError({
      problem: 'truncated',
      detail: `the ${encoding} body from ${where} ended before its end (${code})`
    })
  }
  if (encoding && code && (code.startsWith('Z_') || code.startsWith('ERR__'))) {
    // Z_DATA_ERROR, brotli's ERR__ERROR_FORMAT_*: bytes that are not what the encoding says.
    return new DownloadError({
      problem: 'encoding',
      detail: `the ${encoding} body from ${where} is not valid ${encoding} (${code})`
    })
  }
  return networkError(error, 'download')
}
