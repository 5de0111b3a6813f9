/**
 * Streams the file behind a signed `download_url` into place: no credentials, a temporary file
 * beside the destination, sha256 and size computed on the way, and an atomic rename at the end.
 * On any failure the temporary file is removed and the destination is left as it was.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { link, mkdir, rename, unlink } from 'node:fs/promises'
import * as path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError, DownloadError, DestinationExistsError, FileSystemError } from './errors.js'
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
/** Room for the disk to fall behind while receiving and hashing go on (see BENCHMARKS.md). */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024
const MAX_REDIRECTS = 10

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
    response.body.destroy()
    const detail = `the storage host answered HTTP ${status} for ${loggable(response.url)}`
    if (EXPIRED.has(status)) throw new DownloadError('expired', detail, status)
    throw new DownloadError('http', detail, status, parseRetryAfter(response.headers['retry-after'], Date.now()))
  }

  const lengthHeader = response.headers['content-length']
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined
  const hash = createHash('sha256')
  let size = 0
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      options.onProgress?.(size, expected)
      done(null, chunk)
    }
  })

  const temporary = path.join(folder, `.${path.basename(destination)}.${randomUUID().slice(0, 8)}.part`)
  try {
    await pipeline(
      response.body,
      measure,
      createWriteStream(temporary, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES })
    )
    // node:http already fails a body cut short of Content-Length (ECONNRESET, below); this keeps the
    // guarantee whatever the transport does.
    if (expected !== undefined && size !== expected) {
      throw new DownloadError('truncated', `got ${size} of ${expected} bytes from ${loggable(response.url)}`)
    }
    await moveIntoPlace(temporary, destination, options.overwrite)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw classify(
      error,
      destination,
      `the connection to ${loggable(response.url)} closed before ${
        expected === undefined ? 'the whole file' : `all ${expected} bytes`
      } arrived`
    )
  }
  return { path: destination, size, sha256: hash.digest('hex') }
}

const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink'])

/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(error: unknown, destination: string, cutShort: string): ActionError {
  if (error instanceof ActionError) return error
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException
  if (syscall && FILE_CALLS.has(syscall)) return new FileSystemError(destination, error as NodeJS.ErrnoException)
  // The connection closed before the body was complete.
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return new DownloadError('truncated', cutShort)
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
