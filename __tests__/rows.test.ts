// Counting rows while the file streams, and the preview of the first ones: exact on every split of
// the bytes into chunks, and blind to anything that only looks like a row break.
import { PREVIEW_CELL } from '../src/preview.js'
import { rowCounterFor } from '../src/rows.js'
import type { Format } from '../src/coreclaw-contract.js'

/** Feeds `text` in pieces of `size` bytes (UTF-8), as the download would. */
async function count(format: Format, text: string | Buffer, size = 7) {
  const counter = rowCounterFor(format)!
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text)
  for (let i = 0; i < bytes.length; i += size) counter.update(bytes.subarray(i, i + size))
  return counter.finish()
}

const everySplit = async (format: Format, text: string) =>
  Promise.all(
    Array.from(
      { length: Math.min(Buffer.byteLength(text), 40) },
      async (_, i) => (await count(format, text, i + 1)).rows
    )
  )

describe('csv (RFC 4180)', () => {
  const csv = 'title,address\r\n"Café ""Le Nord""","12 Rue\r\nde Rivoli, Paris"\r\nTōkyō Kissa,Shibuya\r\n'

  test('a quoted line break, quoted quotes and commas do not end a row; the header is not a row', async () => {
    expect(new Set(await everySplit('csv', csv))).toEqual(new Set([2]))
  })

  test('a last row without a line break counts; blank lines do not', async () => {
    expect((await count('csv', 'a,b\n1,2\n\r\n\n3,4')).rows).toBe(2)
    expect((await count('csv', 'a,b\n')).rows).toBe(0)
    expect((await count('csv', '')).rows).toBe(0)
  })

  test('the preview: header as columns, fields unquoted, multi-byte characters intact', async () => {
    const { preview } = await count('csv', csv, 3)
    expect(preview).toEqual({
      columns: ['title', 'address'],
      rows: [
        ['Café "Le Nord"', '12 Rue\r\nde Rivoli, Paris'],
        ['Tōkyō Kissa', 'Shibuya']
      ],
      moreColumns: 0
    })
  })

  test('at most 5 rows and 8 columns, each cell cut at 60 characters', async () => {
    const header = Array.from({ length: 10 }, (_, i) => `c${i}`).join(',')
    const row = Array.from({ length: 10 }, () => 'x'.repeat(100)).join(',')
    const { preview, rows } = await count('csv', [header, ...Array(9).fill(row)].join('\n'), 64)
    expect(rows).toBe(9)
    expect(preview?.columns).toHaveLength(8)
    expect(preview?.moreColumns).toBe(2)
    expect(preview?.rows).toHaveLength(5)
    expect(preview?.rows[0][0]).toHaveLength(PREVIEW_CELL)
    expect(preview?.rows[0][0].endsWith('…')).toBe(true)
  })

  test('a file far larger than the preview is counted whole; the preview shows only complete rows', async () => {
    const line = 'ChIJ,Blue Bottle Coffee,"1 Ferry Building, San Francisco",4.6\n'
    const { rows, preview } = await count('csv', `id,title,address,rating\n${line.repeat(20_000)}`, 65_536)
    expect(rows).toBe(20_000)
    expect(preview?.rows).toHaveLength(5)
    expect(preview?.rows[4]).toEqual(['ChIJ', 'Blue Bottle Coffee', '1 Ferry Building, San Francisco', '4.6'])
  })
})

describe('jsonl', () => {
  test('one row per non-blank line, on every split', async () => {
    const jsonl = '{"a":"x\\ny"}\n\n{"a":2}\r\n{"a":3}'
    expect(new Set(await everySplit('jsonl', jsonl))).toEqual(new Set([3]))
  })

  test('quotes do not span lines, as they do in CSV: an escaped quote leaves the next line a row of its own', async () => {
    const jsonl = '{"a":"\\""}\n{"a":"b"}\n{"a":"c"}\n'
    expect(new Set(await everySplit('jsonl', jsonl))).toEqual(new Set([3]))
  })

  test('the preview: the keys of the first rows, values as text', async () => {
    const { preview } = await count('jsonl', '{"title":"A","rating":4.5}\n{"title":"B","tags":["x"]}\n')
    expect(preview).toEqual({
      columns: ['title', 'rating', 'tags'],
      rows: [
        ['A', '4.5', ''],
        ['B', '', '["x"]']
      ],
      moreColumns: 0
    })
  })
})

describe('json', () => {
  const json = JSON.stringify(
    [{ title: 'a ] } , "', nested: [1, [2], { x: '\\"' }] }, { title: 'b' }, 'text', 7, null, [1, 2]],
    null,
    2
  )

  test('the top-level elements of an array, on every split, whatever their strings hold', async () => {
    expect(new Set(await everySplit('json', json))).toEqual(new Set([6]))
    expect((await count('json', '[]')).rows).toBe(0)
    expect((await count('json', '\uFEFF[1,2]')).rows).toBe(2)
  })

  test('anything but an array, or a cut one, is not counted', async () => {
    expect((await count('json', '{"rows":[1,2]}')).rows).toBeUndefined()
    expect((await count('json', '[1,2')).rows).toBeUndefined()
  })

  test('the preview: the first elements, parsed', async () => {
    const { preview } = await count('json', json, 5)
    expect(preview?.columns).toEqual(['title', 'nested', 'value'])
    expect(preview?.rows[0]).toEqual(['a ] } , "', '[1,[2],{"x":"\\\\\\""}]', ''])
    expect(preview?.rows).toHaveLength(5)
  })
})

test('formats that have no rows to count get no counter', async () => {
  for (const format of ['xlsx', 'xls', 'xml', 'html', 'rss'] as const) expect(rowCounterFor(format)).toBeUndefined()
})
