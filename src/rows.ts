/**
 * Rows of an export, counted while it streams to disk, and a preview of the first ones for the
 * job summary. Nothing here holds the file: a counter keeps a few numbers of state, and the preview
 * is parsed from the first 64 KiB only.
 *
 * The counters read each chunk as latin1, one character per byte. The characters they look for
 * (quotes, line feeds, brackets, commas) are ASCII, which never occurs inside a UTF-8 sequence, so
 * this is exact for UTF-8 files, and String#indexOf is the fastest scan JavaScript has.
 */
import type { Format } from './inputs.js'

export interface Preview {
  columns: string[]
  rows: string[][]
  /** Columns left out of `columns` (more than PREVIEW_COLUMNS). */
  moreColumns: number
}

export interface RowsReport {
  /** Data rows in the file (a CSV's header excluded); undefined where they can't be counted. */
  rows?: number
  preview?: Preview
}

/** Watches the file's bytes in order; `finish` once they have all passed. */
export interface RowCounter {
  update(bytes: Buffer): void
  finish(): RowsReport
}

export const PREVIEW_ROWS = 5
export const PREVIEW_COLUMNS = 8
export const PREVIEW_CELL = 60
const PREFIX_BYTES = 64 * 1024

/** A counter for the formats whose rows can be counted, else undefined. */
export function rowCounterFor(format: Format): RowCounter | undefined {
  if (format === 'csv') return new CsvRows()
  if (format === 'jsonl') return new JsonLinesRows()
  if (format === 'json') return new JsonArrayRows()
  return undefined
}

/** Keeps the first bytes of the file for the preview; subclasses count. */
abstract class Counter implements RowCounter {
  private readonly prefix: Buffer[] = []
  private prefixBytes = 0
  private seenBytes = 0

  update(bytes: Buffer): void {
    if (this.prefixBytes < PREFIX_BYTES) {
      const piece = Buffer.from(bytes.subarray(0, PREFIX_BYTES - this.prefixBytes))
      this.prefix.push(piece)
      this.prefixBytes += piece.length
    }
    this.seenBytes += bytes.length
    this.scan(bytes.toString('latin1'))
  }

  finish(): RowsReport {
    const text = Buffer.concat(this.prefix)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
    return { rows: this.count(), preview: this.previewOrNone(text) }
  }

  /** The preview is a decoration: whatever the data, it never fails an export. */
  private previewOrNone(text: string): Preview | undefined {
    try {
      return this.preview(text)
    } catch {
      return undefined
    }
  }

  /** The prefix is not the whole file: its last row may be cut. */
  protected get truncated(): boolean {
    return this.seenBytes > this.prefixBytes
  }

  protected abstract scan(chunk: string): void
  protected abstract count(): number | undefined
  protected abstract preview(prefix: string): Preview | undefined
}

/** RFC 4180: a record ends at a line feed outside quotes; blank lines are not records. */
class CsvRows extends Counter {
  private records = 0
  private quoted = false
  /** The current record has something in it. */
  private content = false

  protected scan(s: string): void {
    let i = 0
    let quote = s.indexOf('"')
    for (;;) {
      if (this.quoted) {
        if (quote < 0) return
        this.quoted = false
        i = quote + 1
        quote = s.indexOf('"', i)
        continue
      }
      const feed = s.indexOf('\n', i)
      if (quote >= 0 && (feed < 0 || quote < feed)) {
        this.quoted = true
        this.content = true
        i = quote + 1
        quote = s.indexOf('"', i)
        continue
      }
      if (hasContent(s, i, feed < 0 ? s.length : feed)) this.content = true
      if (feed < 0) return
      if (this.content) this.records++
      this.content = false
      i = feed + 1
    }
  }

  protected count(): number {
    const records = this.records + (this.content ? 1 : 0)
    return Math.max(0, records - 1)
  }

  protected preview(prefix: string): Preview | undefined {
    const records = parseCsv(prefix, PREVIEW_ROWS + 2)
    // A record cut by the end of the prefix is not shown.
    if (this.truncated && records.length <= PREVIEW_ROWS + 1) records.pop()
    const [header, ...rows] = records
    return header ? table(header, rows.slice(0, PREVIEW_ROWS)) : undefined
  }
}

/** One JSON value per non-blank line. */
class JsonLinesRows extends Counter {
  private lines = 0
  private content = false

  protected scan(s: string): void {
    let i = 0
    for (;;) {
      const feed = s.indexOf('\n', i)
      if (hasContent(s, i, feed < 0 ? s.length : feed)) this.content = true
      if (feed < 0) return
      if (this.content) this.lines++
      this.content = false
      i = feed + 1
    }
  }

  protected count(): number {
    return this.lines + (this.content ? 1 : 0)
  }

