/**
 * Files a workflow names for the step to read (`input-file`, `compare-with`). What they hold is
 * sent to CoreClaw or shown in the summary, so a path that leads out of the workspace
 * (`../../secret.json`, an absolute path, a symlink checked into the repository) must not reach
 * whatever it points at: the real path, every link resolved, must be inside one of the roots.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import type { InputName } from './input-table.js'

/** Refuses a file whose real path is outside every root. One that does not exist is left for its reader to report. */
export function refuseOutside(input: InputName, file: string, shown: string, roots: string[], accepted: string): void {
  let real: string
  try {
    real = realpathSync(file)
  } catch {
    return
  }
  const inside = roots.some(root => {
    let realRoot: string
    try {
      realRoot = realpathSync(root)
    } catch {
      return false
    }
    const relative = path.relative(caseOf(realRoot), caseOf(real))
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
  })
  if (!inside) throw new InputError(input, `leads outside the workspace: ${shown} is ${real}`, accepted)
}

/** A regular file we may read, or an InputError that says which of those it is not. */
export function refuseUnreadable(input: InputName, file: string, shown: string, accepted: string): void {
  try {
    // stat, not open: opening a FIFO (or a device) waits for a writer, and no signal ends that wait.
    if (!statSync(file).isFile()) throw new InputError(input, `is not a regular file: ${shown}`, accepted)
    accessSync(file, constants.R_OK)
  } catch (error) {
    if (error instanceof InputError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      input,
      code === 'ENOENT' ? `names a file that does not exist: ${shown}` : `could not be read (${code}): ${shown}`,
      accepted
    )
  }
}

/** Windows' paths are compared without case, as its file systems do. */
function caseOf(file: string): string {
  return process.platform === 'win32' ? file.toLowerCase() : file
}
