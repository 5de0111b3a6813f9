// The hash of everything a bundle in dist/ is built from: src/, stubs/, package.json (the bundle
// inlines its version), the exact dependencies (package-lock.json), and scripts/build.js and
// scripts/ascii-only.js (which rewrite ncc's output), line endings made LF so that a Windows
// checkout hashes the same. The build writes it to dist/sources.sha256; the tests' global setup
// recomputes it, so that no test runs a bundle built from other sources than these.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SOURCES_HASH_FILE = path.join(ROOT, 'dist', 'sources.sha256')

/** @param {string} [root] the project folder (a copy, in the test) */
export function sourcesHash(root = ROOT) {
  const files = ['src', 'stubs']
    .flatMap(dir =>
      readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile())
        .map(entry => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    )
    .concat('package.json', 'package-lock.json', 'scripts/build.js', 'scripts/ascii-only.js')
    .sort()
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(`${file}\0`)
    hash.update(readFileSync(path.join(root, file), 'utf8').replace(/\r\n/g, '\n'))
    hash.update('\0')
  }
  return hash.digest('hex')
}
