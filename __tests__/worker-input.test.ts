// Where a worker's input breaks as JSON: said by line and column of the first character that breaks
// JSON's grammar, on every runtime, whatever V8's message says (it names no position for some errors).
import { firstJsonError, whereItBreaks } from '../src/worker-input.js'

test.each([
  '{}',
  '[]',
  '{"a":1}',
  '[1,[2,{"b":[true,false,null,"x\\n\\u00e9"]}]]',
  ' {"a" : {"b":-1.5e3}} ',
  '"s"',
  '0'
])('JSON %s has no error: the scan reaches its end', text => expect(firstJsonError(text)).toBe(text.length))

test.each([
  ['a stray ] after a comma', '["coffee",], }', '["coffee",'.length],
  ['a trailing comma in an object', '{"a":1,}', '{"a":1,'.length],
  ['a missing colon', '{"a" 1}', '{"a" '.length],
  ['a missing comma', '[1 2]', '[1 '.length],
  ['the wrong bracket', '{"a":[1,2}', '{"a":[1,2'.length],
  ['text after the value', '{"a":1} x', '{"a":1} '.length],
  ['a single quote', "{'a':1}", 1],
  ['a control character in a string', '["a\tb"]', 1],
  ['an end too early', '{"a":', 5]
])('%s: the offset of the first character that breaks it', (_, text, offset) => {
  expect(firstJsonError(text)).toBe(offset)
})

test('deep nesting is scanned without recursion: no stack overflow', () => {
  expect(firstJsonError('['.repeat(200_000))).toBe(200_000)
})

test('line and column count from 1, across lines', () => {
  expect(whereItBreaks('{\n  "custom": { "keywords": ["coffee",], }\n}')).toEqual({ line: 2, column: 37 })
})
