/**
 * The last step of a download: the finished temporary file takes the destination's place, on every
 * file system the runners have.
 *
 * - Replacing (`overwrite: true`) is one rename. On Windows, libuv's rename is one
 *   MoveFileExW(MOVEFILE_REPLACE_EXISTING), which fails with EPERM, EACCES or EBUSY while another
 *   program (Excel, an antivirus or indexer scan, a process of an earlier step) has the destination
 *   open, and graceful-fs retries only while the destination does not exist. So on win32 the
 *   rename is retried with back-off for about 10 s, and then the error says what holds it.
 * - Keeping an existing file (`overwrite: false`) is a hard link, which fails when the name is taken,
 *   even by a file created during the download. File systems without hard links (exFAT and FAT
 *   answer a misleading EISDIR; SMB shares, some NFS and FUSE mounts and old ReFS ENOTSUP or EPERM)
 *   fall back to claiming the name with an exclusive create, then renaming over that placeholder of
 *   our own: still atomic for readers of the content, still never replacing someone else's file.
 *   `copyFile(COPYFILE_EXCL)` would write the bytes twice and show a half-copied file meanwhile.
 */
import * as fs from 'node:fs/promises'
import { DestinationExistsError, DestinationHeldError } from './download-errors.js'
import { realClock, type Clock } from './retry.js'

/** The file operations used, injectable so that a test can make each fail with any error code. */
export interface FileOps {
  rename(from: string, to: string): Promise<void>
  link(existing: string, created: string): Promise<void>
  unlink(path: string): Promise<void>
  /** Creates an empty file, failing with EEXIST when the name is taken. */
  createExclusive(path: string): Promise<void>
}

export const nodeFileOps: FileOps = {
  rename: fs.rename,
  link: fs.link,
  unlink: fs.unlink,
  createExclusive: async path => (await fs.open(path, 'wx')).close()
}

export interface ReplaceOptions {
  overwrite: boolean
  signal?: AbortSignal
  platform?: NodeJS.Platform
  ops?: FileOps
  clock?: Clock
}

/** About as long as a virus scan or an indexer holds a new file; then the user has to act. */
export const HELD_RETRY_MS = 10_000
const HELD = new Set(['EPERM', 'EACCES', 'EBUSY'])

/**
 * Puts `temporary` in `destination`'s place. Returns warnings that don't fail the export (the
 * file is in place by then), e.g. a temporary file that could not be removed.
 */
export async function replaceFile(temporary: string, destination: string, options: ReplaceOptions): Promise<string[]> {
  const ops = options.ops ?? nodeFileOps
  if (options.overwrite) {
    await renameOver(temporary, destination, options)
    return []
  }
  try {
    await ops.link(temporary, destination)
  } catch (error) {
    if (codeOf(error) === 'EEXIST') throw new DestinationExistsError(destination)
    await claimThenRename(temporary, destination, options)
    return []
  }
  // Linked: the export is done. The temporary name left behind is a nuisance, not a failure.
  try {
    await ops.unlink(temporary)
    return []
  } catch (error) {
    return [
      `The file is in place, but its temporary copy ${temporary} could not be removed (${codeOf(error)}); delete it by hand.`
    ]
  }
}

async function claimThenRename(temporary: string, destination: string, options: ReplaceOptions): Promise<void> {
  const ops = options.ops ?? nodeFileOps
  try {
    await ops.createExclusive(destination)
  } catch (error) {
    if (codeOf(error) === 'EEXIST') throw new DestinationExistsError(destination)
    throw error
  }
  try {
    await renameOver(temporary, destination, options)
  } catch (error) {
    // The placeholder is ours; nobody else's file was at that name.
    await ops.unlink(destination).catch(() => undefined)
    throw error
  }
}

async function renameOver(temporary: string, destination: string, options: ReplaceOptions): Promise<void> {
  const ops = options.ops ?? nodeFileOps
  const clock = options.clock ?? realClock
  const windows = (options.platform ?? process.platform) === 'win32'
  const until = clock.now() + HELD_RETRY_MS
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await ops.rename(temporary, destination)
    } catch (error) {
      const code = codeOf(error)
      if (!windows || !code || !HELD.has(code)) throw error
      if (options.signal?.aborted || clock.now() + delay > until) throw new DestinationHeldError(destination, code)
      await clock.sleep(delay, options.signal)
    }
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}
