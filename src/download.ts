/**
 * Streams the file behind a signed `download_url` into place: no credentials, a temporary file
 * beside the destination, sha256 and size computed on the way, and an atomic rename at the end.
 * On any failure the temporary file is removed and the destination is left as it was.
 *
 * The bytes go through BlockSink (block-sink.ts): the socket reads straight into a block, and a
 * full block is written and hashed at the same time. Memory stays the same for any size.
 */
import { randomUUID } from 'node:crypto'
import { link, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import * as path from 'node:path'
import { BlockSink } from './block-sink.js'
import { toActionError } from './connection.js'
import { ActionError, DownloadError, DestinationExistsError, FileSystemError, NetworkError } from './errors.js'
import { get, loggable } from './http.js'
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

  const expected = response.length
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
