/**
 * The preview of an export's first rows for the job summary, parsed from the first 64 KiB of the
 * file only (rows.ts keeps them). Whatever those bytes hold, a preview is a decoration: the caller
 * shows none when it can't be made.
 */
import { csvRecords } from './csv-records.js'
import { JsonArraySplitter } from './json-scan.js'
import { redact } from './server-text.js'

export interface Preview {
  columns: string[]
  rows: string[][]
  /** Columns left out of `columns` (more than PREVIEW_COLUMNS). */
  moreColumns: number
}

export const PREVIEW_ROWS = 5
export const PREVIEW_COLUMNS = 8
export const PREVIEW_CELL = 60

/** A CSV's header and first rows. `truncated`: the text is not the whole file, and its last record may be cut. */
export function csvPreview(text: string, truncated: boolean): Preview | undefined {
  const records = csvRecords(text, PREVIEW_ROWS + 2)
  // A record cut by the end of the prefix is not shown.
  if (truncated && records.length <= PREVIEW_ROWS + 1) records.pop()
  const [header, ...rows] = records
  return header ? table(header, rows.slice(0, PREVIEW_ROWS)) : undefined
}

/** The first values of a JSON Lines text, as a table of their keys. */
export function jsonLinesPreview(text: string): Preview | undefined {
  const values: unknown[] = []
  for (const line of text.split('\n')) {
    if (values.length === PREVIEW_ROWS) break
    if (!line.trim()) continue
    try {
      values.push(JSON.parse(line))
    } catch {
      break // the line the prefix cut
    }
  }
  return objectsTable(values)
}

/** The first elements of a JSON array's text, as a table of their keys. */
export function jsonArrayPreview(text: string): Preview | undefined {
  return objectsTable(firstElements(text, PREVIEW_ROWS))
}

/** The first `limit` complete top-level elements of a JSON array's text, parsed. */
function firstElements(text: string, limit: number): unknown[] {
  const values: unknown[] = []
  for (const element of new JsonArraySplitter().push(text).slice(0, limit)) {
    try {
      values.push(JSON.parse(element))
    } catch {
      break
    }
  }
  return values
}

/** Rows of objects (or other values) as a table: the keys of the first rows, in order. */
export function objectsTable(values: unknown[]): Preview | undefined {
  if (values.length === 0) return undefined
  const objects = values.map(value => (value && typeof value === 'object' && !Array.isArray(value) ? value : { value }))
  const keys = [...new Set(objects.flatMap(object => Object.keys(object as object)))]
  const rows = objects.map(object => keys.map(key => cellText((object as Record<string, unknown>)[key])))
  return table(keys, rows)
}

function table(columns: string[], rows: string[][]): Preview {
  const shown = columns.slice(0, PREVIEW_COLUMNS)
  return {
    columns: shown.map(cut),
    rows: rows.map(row => shown.map((_, index) => cut(row[index] ?? ''))),
    moreColumns: columns.length - shown.length
  }
}

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value)
  } catch {
    // Nested deeper than the stack allows ([[[[…]]]] from a scraped page): a placeholder, not a failure.
    return '(nested too deeply to show)'
  }
}

/** Secrets are replaced before the cut (forCell replaces them again, but would see only a part). */
function cut(raw: string): string {
  const text = redact(raw)
  return text.length > PREVIEW_CELL ? `${text.slice(0, PREVIEW_CELL - 1)}…` : text
}
