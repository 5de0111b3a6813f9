// The rows of an export file, as the comparison reads them: a JSON array split into its elements
// wherever the file's pieces happen to end.
import { JsonArraySplitter, UnreadableRowsError } from '../src/export-rows.js'

/** The elements of `text` when it arrives in the given pieces (as the file stream's latin1 strings). */
function elements(pieces: string[]): unknown[] {
  const splitter = new JsonArraySplitter()
  const found = pieces.flatMap(piece => splitter.push(Buffer.from(piece, 'utf8').toString('latin1')))
  expect(splitter.ended).toBe(true)
  return found.map(element => JSON.parse(Buffer.from(element, 'latin1').toString('utf8')))
}

const ROWS = [
  { name: 'a "quoted" name, with a comma', path: 'C:\\dir\\', nested: [[1, { x: ']' }], {}], emoji: 'café 🌮' },
  'a plain string with \\" and \\\\',
  12.5,
  null,
  [],
  { '': '' }
]
const TEXT = `\uFEFF [\n${ROWS.map(row => `  ${JSON.stringify(row)}`).join(',\n')}\n]\n`

test('a JSON array is split into its elements, whichever byte a piece ends at', () => {
  const bytes = Buffer.from(TEXT, 'utf8')
  for (let cut = 0; cut <= bytes.length; cut++) {
    const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)].map(piece => piece.toString('latin1'))
    const splitter = new JsonArraySplitter()
    const found = pieces.flatMap(piece => splitter.push(piece))
    expect({
      cut,
      elements: found.map(element => JSON.parse(Buffer.from(element, 'latin1').toString('utf8')))
    }).toEqual({
      cut,
      elements: ROWS
    })
  }
})

test('one byte at a time', () => {
  const bytes = Buffer.from(TEXT, 'utf8')
  const splitter = new JsonArraySplitter()
  const found = [...bytes].flatMap(byte => splitter.push(String.fromCharCode(byte)))
  expect(found.map(element => JSON.parse(Buffer.from(element, 'latin1').toString('utf8')))).toEqual(ROWS)
})

test.each([
  ['[]', []],
  ['  [ ]  ', []],
  ['[1]', [1]],
  ['[{"a":[1,2]},{"b":"}"}]', [{ a: [1, 2] }, { b: '}' }]]
])('%s', (text, expected) => {
  expect(elements([text])).toEqual(expected)
})

test.each(['{"a": 1}', '"text"', '[1] [2]', '[1], 2'])('%s is not one JSON array', text => {
  expect(() => elements([text])).toThrow(UnreadableRowsError)
})
