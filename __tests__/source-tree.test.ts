// The source tree stays one a newcomer can read: modules import downward only (no cycle, not even
// a type-only one), and no module grows past 400 lines.
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT } from '../sandbox/runner.js'

const SRC = path.join(ROOT, 'src')
const sources = readdirSync(SRC).filter(name => name.endsWith('.ts'))
const text = (name: string) => readFileSync(path.join(SRC, name), 'utf8')

/** Each module's local imports, `import type` and `export … from` included. */
const imports = new Map(
  sources.map(name => [
    name,
    [...text(name).matchAll(/^(?:import|export)\b[^'"]*?\bfrom\s+'\.\/([^']+)\.js'/gms)].map(([, to]) => `${to}.ts`)
  ])
)

/** The first cycle found from each module, as a path of module names. */
function cycles(): string[] {
  const found = new Set<string>()
  const walk = (name: string, trail: string[]) => {
    const at = trail.indexOf(name)
    if (at >= 0) return void found.add([...trail.slice(at), name].join(' → '))
    for (const next of imports.get(name) ?? []) walk(next, [...trail, name])
  }
  for (const name of sources) walk(name, [])
  return [...found]
}

test('no import cycle, type-only imports included', () => {
  expect(cycles()).toEqual([])
})

test('the finder finds a cycle: a test that can fail', () => {
  imports.set('outcome.ts', [...(imports.get('outcome.ts') ?? []), 'export-run.ts'])
  try {
    expect(cycles().some(cycle => cycle.includes('export-run.ts → ') && cycle.includes('outcome.ts'))).toBe(true)
  } finally {
    imports.set('outcome.ts', (imports.get('outcome.ts') ?? []).slice(0, -1))
  }
})

test('no source file is over 400 lines', () => {
  const long = sources.filter(name => text(name).split('\n').length > 400)
  expect(long).toEqual([])
})

test("csv-parse is only in the comparison's thread, not in the bundle every step starts", () => {
  const dist = path.join(ROOT, 'dist')
  const bundle = (name: string) => readFileSync(path.join(dist, name), 'utf8')
  // CsvError is csv-parse's own class: where it is, csv-parse is.
  const withCsvParse = readdirSync(dist).filter(name => name.endsWith('.js') && bundle(name).includes('CsvError'))
  expect(withCsvParse).toEqual(['compare-worker.js'])
})

test('every ES module in dist/ is a parenthesized function, which V8 compiles with the file instead of parsing twice', () => {
  const dist = path.join(ROOT, 'dist')
  const bundles = readdirSync(dist).filter(name => name.endsWith('.js'))
  const factories = (pattern: RegExp) =>
    bundles.flatMap(name => [...readFileSync(path.join(dist, name), 'utf8').matchAll(pattern)].map(() => name))
  // webpack's factory of an ES module takes __webpack_exports__; scripts/build.js makes each a `function`.
  expect(factories(/^\/\*\*\*\/ \(\([^)]*__webpack_exports__[^)]*\) => \{$/gm)).toEqual([])
  expect(factories(/^\/\*\*\*\/ \(function \([^)]*__webpack_exports__[^)]*\) \{$/gm)).toContain('index.js')
})

test('every bundle in dist/ is ASCII, which Node decodes on its fast path (scripts/build.js escapes the rest)', () => {
  const dist = path.join(ROOT, 'dist')
  const beyondAscii = readdirSync(dist)
    .filter(name => name.endsWith('.js'))
    .flatMap(name => [...readFileSync(path.join(dist, name), 'utf8').matchAll(/[^\x00-\x7f]/g)].map(() => name))
  expect(beyondAscii).toEqual([])
  // The sources do use such characters, in messages the tests read back from the bundle (`… (N more characters)`).
  expect(sources.some(name => /[^\x00-\x7f]/.test(text(name)))).toBe(true)
})
