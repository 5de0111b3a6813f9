// The preview's CSV reader reads what csv-parse reads, record for record, on every text of a corpus:
// all texts of up to 6 characters over the characters CSV cares about, and longer random ones.
import { parse } from 'csv-parse/sync'
import { csvRecords } from '../src/csv-records.js'

const LIMIT = 7

/** csv-parse, with the preview's options: the records it gives before the first one it refuses. */
function csvParse(text: string, limit = LIMIT): string[][] {
  const records: string[][] = []
  try {
    parse(text, {
      bom: true,
      to: limit,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[]) => {
        records.push(record)
        return record
      }
    })
  } catch {
    // Refused: the records before are what a reader of the text can show.
  }
  return records
}

/** Every string of length 0..max over the alphabet. */
function* allTexts(alphabet: string[], max: number): Generator<string> {
  let level = ['']
  for (let length = 0; length <= max; length++) {
    yield* level
    level = level.flatMap(text => alphabet.map(char => text + char))
  }
}

/** A deterministic pseudo-random source (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function mismatches(texts: Iterable<string>): { text: string; ours: string[][]; csvParse: string[][] }[] {
  const found = []
  for (const text of texts) {
    const ours = csvRecords(text, LIMIT)
    const theirs = csvParse(text)
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) found.push({ text, ours, csvParse: theirs })
    if (found.length === 5) break
  }
  return found
}

test('every text of up to 6 characters over a, comma, quote, LF, CR and space reads as csv-parse reads it', () => {
  expect(mismatches(allTexts(['a', ',', '"', '\n', '\r', ' '], 6))).toEqual([])
})

test('20,000 random texts of up to 60 tokens, a BOM and CRLF among them, read as csv-parse reads them', () => {
  const next = random(29)
  const tokens = ['ab', 'Café', ',', '"', '""', '\n', '\r\n', '\r', ' ', '\uFEFF']
  const texts = Array.from({ length: 20_000 }, () =>
    Array.from({ length: Math.floor(next() * 60) }, () => tokens[Math.floor(next() * tokens.length)]).join('')
  )
  expect(mismatches(texts)).toEqual([])
})

test('ordinary exports: quoted commas, quotes and line breaks, CRLF, a BOM, ragged rows, blank lines', () => {
  const text =
    '\uFEFFid,name,address\r\n1,"Café ""Le Nord""","12 Rue\r\nde Rivoli, Paris"\r\n\r\n2,Kissa\r\n3,,,extra\r\n'
  expect(csvRecords(text, LIMIT)).toEqual([
    ['id', 'name', 'address'],
    ['1', 'Café "Le Nord"', '12 Rue\r\nde Rivoli, Paris'],
    ['2', 'Kissa'],
    ['3', '', '', 'extra']
  ])
  expect(csvRecords(text, 2)).toEqual(csvParse(text, 2))
})

test('a record cut inside its quotes, or not CSV, ends the records before it', () => {
  expect(csvRecords('a,b\n1,"unfinished\n2,3\n', LIMIT)).toEqual([['a', 'b']])
  expect(csvRecords('a,b\n1,x"y\n2,3\n', LIMIT)).toEqual([['a', 'b']])
  expect(csvRecords('a,b\n"1" ,2\n', LIMIT)).toEqual([['a', 'b']])
})
