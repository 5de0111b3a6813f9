/**
 * Rows of an export, counted while it streams to disk, and the first 64 KiB kept for the preview
 * (preview.ts). Nothing here holds the file: a counter keeps a few numbers of state.
 *
 * The counters read each chunk as latin1, one character per byte. The characters they look for
 * (quotes, line feeds, brackets, commas) are ASCII, which never occurs inside a UTF-8 sequence, so
 * this is exact for UTF-8 files, and String#indexOf is the fastest scan JavaScript has.
 */
import type { Format } from './coreclaw-contract.js'
import { JsonArrayScanner } from './json-scan.js'
import { csvPreview, jsonArrayPreview, jsonLinesPreview, type Preview } from './preview.js'

export interface RowsReport {
  /** Data rows in the file (a CSV's header excluded); undefined where they can't be counted. */
  rows?: number
  preview?: Preview
}

/** Watches the file's bytes in order; `finish` once they have all passed. */
export interface RowCounter {
  update(bytes: Buffer): void
  /** The count, and the preview. */
  finish(): RowsReport
}

const PREFIX_BYTES = 64 * 1024

/** A counter for the formats whose rows can be counted, else undefined. */
export function rowCounterFor(format: Format): RowCounter | undefined {
  if (format === 'csv' || format === 'jsonl') return new LineRecords(format)
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

/**
 * Records that end at a line feed; blank lines are not records. CSV (RFC 4180): a line feed inside
 * quotes is part of a field, and the first record is the header. JSON Lines: one value per line;
 * a line feed can't occur inside a JSON string, so quotes need no tracking.
 */
class LineRecords extends Counter {
  private records = 0
  private quoted = false
  /** The current record has something in it. */
  private content = false

  constructor(private readonly format: 'csv' | 'jsonl') {
    super()
  }

  protected scan(s: string): void {
    let i = 0
    let quote = this.format === 'csv' ? s.indexOf('"') : -1
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
    return this.format === 'csv' ? Math.max(0, records - 1) : records
  }

  protected preview(prefix: string): Preview | undefined {
    return this.format === 'csv' ? csvPreview(prefix, this.truncated) : jsonLinesPreview(prefix)
  }
}

/** The elements of a top-level JSON array; any other JSON can't be counted. */
class JsonArrayRows extends Counter {
  private readonly array = new JsonArrayScanner()
  private elements = 0
  private readonly counted = () => void this.elements++

  protected scan(s: string): void {
    this.array.scan(s, this.counted)
  }

  protected count(): number | undefined {
    return this.array.ended && !this.array.invalid ? this.elements : undefined
  }

  protected preview(prefix: string): Preview | undefined {
    return this.array.invalid ? undefined : jsonArrayPreview(prefix)
  }
}

/** Whether s[from, end) holds anything but a lone CR: a line that is more than its line break. */
function hasContent(s: string, from: number, end: number): boolean {
  return end - from > 1 || (end - from === 1 && s.charCodeAt(from) !== 13)
}
