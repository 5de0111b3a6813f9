// A test run refuses a bundle built from other sources (__tests__/global-setup.js compares
// dist/sources.sha256 with this hash). What the hash must notice, and what it must not.
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { makeTempDir, ROOT } from '../sandbox/runner.js'
import { sourcesHash } from '../scripts/sources-hash.js'

/** What the hash reads, as the project holds it. */
const SOURCES = ['src', 'stubs', 'package.json', 'package-lock.json', 'scripts/build.js', 'scripts/ascii-only.js']

function copyOfSources(): string {
  const copy = makeTempDir('coreclaw-sources-')
  for (const name of SOURCES) {
    cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true })
  }
  return copy
}

const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')))

test.each([
  ['a source file', 'src/file-checks.ts'],
  ['the stand-in for undici', 'stubs/undici/package.json'],
  ['package.json (the bundle inlines its version)', 'package.json'],
  ['the locked dependencies', 'package-lock.json'],
  ['the build, which rewrites what ncc writes', 'scripts/build.js'],
  ['the rewrite of every bundle into ASCII', 'scripts/ascii-only.js']
])('a change to %s changes it', (_, file) => {
  const copy = copyOfSources()
  expect(sourcesHash(copy)).toBe(sourcesHash())
  edit(path.join(copy, file), text => text.replace('e', 'E'))
  expect(sourcesHash(copy)).not.toBe(sourcesHash())
})

test('line endings do not: a Windows checkout (CRLF) hashes the same', () => {
  const copy = copyOfSources()
  edit(path.join(copy, 'src/main.ts'), text => text.replace(/\n/g, '\r\n'))
  expect(sourcesHash(copy)).toBe(sourcesHash())
})
