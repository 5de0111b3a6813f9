/**
 * The first records of a CSV text, for the preview: what csv-parse reads with `bom`,
 * `relax_column_count` and `skip_empty_lines`, record for record, up to the first record it would
 * refuse. A test holds it to csv-parse on every text of a generated corpus.
 *
 * Why not csv-parse itself: loading and first running it cost a CSV step 4–7 ms of a 50 ms start-up
 * (a 70 KB chunk, and a parser made for every option), to read seven records. Whole files, where
 * CSV's corners matter, are still csv-parse's (export-rows.ts).
 */

const QUOTE = '"'

/**
 * Up to `limit` records, each a list of fields. A BOM is dropped, and empty lines are not records.
 * Line breaks are the first one found outside quotes, `\r\n`, `\n` or `\r`, and only that one from
 * then on (csv-parse's auto-detection), so a lone `\r` in a `\n` file is part of a field. The records
 * stop before one that is not CSV (a quote inside an unquoted field, text after a closing quote) or
 * that the text cuts inside quotes.
 */
export function csvRecords(text: string, limit: number): string[][] {
  const records: string[][] = []
  let lineBreak: string | undefined
  let i = text.startsWith('\uFEFF') ? 1 : 0
  while (records.length < limit && i < text.length) {
    const emptyLine = lineBreak ? (text.startsWith(lineBreak, i) ? lineBreak : undefined) : lineBreakAt(text, i)
    if (emptyLine) {
      lineBreak = emptyLine
      i += emptyLine.length
      continue
    }
    const record: string[] = []
    for (;;) {
      const field = readField(text, i, lineBreak)
      if (!field) return records
      record.push(field.value)
      i = field.end
      if (text[i] !== ',') break
      i++
    }
    if (i < text.length) {
      lineBreak ??= lineBreakAt(text, i)
      // Text after a closing quote.
      if (!lineBreak || !text.startsWith(lineBreak, i)) return records
      i += lineBreak.length
    }
    records.push(record)
  }
  return records
}

/** The field starting at `start`, or undefined where it is not CSV or the text ends inside its quotes. */
function readField(text: string, start: number, lineBreak: string | undefined): Field | undefined {
  if (text[start] === QUOTE) return readQuoted(text, start)
  const end = fieldEnd(text, start, lineBreak)
  const value = text.slice(start, end)
  return value.includes(QUOTE) ? undefined : { value, end }
}

interface Field {
  value: string
  /** Where the field ends: its comma, its line break, or the end of the text. */
  end: number
}

function readQuoted(text: string, start: number): Field | undefined {
  let value = ''
  let from = start + 1
  for (;;) {
    const quote = text.indexOf(QUOTE, from)
    if (quote < 0) return undefined
    value += text.slice(from, quote)
    if (text[quote + 1] !== QUOTE) return { value, end: quote + 1 }
    value += QUOTE
    from = quote + 2
  }
}

/** Where an unquoted field starting at `start` ends: a comma, a line break, or the end of the text. */
function fieldEnd(text: string, start: number, lineBreak: string | undefined): number {
  for (let i = start; i < text.length; i++) {
    const char = text[i]
    if (char === ',') return i
    if (lineBreak ? text.startsWith(lineBreak, i) : char === '\n' || char === '\r') return i
  }
  return text.length
}

/** The line break at `i`, if there is one there. */
function lineBreakAt(text: string, i: number): string | undefined {
  if (text.startsWith('\r\n', i)) return '\r\n'
  return text[i] === '\n' || text[i] === '\r' ? text[i] : undefined
}
