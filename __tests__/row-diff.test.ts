// Comparing two exports, row by row: real files on disk, read by the same streams the step uses.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { compareExports, type CompareJob, type Comparison } from '../src/row-diff.js'
import type { Format } from '../src/coreclaw-contract.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'coreclaw-row-diff-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Compares `before` with `after` (file contents) as `format`. */
async function compare(
  format: Format,
  before: string | Buffer,
  after: string | Buffer,
  options: Partial<CompareJob> = {}
): Promise<Comparison> {
  const previous = path.join(dir, `previous.${format}`)
  const current = path.join(dir, `current.${format}`)
  writeFileSync(previous, before)
  writeFileSync(current, after)
  const currentSha256 = createHash('sha256').update(after).digest('hex')
  return compareExports({ previous, current, currentSha256, format, keyFields: [], ...options })
}

const counts = ({ rows }: Comparison) => rows && { added: rows.added, removed: rows.removed, changed: rows.changed }

describe('CSV, read by csv-parse', () => {
  const BEFORE = 'place_id,name,rating\r\np1,"Cafe ""A""",4.5\r\np2,"two\nlines",4.0\r\np3,C,3.9\r\n'

  test.each([
    ['the same bytes', BEFORE],
    ['LF instead of CRLF, and a BOM', `\uFEFF${BEFORE.replace(/\r\n/g, '\n')}`],
    ['columns in another order', 'rating,place_id,name\n4.5,p1,"Cafe ""A"""\n4.0,p2,"two\nlines"\n3.9,p3,C\n'],
    ['rows in another order', 'place_id,name,rating\np3,C,3.9\np1,"Cafe ""A""",4.5\np2,"two\nlines",4.0\n'],
    ['a field quoted that was not', 'place_id,name,rating\n"p1","Cafe ""A""",4.5\np2,"two\nlines",4.0\np3,"C",3.9\n']
  ])('%s: nothing changed', async (_, after) => {
    const result = await compare('csv', BEFORE, after)
    expect(result.changed).toBe(false)
    expect(counts(result)).toEqual({ added: 0, removed: 0, changed: undefined })
    expect(result.notice).toBeUndefined()
  })

  test('the previous file is identified by its SHA-256, taken by the read that compares its rows, or by one of its own', async () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex')
    for (const keyFields of [[], ['place_id']]) {
      expect((await compare('csv', BEFORE, BEFORE, { keyFields })).previousSha256).toBe(sha(BEFORE))
    }
    // Key fields that repeat: the file is read a second time, whole rows; the hash is still of its bytes.
    const repeated = 'k,v\na,1\na,2\n'
    expect((await compare('csv', repeated, repeated, { keyFields: ['k'] })).previousSha256).toBe(sha(repeated))
    // Not CSV, and over the row limit: no read went through it whole.
    expect((await compare('csv', '[{"a": 1},\n{"a"}]', BEFORE)).previousSha256).toBe(sha('[{"a": 1},\n{"a"}]'))
    expect((await compare('csv', BEFORE, BEFORE, { rowLimit: 2 })).previousSha256).toBe(sha(BEFORE))
    for (const format of ['json', 'jsonl'] as const) {
      const text = format === 'json' ? '[{"a": 1}, {"a": 2}]' : '{"a": 1}\n{"a": 2}\n'
      expect((await compare(format, text, text)).previousSha256).toBe(sha(text))
    }
  })

  test('without key fields, rows compare whole: a changed row is one removed and one added', async () => {
    const after = 'place_id,name,rating\np1,"Cafe ""A""",4.5\np2,"two\nlines",4.1\np9,New,5\n'
    const result = await compare('csv', BEFORE, after)
    expect(result.changed).toBe(true)
    expect(counts(result)).toEqual({ added: 2, removed: 2, changed: undefined })
    expect(result.rows?.examples.added).toEqual([
      { place_id: 'p2', name: 'two\nlines', rating: '4.1' },
      { place_id: 'p9', name: 'New', rating: '5' }
    ])
    expect(result.rows?.examples.removed.map(row => (row as { place_id: string }).place_id)).toEqual(['p2', 'p3'])
  })

  test('with key fields: a row whose key stays is changed, and shows only the fields that changed', async () => {
    const after = 'rating,place_id,name\n4.5,p1,"Cafe ""A"""\n4.1,p2,"two\nlines"\n5,p9,New\n'
    const result = await compare('csv', BEFORE, after, { keyFields: ['place_id'] })
    expect(counts(result)).toEqual({ added: 1, removed: 1, changed: 1 })
    expect(result.rows?.examples.changed).toEqual([
      { key: { place_id: 'p2' }, fields: [{ name: 'rating', before: '4.0', after: '4.1' }] }
    ])
    expect(result.rows?.examples.removed).toEqual([{ place_id: 'p3', name: 'C', rating: '3.9' }])
  })

  test('a column added and one removed are reported as such; rows compare on the columns both have', async () => {
    const after = 'place_id,name,phone\np1,"Cafe ""A""",1\np2,"two\nlines",2\np3,C,3\n'
    const result = await compare('csv', BEFORE, after, { keyFields: ['place_id'] })
    expect(result.changed).toBe(true)
    expect(result.rows).toMatchObject({
      added: 0,
      removed: 0,
      changed: 0,
      columnsAdded: ['phone'],
      columnsRemoved: ['rating']
    })
  })

  test('duplicates count: a row twice before and once now is one removed', async () => {
    const result = await compare('csv', 'a,b\n1,2\n1,2\n3,4\n', 'a,b\n1,2\n3,4\n3,4\n')
    expect(counts(result)).toEqual({ added: 1, removed: 1, changed: undefined })
  })

  test('a key field that is not a column of both files: rows compared whole, with a notice', async () => {
    const result = await compare('csv', BEFORE, BEFORE, { keyFields: ['nope'] })
    expect(result.notice).toBe('The key field nope is not a column of both files, so rows were compared whole.')
    expect(counts(result)).toEqual({ added: 0, removed: 0, changed: undefined })
  })

  test('key fields that do not identify rows: compared whole, with a notice', async () => {
    const result = await compare('csv', 'k,v\na,1\na,2\n', 'k,v\na,1\na,3\n', { keyFields: ['k'] })
    expect(result.notice).toContain('The key fields k do not identify rows (a key appears twice)')
    expect(counts(result)).toEqual({ added: 1, removed: 1, changed: undefined })
  })

  test('a previous file that is not CSV (here JSON with ragged commas) is compared by its bytes, with a notice', async () => {
    const result = await compare('csv', '[{"a": 1, "b": 2},\n{"a": 3}]', BEFORE)
    expect(result.rows).toBeUndefined()
    expect(result.changed).toBe(true)
    expect(result.notice).toMatch(
      /^The earlier export is not CSV whose rows can be compared \(.*\), so rows were not compared: the files were compared by their bytes\.$/
    )
  })

  test('over the row limit: a notice, and the files compared by their bytes', async () => {
    const nine = `a,b\n${Array.from({ length: 9 }, (_, i) => `${i},x\n`).join('')}`
    const result = await compare('csv', nine, nine, { rowLimit: 8 })
    expect(result.rows).toBeUndefined()
    expect(result.changed).toBe(false)
    expect(result.notice).toBe(
      'Too many rows to compare (the earlier export has over 8 rows), so rows were not compared: the files were compared by their bytes.'
    )
  })

  test('far over the row limit by its size and first rows: told at once, before any row is read', async () => {
    const result = await compare('csv', BEFORE, BEFORE, { rowLimit: 2 })
    expect(result.notice).toBe(
      'Too many rows to compare (the earlier export has about 5 rows; at most 2 are compared), so rows were not compared: the files were compared by their bytes.'
    )
  })
})

