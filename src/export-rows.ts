/**
 * The rows of an export file, read as a stream, one at a time: CSV through csv-parse (quoted
 * fields, line breaks inside quotes, a BOM, CRLF), JSON Lines a line each, and a JSON array an
 * element each. No file is held in memory whole; one row at a time is, up to MAX_ROW_BYTES.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import type { Format } from './coreclaw-contract.js'
import { closingQuote, trailingBackslashes } from './json-scan.js'

/** The formats whose rows can be compared. */
export type RowFormat = Extract<Format, 'csv' | 'json' | 'jsonl'>

export function isRowFormat(format: Format): format is RowFormat {
  return format === 'csv' || format === 'json' || format === 'jsonl'
}

/** A CSV row by column name; a JSON value as it is (usually an object). */
export type Row = unknown

/** A row larger than this is not a row we compare: the file is compared by its bytes. */
export const MAX_ROW_BYTES = 16 * 1024 * 1024

/** Why a file's rows could not be read: it is not the format it should be. The message continues "the file …". */
export class UnreadableRowsError extends Error {}

/**
 * About how many rows `file` holds, from its size and its first 64 KiB: enough to tell a file far
 * too large to compare before reading it whole. Line breaks for CSV and JSON Lines, elements for a
 * JSON array; a file whose first 64 KiB hold no complete row counts as one row per 64 KiB.
 */
export async function estimatedRows(file: string, format: RowFormat): Promise<number> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES))
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0)
    const text = sample.subarray(0, bytesRead).toString('latin1')
    let rows = 0
    if (format === 'json') {
      try {
        rows = new JsonArraySplitter().push(text).length
      } catch {
        return 0
      }
    } else {
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) rows++
    }
    return bytesRead === 0 ? 0 : Math.round((Math.max(rows, 1) * size) / bytesRead)
  } finally {
    await handle.close()
  }
}

const SAMPLE_BYTES = 64 * 1024

/** A CSV file's header: its column names, as csv-parse reads the first record. */
export async function csvHeader(file: string, signal?: AbortSignal): Promise<string[]> {
  const parser = createReadStream(file, { signal }).pipe(
    parse({ bom: true, to_line: 1, max_record_size: MAX_ROW_BYTES })
  )
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record
    return []
  } catch (error) {
    throw unreadable(error)
  }
}

/** The rows of `file`, in order. Throws UnreadableRowsError when the file is not the format. */
export async function* rowsOf(file: string, format: RowFormat, signal?: AbortSignal): AsyncGenerator<Row> {
  const source = createReadStream(file, { signal })
  try {
    if (format === 'csv') yield* csvRows(source)
    else if (format === 'jsonl') yield* jsonLines(source)
    else yield* jsonArrayElements(source)
  } finally {
    source.destroy()
  }
}

async function* csvRows(source: Readable): AsyncGenerator<Row> {
  // columns: each record an object by the header's names. A record with another number of fields,
  // a header with a name twice, or a stray quote is a CsvError: the file is then compared by its bytes.
  const parser = source.pipe(parse({ bom: true, columns: true, max_record_size: MAX_ROW_BYTES }))
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) yield record
  } catch (error) {
    throw unreadable(error)
  }
}

/** csv-parse's errors mean the file is not CSV as it should be; others are the file system's. */
function unreadable(error: unknown): unknown {
  return error instanceof CsvError
    ? new UnreadableRowsError(`is not CSV whose rows can be compared (${error.message})`)
    : error
}

async function* jsonLines(source: Readable): AsyncGenerator<Row> {
  let line = 0
  for await (const text of createInterface({ input: source, crlfDelay: Infinity })) {
    line++
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim()
    if (!trimmed) continue
    if (trimmed.length > MAX_ROW_BYTES)
      throw new UnreadableRowsError(`has a line (${line}) over ${MAX_ROW_BYTES} bytes`)
    yield parseJson(trimmed, `a line (${line})`)
  }
}

async function* jsonArrayElements(source: Readable): AsyncGenerator<Row> {
  const splitter = new JsonArraySplitter()
  for await (const chunk of source) {
    for (const element of splitter.push((chunk as Buffer).toString('latin1'))) {
      yield parseJson(Buffer.from(element, 'latin1').toString('utf8'), `an element (${splitter.elements})`)
    }
  }
  if (!splitter.ended) throw new UnreadableRowsError('does not end its JSON array')
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UnreadableRowsError(`has ${where} that is not JSON (${(error as Error).message})`)
  }
}

/**
 * The elements of a top-level JSON array, as their text, from pieces of the file read as latin1
 * (one character per byte: the structure's characters are ASCII, which never occurs inside a UTF-8
 * sequence). JSON.parse then reads each element; this only finds where each one ends.
 */
export class JsonArraySplitter {
  elements = 0
  ended = false
  private started = false
  private depth = 0
  private inString = false
  /** The previous piece ended with an odd run of backslashes inside a string. */
  private escaping = false
  /** The current element's text so far, when it began in an earlier piece. */
  private pieces: string[] = []
  private pieceBytes = 0
  /** Inside an element (depth ≥ 1 and past its first character). */
  private inElement = false

  /** The elements that end in `s`. */
  push(s: string): string[] {
    const done: string[] = []
    if (this.ended) {
      if (/\S/.test(s)) throw new UnreadableRowsError('has more after its JSON array')
      return done
    }
    let start = this.inElement ? 0 : -1
    let i = 0
    const finish = (end: number) => {
      done.push((this.pieces.join('') + s.slice(start, end)).trimEnd())
      this.pieces = []
      this.pieceBytes = 0
      this.inElement = false
      this.elements++
      start = -1
    }
    while (i < s.length) {
      if (this.inString) {
        // A backslash that ended the last piece escapes this piece's first character.
        const first = this.escaping ? i + 1 : i
        const end = closingQuote(s, first)
        if (end < 0) {
          this.escaping = trailingBackslashes(s, first) % 2 === 1
          break
        }
        this.escaping = false
        this.inString = false
        i = end + 1
        continue
      }
      const c = s.charCodeAt(i)
      if (!this.started) {
        i++
        // White space, and a UTF-8 byte order mark (EF BB BF), before the array.
        if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xef || c === 0xbb || c === 0xbf) continue
        if (c !== 91) throw new UnreadableRowsError('is not a JSON array')
        this.started = true
        this.depth = 1
        continue
      }
      if (this.depth === 1 && !this.inElement) {
        if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) {
          i++
          continue
        }
        if (c === 93) {
          this.depth = 0
          this.ended = true
          if (/\S/.test(s.slice(i + 1))) throw new UnreadableRowsError('has more after its JSON array')
          return done
        }
        this.inElement = true
        start = i
      }
      if (c === 34) this.inString = true
      else if (c === 91 || c === 123) this.depth++
      else if (c === 93 || c === 125) {
        this.depth--
        if (this.depth === 0) {
          // `]` closes the array right after an element.
          finish(i)
          this.ended = true
          if (/\S/.test(s.slice(i + 1))) throw new UnreadableRowsError('has more after its JSON array')
          return done
        }
      } else if (c === 44 && this.depth === 1) {
        finish(i)
        i++
        continue
      }
      i++
    }
    if (this.inElement) {
      const piece = s.slice(start < 0 ? 0 : start)
      this.pieceBytes += piece.length
      if (this.pieceBytes > MAX_ROW_BYTES) throw new UnreadableRowsError(`has an element over ${MAX_ROW_BYTES} bytes`)
      this.pieces.push(piece)
    }
    return done
  }
}
