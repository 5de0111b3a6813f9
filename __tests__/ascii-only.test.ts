// The build writes every bundle in ASCII (scripts/ascii-only.js): each other character becomes a \u
// escape that means the same, and the build stops where an escape would mean something else.
import { runInNewContext } from 'node:vm'
import { asciiOnly } from '../scripts/ascii-only.js'

/** What a piece of code computes: it sets `out`. */
const valueOf = (code: string): unknown => {
  const context: { out?: unknown } = {}
  runInNewContext(code, context)
  return context.out
}

test('strings, templates, regular expressions, names and comments mean what they meant', () => {
  const code = [
    "const cut = 'abc' + '…' // cut → shorter",
    'const café = `${cut} – ${1 + 1}`',
    '/* ¹²³ in a comment */',
    "out = [cut, café, /^com[1-9¹²³]$/.test('com²'), /[.!?…]$/.test('so…'), 'é'.length]"
  ].join('\n')
  const escaped = asciiOnly(code, 'sample.js')
  expect(escaped).toMatch(/^[\x00-\x7f]*$/)
  expect(escaped).toContain("'\\u2026'")
  expect(valueOf(escaped)).toEqual(valueOf(code))
  expect(valueOf(escaped)).toEqual(['abc…', 'abc… – 2', true, true, 1])
})

test('code that is ASCII already is left as it is', () => {
  const code = "out = 'plain' // nothing to escape\n"
  expect(asciiOnly(code, 'plain.js')).toBe(code)
})

test.each([
  ['in a tagged template, whose raw text would change', 'out = String.raw`a…b`', 'is in a tagged template'],
  ['after a backslash, an identity escape', "out = '\\…'", 'follows a backslash'],
  ['beyond U+FFFF, two escapes', "out = '😀'", 'is beyond U+FFFF'],
  ['a line separator, which ends a // comment', 'out = 1 // a\u2028b', 'is a line or paragraph separator']
])('the build stops for a character %s', (_, code, why) => {
  expect(() => asciiOnly(code, 'bundle.js')).toThrow(`bundle.js: a character beyond ASCII ${why}`)
})

test('a tagged template of ASCII and other characters elsewhere are escaped, not refused', () => {
  const code = "out = [String.raw`a\\nb`, 'é']"
  expect(valueOf(asciiOnly(code, 'bundle.js'))).toEqual(['a\\nb', 'é'])
})