describe('JSON and JSON Lines: values compare by value, key order ignored', () => {
  const ROWS = [
    { id: 1, name: 'a', tags: ['x', 'y'], place: { lat: 1, lng: 2 } },
    { id: 2, name: 'b "quoted" \\ back', tags: [], place: null }
  ]
  const reordered = ROWS.map(({ id, name, tags, place }) => ({
    place: place && { lng: place.lng, lat: place.lat },
    tags,
    name,
    id
  }))

  test.each([
    ['json', JSON.stringify(ROWS, null, 2), JSON.stringify(reordered)],
    [
      'jsonl',
      ROWS.map(row => JSON.stringify(row)).join('\n'),
      reordered.map(row => JSON.stringify(row)).join('\r\n') + '\r\n\r\n'
    ]
  ] as const)('%s: the same values in another layout change nothing', async (format, before, after) => {
    const result = await compare(format, before, after)
    expect(result.changed).toBe(false)
    expect(counts(result)).toEqual({ added: 0, removed: 0, changed: undefined })
  })

  test.each(['json', 'jsonl'] as const)(
    '%s: with key fields, a changed nested value is a changed row',
    async format => {
      const after = [{ ...ROWS[0], place: { lat: 1, lng: 3 } }, ROWS[1], { id: 3, name: 'c' }]
      const text = (rows: object[]) =>
        format === 'json' ? JSON.stringify(rows) : rows.map(row => JSON.stringify(row)).join('\n')
      const result = await compare(format, text(ROWS), text(after), { keyFields: ['id'] })
      expect(counts(result)).toEqual({ added: 1, removed: 0, changed: 1 })
      expect(result.rows?.examples.changed).toEqual([
        { key: { id: 1 }, fields: [{ name: 'place', before: { lat: 1, lng: 2 }, after: { lat: 1, lng: 3 } }] }
      ])
    }
  )

  test.each([
    ['json', '{"not": "an array"}', 'The earlier export is not a JSON array'],
    ['json', '[{"a": 1}] trailing', 'The earlier export has more after its JSON array'],
    ['json', '[{"a": 1}, {"a": ', 'The earlier export does not end its JSON array'],
    ['jsonl', '{"a": 1}\nnot json\n', 'The earlier export has a line (2) that is not JSON']
  ] as const)('%s that cannot be read (%s): compared by bytes, with a notice', async (format, before, notice) => {
    const result = await compare(format, before, '[]')
    expect(result.rows).toBeUndefined()
    expect(result.notice).toContain(notice)
  })
})

test('formats without rows (xlsx, xml, …) are compared by their bytes, without a notice', async () => {
  const same = await compare('xlsx', Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))
  const other = await compare('xml', '<a/>', '<b/>')
  expect([same.changed, same.rows, same.notice]).toEqual([false, undefined, undefined])
  expect(other.changed).toBe(true)
})

test('a hundred thousand rows, keyed: the counts are exact (the table grows past its first size)', async () => {
  const header = 'id,value\n'
  const before = header + Array.from({ length: 100_000 }, (_, i) => `${i},${i % 7}\n`).join('')
  const after =
    header +
    Array.from({ length: 100_000 }, (_, i) => (i % 1000 === 1 ? '' : `${i},${i % 1000 === 2 ? 'x' : i % 7}\n`)).join(
      ''
    ) +
    Array.from({ length: 250 }, (_, i) => `new${i},1\n`).join('')
  const result = await compare('csv', before, after, { keyFields: ['id'] })
  expect(counts(result)).toEqual({ added: 250, removed: 100, changed: 100 })
  expect(result.rows?.examples.added).toHaveLength(10)
  expect(result.rows?.examples.removed).toHaveLength(10)
  expect(result.rows?.examples.changed).toHaveLength(10)
})
