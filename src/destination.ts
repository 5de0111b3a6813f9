/**
 * Where the exported file goes. Path rules work for both POSIX and Windows paths, so the
 * path module is a parameter (tests pass path.win32).
 */
import * as nodePath from 'node:path'
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { DestinationExistsError, FileSystemError } from './download-errors.js'
import { InputError } from './errors.js'

type PathModule = Pick<typeof nodePath, 'resolve' | 'join' | 'sep' | 'parse' | 'dirname'>

export interface DestinationQuery {
  /** The raw `path` input. */
  path: string
  runId: string
  format: string
  workspace: string
}

/** Where the file goes, known before the run is: its folder, and the file itself when the run does not name it. */
export interface DestinationPlan {
  folder: string
  /** Set when `path` names the file whatever the run; otherwise the file is `<folder>/<run-id>.<format>`. */
  file?: string
}

/**
 * Empty: `<workspace>/<run-id>.<format>`. Ends with a separator or names an existing directory:
 * `<that dir>/<run-id>.<format>`. Anything else is the file path. Relative to the workspace.
 */
export function planDestination(
  query: Omit<DestinationQuery, 'runId' | 'format'>,
  isDirectory: (path: string) => boolean = existingDirectory,
  path: PathModule = nodePath
): DestinationPlan {
  if (!query.path) return { folder: path.resolve(query.workspace) }
  if (/[\\/]$/.test(query.path)) {
    // Either separator means "a folder", on every platform. A root stays a root: "/" alone, and
    // on Windows "C:\\" (not the drive-relative "C:") and "\\\\server\\share\\".
    const trimmed = query.path.replace(/[\\/]+$/, '')
    const root = path.parse(query.path).root
    const folder = trimmed.length < root.length ? root : trimmed
    return { folder: path.resolve(query.workspace, folder) }
  }
  const target = path.resolve(query.workspace, query.path)
  return isDirectory(target) ? { folder: target } : { folder: path.dirname(target), file: target }
}

/** The file for a run, by the plan. */
export function fileFor(plan: DestinationPlan, runId: string, format: string, path: PathModule = nodePath): string {
  return plan.file ?? path.join(plan.folder, `${runId}.${format}`)
}

export function resolveDestination(
  query: DestinationQuery,
  isDirectory: (path: string) => boolean = existingDirectory,
  path: PathModule = nodePath
): string {
  return fileFor(planDestination(query, isDirectory, path), query.runId, query.format, path)
}

/** `overwrite: false`, the one place: a file that exists is kept, and the step fails before it writes anything. */
export function refuseExisting(file: string, overwrite: boolean): void {
  if (!overwrite && existsSync(file)) throw new DestinationExistsError(file)
}

function existingDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** Names Windows reserves for devices, whatever the extension: a file so named can't be opened by its name. */
const RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i

/**
 * Refuses a `path` that can't name a file people can use: control characters anywhere (a newline
 * would also break the log line that names it), and on Windows a reserved device name or a name
 * ending in a dot or a space. Node writes those through the \\?\ prefix, and Explorer, cmd and
 * PowerShell then can't open or delete the file by its name.
 */
export function refuseUnusableNames(raw: string, platform: NodeJS.Platform = process.platform): void {
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw new InputError(
      'path',
      'holds a control character (a line break, a tab, …)',
      'a file or folder path on one line'
    )
  }
  if (platform !== 'win32') return
  const bad = raw
    .split(/[\\/]/)
    .filter(part => part && part !== '.' && part !== '..' && !/^[A-Za-z]:$/.test(part))
    .find(part => RESERVED.test(part) || /[. ]$/.test(part))
  if (bad !== undefined) {
    throw new InputError(
      'path',
      `has a name Windows can't open: '${bad}'`,
      'names other than CON, PRN, AUX, NUL, COM1–COM9 and LPT1–LPT9 (with any extension), not ending in a dot or a space'
    )
  }
}

/**
 * Whether files can be written into `folder`, checked before anything is started or waited for:
 * the folder, or its nearest existing parent (the rest is made later), is a folder we may write to.
 */
export function checkFolder(folder: string, path: Pick<typeof nodePath, 'dirname'> = nodePath): void {
  for (let current = folder; ; current = path.dirname(current)) {
    let isFolder: boolean
    try {
      isFolder = statSync(current).isDirectory()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if ((code === 'ENOENT' || code === 'ENOTDIR') && path.dirname(current) !== current) continue
      throw new FileSystemError(current, error as NodeJS.ErrnoException)
    }
    if (!isFolder) throw new FileSystemError(current, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }))
    try {
      accessSync(current, constants.W_OK)
    } catch (error) {
      throw new FileSystemError(current, error as NodeJS.ErrnoException)
    }
    return
  }
}
