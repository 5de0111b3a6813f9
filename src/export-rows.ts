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
import { JsonArrayScanner, JsonArraySplitter } from './json-scan.js'

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
      const array = new JsonArrayScanner()
      array.scan(text, () => rows++)
      if (array.invalid) return 0
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

/**
 * The rows of `file`, in order; `onBytes` sees every byte read. Throws UnreadableRowsError when the
 * file is not the format.
 */
export async function* rowsOf(
  file: string,
  format: RowFormat,
  { signal, onBytes }: { signal?: AbortSignal; onBytes?: (bytes: Buffer) => void } = {}
): AsyncGenerator<Row> {
  const source = createReadStream(file, { signal })
  try {
    // csv-parse and readline take the stream's 'data' events, so a listener of ours sees the same
    // bytes; the JSON array is read chunk by chunk here, and sees them itself.
    if (onBytes && format !== 'json') source.on('data', chunk => onBytes(chunk as Buffer))
    if (format === 'csv') yield* csvRows(source)
    else if (format === 'jsonl') yield* jsonLines(source)
    else yield* jsonArrayElements(source, onBytes)
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

/** Each element of a JSON array, read as latin1 (one character per byte) and parsed as the UTF-8 it is. */
async function* jsonArrayElements(source: Readable, onBytes?: (bytes: Buffer) => void): AsyncGenerator<Row> {
  const splitter = new JsonArraySplitter(MAX_ROW_BYTES)
  const { scanner } = splitter
  for await (const chunk of source) {
    onBytes?.(chunk as Buffer)
    const elements = splitter.push((chunk as Buffer).toString('latin1'))
    if (scanner.invalid) throw new UnreadableRowsError('is not a JSON array')
    if (splitter.tooLong) throw new UnreadableRowsError(`has an element over ${MAX_ROW_BYTES} bytes`)
    for (const [index, element] of elements.entries()) {
      const where = `an element (${splitter.elements - elements.length + index + 1})`
      yield parseJson(Buffer.from(element, 'latin1').toString('utf8'), where)
    }
    if (scanner.trailing) throw new UnreadableRowsError('has more after its JSON array')
  }
  if (!scanner.ended) throw new UnreadableRowsError('does not end its JSON array')
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UnreadableRowsError(`has ${where} that is not JSON (${(error as Error).message})`)
  }
}
