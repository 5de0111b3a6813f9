/**
 * Where the exported file goes. Path rules work for both POSIX and Windows paths, so the
 * path module is a parameter (tests pass path.win32).
 */
import * as nodePath from 'node:path'
import { statSync } from 'node:fs'

type PathModule = Pick<typeof nodePath, 'resolve' | 'join' | 'sep'>

export interface DestinationQuery {
  /** The raw `path` input. */
  path: string
  runId: string
  format: string
  workspace: string
}

/**
 * Empty: `<workspace>/<run-id>.<format>`. Ends with a separator or names an existing directory:
 * `<that dir>/<run-id>.<format>`. Anything else is the file path. Relative to the workspace.
 */
export function resolveDestination(
  query: DestinationQuery,
  isDirectory: (path: string) => boolean = existingDirectory,
  path: PathModule = nodePath
): string {
  const fileName = `${query.runId}.${query.format}`
  if (!query.path) return path.resolve(query.workspace, fileName)
  if (/[\\/]$/.test(query.path)) {
    // Either separator means "a folder", on every platform; "/" alone stays the root.
    const folder = query.path.replace(/[\\/]+$/, '') || query.path
    return path.join(path.resolve(query.workspace, folder), fileName)
  }
  const target = path.resolve(query.workspace, query.path)
  return isDirectory(target) ? path.join(target, fileName) : target
}

function existingDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
