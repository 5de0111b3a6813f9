// The build's second rewrite of ncc's output (scripts/build.js): every bundle in ASCII. Apart from
// the build so that its rules can be tested (__tests__/ascii-only.test.ts).
import { parse } from 'acorn'

/**
 * Every bundle is written in ASCII, each other character as a `\uXXXX` escape, as esbuild does by default.
 * Node decodes a module's UTF-8 source on a fast path when it is all ASCII; one `…` anywhere sends the
 * whole file down the slow path. dist/index.js had 58 such characters, in messages and comments, and
 * decoding it took 3.8 ms on Node 24 and 2.7 ms on Node 20, against 1.3 and 1.4 ms for the same file in
 * ASCII (a first `TextDecoder` call in a new process, on a 2-core machine where bare `node -e 0` took
 * 65–90 ms).
 *
 * The escape means the same character in a string, a template, a regular expression and a comment. It
 * would not in a tagged template's raw text (`String.raw`), after a backslash (an identity escape), for a
 * character beyond U+FFFF (two escapes, which a name or a regular expression without `u` reads as two
 * characters), or for U+2028 and U+2029 (which end a `//` comment): the build stops there instead.
 */
export function asciiOnly(code, name) {
  const beyondAscii = /[^\x00-\x7f]/
  if (!beyondAscii.test(code)) return code
  const refuse = why => {
    throw new Error(`${name}: a character beyond ASCII ${why}, where its \\u escape would not mean the same`)
  }
  if (/\\[^\x00-\x7f]/.test(code)) refuse('follows a backslash')
  if (/[\ud800-\udfff]/.test(code)) refuse('is beyond U+FFFF')
  if (/[\u2028\u2029]/.test(code)) refuse('is a line or paragraph separator, which ends a // comment')
  const tagged = []
  const walk = node => {
    if (node.type === 'TaggedTemplateExpression') tagged.push(code.slice(node.quasi.start, node.quasi.end))
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) if (typeof child?.type === 'string') walk(child)
    }
  }
  walk(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }))
  if (tagged.some(text => beyondAscii.test(text))) refuse('is in a tagged template')
  return code.replace(/[^\x00-\x7f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
