/**
 * What the action says about the file, beyond "saved": that it is empty, that its name contradicts
 * its format, that its row count differs from CoreClaw's. Wrong or empty data never passes
 * without a word, and only `if-empty: error` turns any of it into a failure.
 */
import * as path from 'node:path'
import { FORMATS, type Format } from './coreclaw-contract.js'
import { EmptyExportError } from './download-errors.js'
import type { Log } from './log.js'
import { count } from './progress.js'

/** What an empty export does: a warning, a failure, or nothing (`if-empty`). */
export const IF_EMPTY = ['warn', 'error', 'ignore'] as const
export type IfEmpty = (typeof IF_EMPTY)[number]

/** Why an export is empty, or undefined: CoreClaw reports 0 results, or the file has 0 rows or 0 bytes. */
export function emptiness(facts: { results?: number; rows?: number; size?: number }): string | undefined {
  if (facts.results === 0) return 'CoreClaw reports 0 results for it'
  if (facts.size === 0) return 'the file is 0 bytes'
  if (facts.rows === 0) return 'the file has 0 rows'
  return undefined
}

/** With `if-empty: error`, an empty export fails before anything replaces the destination. */
export function refuseEmpty(ifEmpty: IfEmpty, runId: string, facts: Parameters<typeof emptiness>[0]): void {
  const reason = emptiness(facts)
  if (reason && ifEmpty === 'error') throw new EmptyExportError(runId, reason)
}

/** After the file was saved: a warning for an empty export (`if-empty: warn`), a line otherwise. */
export function reportEmpty(
  ifEmpty: IfEmpty,
  runId: string,
  destination: string,
  facts: Parameters<typeof emptiness>[0],
  log: Log
): void {
  const reason = emptiness(facts)
  if (!reason) return
  if (ifEmpty === 'warn') {
    log.warning(
      `The export of run ${runId} is empty: ${reason}. ${destination} was written anyway; set ${log.say.set('if-empty', 'error')} to fail the step instead.`,
      'Empty export'
    )
  } else log.info(`The export of run ${runId} is empty: ${reason}.`)
}

/** `path: results.xlsx` with `format: csv` saves CSV bytes under an Excel name: say so before anything runs. */
export function warnOfExtension(destination: string, format: Format, log: Log): void {
  const extension = path.extname(destination).slice(1).toLowerCase()
  if (extension === format || !(FORMATS as readonly string[]).includes(extension)) return
  log.warning(
    `The file ${path.basename(destination)} will hold ${format} data, not ${extension}: set ${log.say.set('format', extension)}, or name the file .${format}.`,
    'File name contradicts the format'
  )
}

/** The rows in the file against CoreClaw's count, saying which way they differ. */
export function compareRows(rows: number | undefined, results: number | undefined, runId: string, log: Log): void {
  if (rows === undefined || results === undefined || rows === results) return
  const which =
    rows < results
      ? `fewer than the ${results} CoreClaw reports for run ${runId}: the export may be incomplete`
      : `more than the ${results} CoreClaw reports for run ${runId}: CoreClaw's count may lag behind the results it stored`
  log.warning(`The file has ${count(rows, 'row')}, ${which}.`, 'Row count differs')
}
