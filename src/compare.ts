/**
 * Comparing this export with an earlier one, as the step does it: which file (`compare-with`,
 * checked before any request), when (before the new file replaces it), and what the log says.
 * How two files are compared is row-diff.ts's.
 */
import { existsSync, statSync } from 'node:fs'
import * as path from 'node:path'
import type { Format } from './coreclaw-contract.js'
import type { Log } from './log.js'
import type { CompareJob, Comparison, RowChanges } from './row-diff.js'
import { thousands as number } from './progress.js'
import { forLog } from './server-text.js'
import { inThread } from './threads.js'
import { refuseOutside, refuseUnreadable } from './workspace-files.js'

/** `compare-with`: `previous` (the file this export replaces, if any), an earlier export's path, or `none`. */
export type CompareWith = 'previous' | 'none' | { file: string }

/** What to compare with: a file checked before any request, or (without `file`) the file the export replaces. */
export interface CompareSpec {
  /** The file `compare-with` names, and how the user named it; none for `previous`. */
  earlier?: { file: string; shown: string }
  keyFields: string[]
}

/**
 * A comparison, and the earlier export it was made with: `with` as the user named it (or, for the
 * file the export replaced, `previous`, its path relative to the workspace).
 */
export type ComparisonReport = Comparison & { with: string; previous: boolean }

/**
 * The file `compare-with` names, checked now: a missing or unreadable one, or one outside the
 * workspace and RUNNER_TEMP, fails before anything is billed. `previous` is the destination,
 * whatever is there when the download completes.
 */
export function compareSpecOf(
  compareWith: CompareWith,
  keyFields: string[],
  { workspace, readableRoots }: { workspace: string; readableRoots?: string[] }
): CompareSpec | undefined {
  if (compareWith === 'none') return undefined
  if (compareWith === 'previous') return { keyFields }
  const file = path.resolve(workspace, compareWith.file)
  const accepted =
    "an earlier export's path, relative to the workspace (restore it first, e.g. with actions/cache), 'previous' or 'none'"
  if (readableRoots) refuseOutside('compare-with', file, compareWith.file, readableRoots, accepted)
  refuseUnreadable('compare-with', file, compareWith.file, accepted)
  return { earlier: { file, shown: compareWith.file }, keyFields }
}

/**
 * Compares the downloaded file (still `temporary`) with the earlier export, before it replaces the
 * destination. Nothing to compare with (no file at the destination yet) is no comparison.
 */
export async function compareWithEarlier(
  spec: CompareSpec,
  download: { destination: string; temporary: string; sha256: string; format: Format },
  { workspace, signal, log }: { workspace: string; signal?: AbortSignal; log: Log }
): Promise<ComparisonReport | undefined> {
  const previous = spec.earlier?.file ?? existingFile(download.destination)
  if (!previous) {
    log.info(`Nothing to compare with: there is no file at ${download.destination} yet.`)
    return undefined
  }
  const shown = spec.earlier?.shown ?? path.relative(workspace, previous)
  const job: CompareJob = {
    previous,
    current: download.temporary,
    currentSha256: download.sha256,
    format: download.format,
    keyFields: spec.keyFields
  }
  // The young generation bounded: a million rows make a lot of short-lived garbage. Typed arrays
  // (the fingerprints) live outside the heap, and the old generation holds little.
  const outcome = await inThread<Comparison>('compare-worker', job, {
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 },
    signal
  })
  if (outcome.kind === 'answer') return { ...outcome.answer, with: shown, previous: !spec.earlier }
  // A comparison is news about the export, never a reason to fail it.
  log.notice(
    `The export could not be compared with ${forLog(shown, 512)} (${forLog(outcome.why, 256)}).`,
    'Not compared'
  )
  return undefined
}

/** What changed, in one line; and a notice when rows could have been compared and were not. */
export function reportComparison({ with: shown, changed, rows, notice }: ComparisonReport, log: Log): void {
  // Either rows could not be compared (by bytes, then), or key fields could not be used (whole rows).
  if (notice) log.notice(forLog(notice, 1024), rows ? 'Rows compared whole' : 'Compared by bytes')
  const earlier = forLog(shown, 512)
  if (!rows) {
    log.info(changed ? `The file differs from ${earlier}.` : `The file is the same as ${earlier}, byte for byte.`)
    return
  }
  log.info(`Compared with ${earlier}, rows: ${changesInWords(rows, name => forLog(name, 64))}.`)
}

/**
 * "12 added, 3 removed, 40 changed, column phone added", or "no rows added or removed". Column
 * names are data: `shown` makes them safe where they go (the log, the summary).
 */
export function changesInWords(rows: RowChanges, shown: (column: string) => string): string {
  const { added, removed, changed, columnsAdded, columnsRemoved } = rows
  const parts =
    added + removed + (changed ?? 0) === 0
      ? [changed === undefined ? 'no rows added or removed' : 'no rows added, removed or changed']
      : [`${number(added)} added`, `${number(removed)} removed`]
  if (changed !== undefined && parts.length === 2) parts.push(`${number(changed)} changed`)
  const columns = [
    ...columnsAdded.map(name => `column ${shown(name)} added`),
    ...columnsRemoved.map(name => `column ${shown(name)} removed`)
  ]
  // A file whose every column was renamed names them all otherwise.
  if (columns.length > 6) columns.splice(6, columns.length - 6, `${columns.length - 6} more columns changed`)
  return [...parts, ...columns].join(', ')
}

function existingFile(file: string): string | undefined {
  return existsSync(file) && statSync(file).isFile() ? file : undefined
}
