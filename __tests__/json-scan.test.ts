// A JSON array split into its elements wherever the file's pieces happen to end: the one scanner
// behind the row counter, the comparison and the preview.
import { JsonArraySplitter } from '../src/json-scan.js'

/** The elements of `text` when it arrives in the given pieces (as the file stream's latin1 strings). */
function elements(pieces: string[]): unknown[] {
  const splitter = new JsonArraySplitter()
  const found = pieces.flatMap(piece => splitter.push(Buffer.from(piece, 'utf8').toString('latin1')))
  expect(splitter.scanner.ended).toBe(true)
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

test.each([
  ['{"a": 1}', 'invalid'],
  ['"text"', 'invalid'],
  ['[1] [2]', 'trailing'],
  ['[1], 2', 'trailing']
] as const)('%s is not one JSON array', (text, flag) => {
  const splitter = new JsonArraySplitter()
  splitter.push(text)
  expect(splitter.scanner[flag]).toBe(true)
})

test('an element longer than the limit is not kept, and says so', () => {
  const splitter = new JsonArraySplitter(10)
  const pieces = ['[1, "0123456', '789abcdef", 2]']
  expect(pieces.flatMap(piece => splitter.push(piece))).toEqual(['1', '2'])
  expect(splitter.tooLong).toBe(true)
})