  protected preview(prefix: string): Preview | undefined {
    const values: unknown[] = []
    for (const line of prefix.split('\n')) {
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
}

/** The elements of a top-level JSON array; any other JSON can't be counted. */
class JsonArrayRows extends Counter {
  private elements = 0
  private depth = 0
  private started = false
  private ended = false
  private invalid = false
  private inString = false
  /** The previous chunk ended with an odd run of backslashes inside a string. */
  private escaping = false
  private expecting = false

  protected scan(s: string): void {
    if (this.ended || this.invalid) return
    let i = 0
    while (i < s.length) {
      if (this.inString) {
        // A backslash that ended the last chunk escapes this chunk's first character.
        const first = this.escaping ? i + 1 : i
        const end = closingQuote(s, first)
        if (end < 0) {
          this.escaping = trailingBackslashes(s, first) % 2 === 1
          return
        }
        this.escaping = false
        this.inString = false
        i = end + 1
        continue
      }
      const c = s.charCodeAt(i++)
      if (c === 32 || c === 10 || c === 13 || c === 9) continue
      if (!this.started) {
        // 0xEF is the first byte of a UTF-8 byte order mark.
        if (c === 0xef || c === 0xbb || c === 0xbf) continue
        if (c !== 91) return void (this.invalid = true)
        this.started = true
        this.depth = 1
        this.expecting = true
        continue
      }
      if (c === 93 || c === 125) {
        if (--this.depth === 0) return void (this.ended = true)
        continue
      }
      if (c === 44) {
        if (this.depth === 1) this.expecting = true
        continue
      }
      if (this.depth === 1 && this.expecting) {
        this.elements++
        this.expecting = false
      }
      if (c === 34) this.inString = true
      else if (c === 91 || c === 123) this.depth++
    }
  }

  protected count(): number | undefined {
    return this.started && this.ended && !this.invalid ? this.elements : undefined
  }

  protected preview(prefix: string): Preview | undefined {
    return this.invalid ? undefined : objectsTable(firstElements(prefix, PREVIEW_ROWS))
  }
}

/** Whether s[from, end) holds anything but a lone CR: a line that is more than its line break. */
function hasContent(s: string, from: number, end: number): boolean {
  return end - from > 1 || (end - from === 1 && s.charCodeAt(from) !== 13)
}

/** The index of the unescaped quote at or after `from` (which starts a string's text), or -1. */
function closingQuote(s: string, from: number): number {
  let i = from
  for (;;) {
    const quote = s.indexOf('"', i)
    if (quote < 0) return -1
    if (backslashesBefore(s, quote, from) % 2 === 0) return quote
    i = quote + 1
  }
}

/** The run of backslashes that ends just before `end`, not reaching back past `floor`. */
function backslashesBefore(s: string, end: number, floor: number): number {
  let n = 0
  for (let k = end - 1; k >= floor && s.charCodeAt(k) === 92; k--) n++
  return n
}

function trailingBackslashes(s: string, floor: number): number {
  return backslashesBefore(s, s.length, floor)
}

/** Up to `limit` records of CSV text, each a list of fields. */
function parseCsv(text: string, limit: number): string[][] {
  const records: string[][] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  /** The current record has a field, even an empty one. */
  let started = false
  const endRecord = () => {
    if (started || field) records.push([...fields, field])
    fields = []
    field = ''
    started = false
  }
  for (let i = 0; i < text.length && records.length < limit; i++) {
    const c = text[i]
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') field += text[++i]
      else quoted = false
    } else if (c === '"') {
      quoted = true
      started = true
    } else if (c === ',') {
      fields.push(field)
      field = ''
      started = true
    } else if (c === '\n') {
      endRecord()
    } else if (c === '\r' && text[i + 1] === '\n') {
      i++
      endRecord()
    } else {
      field += c
      started = true
    }
  }
  if (records.length < limit) endRecord()
  return records
}

/** The first `limit` complete top-level elements of a JSON array's text, parsed. */
function firstElements(text: string, limit: number): unknown[] {
  const values: unknown[] = []
  let depth = 0
  let start = -1
  const take = (end: number): boolean => {
    try {
      values.push(JSON.parse(text.slice(start, end)))
      start = -1
      return true
    } catch {
      return false
    }
  }
  for (let i = 0; i < text.length && values.length < limit; i++) {
    const c = text[i]
    if (depth === 1 && start < 0 && !/[\s,\]]/.test(c)) start = i
    if (c === '"') {
      i = closingQuote(text, i + 1)
      if (i < 0) break
    } else if (c === '[' || c === '{') {
      depth++
    } else if (c === ']' || c === '}') {
      if (--depth === 0) {
        if (start >= 0) take(i)
        break
      }
    } else if (c === ',' && depth === 1 && start >= 0 && !take(i)) {
      break
    }
  }
  return values
}

/** Rows of objects (or other values) as a table: the keys of the first rows, in order. */
function objectsTable(values: unknown[]): Preview | undefined {
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

function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value)
  } catch {
    // Nested deeper than the stack allows ([[[[…]]]] from a scraped page): a placeholder, not a failure.
    return '(nested too deeply to show)'
  }
}

function cut(text: string): string {
  return text.length > PREVIEW_CELL ? `${text.slice(0, PREVIEW_CELL - 1)}…` : text
}
