// Bundles the action (dist/index.js), the CLI (dist/cli.js) and the schema check's worker thread
// (dist/schema-worker.js) with ncc, as ESM.
// One script rather than shell commands, so that `npm run build` works on every OS. With
// --if-stale it builds only when dist/sources.sha256 says dist/ came from other sources.
import ncc from '@vercel/ncc'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { asciiOnly } from './ascii-only.js'
import { SOURCES_HASH_FILE, sourcesHash } from './sources-hash.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = `${root}dist/`
// The schema check's worker thread is a bundle of its own: it holds ajv, which only a step that
// starts a run with an input loads (worker-schema.ts).
const entries = {
  'index.js': 'src/index.ts',
  'cli.js': 'src/cli.ts',
  'schema-worker.js': 'src/schema-worker.ts',
  'compare-worker.js': 'src/compare-worker.ts'
}
/** Every npm package that ended up in a bundle or a chunk, for dist/licenses.txt. */
const bundled = new Set()

// `--if-stale` (npm test's pretest): nothing to do when dist/ was built from these very sources.
if (process.argv.includes('--if-stale') && isCurrent()) {
  console.log('dist/ is built from these sources (dist/sources.sha256): not rebuilt')
  process.exit(0)
}

await rm(dist, { recursive: true, force: true })
await mkdir(dist, { recursive: true })
for (const [output, input] of Object.entries(entries)) {
  const { code, assets, stats } = await ncc(`${root}${input}`, { cache: false, quiet: true })
  // A warning is a name that will be undefined at run time (an import the stub lacks, say): fail now.
  const warnings = stats.toJson({ all: false, warnings: true }).warnings ?? []
  if (warnings.length > 0) {
    throw new Error(`ncc warned while bundling ${input}:\n${warnings.map(w => w.message ?? String(w)).join('\n')}`)
  }
  await writeFile(`${dist}${output}`, asciiOnly(eagerModules(code, output), output))
  for (const { name } of stats.toJson({ modules: true }).modules ?? []) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(name ?? '')?.[1]
    if (pkg) bundled.add(pkg)
  }
  for (const [name, asset] of Object.entries(assets)) {
    if (name === 'package.json') continue
    if (!/^\d+\.index\.js$/.test(name)) throw new Error(`unexpected asset ${name} from ${input}`)
    // Both bundles may split the same module into a chunk of the same name: it must be the same file.
    const chunk = asciiOnly(eagerModules(String(asset.source), name), name)
    const existing = await readFile(`${dist}${name}`, 'utf8').catch(() => undefined)
    if (existing !== undefined && existing !== chunk) throw new Error(`two different chunks named ${name}`)
    await writeFile(`${dist}${name}`, chunk)
  }
}
// ncc's own `license` option writes one licenses.txt per chunk, each over the last, so a bundle
// with a chunk would list only the chunk's packages. The list is made here instead, from what
// webpack bundled: each package's name, its licence id, and its licence text.
await writeFile(`${dist}licenses.txt`, (await Promise.all([...bundled].sort().map(licenceOf))).join('\n\n') + '\n')
// What the bundles were built from, for the tests to check (scripts/sources-hash.js).
await writeFile(SOURCES_HASH_FILE, `${sourcesHash()}\n`)
// The bundles are ES modules; this tells Node so wherever dist/ is run from.
await writeFile(`${dist}package.json`, '{ "type": "module" }\n')
console.log(
  `built ${Object.keys(entries)
    .map(name => `dist/${name}`)
    .join(', ')}`
)

/**
 * webpack writes each ES module of a bundle as an arrow function, `((module, __webpack_exports__, …) => {`.
 * V8 compiles a function lazily, and Node 20's V8 parses such a function's source twice: when it compiles
 * the file, and again when the function is first called. Nearly all of the action is one such function
 * (webpack concatenates the ES modules), so every step on Node 20 parsed 300 KB twice: 6 ms of start-up.
 * A parenthesized `function` expression is compiled with the file instead (V8's PIFE heuristic).
 *
 * Only ES module factories are rewritten. webpack has already made their top-level `this` undefined, and
 * module code can't use `arguments` at its top level, so what changes is when V8 compiles them, nothing else.
 * CommonJS factories keep their arrows: their `this` would change. ncc has no option for this, and its
 * `target` can't go below ES2015 for an ES module bundle.
 */
function eagerModules(code, name) {
  const arrow = /^\/\*\*\*\/ \(\((\w+, \w*__webpack_exports__(?:, \w+)?)\) => \{$/gm
  const eager = code.replace(arrow, '/***/ (function ($1) {')
  // The action's own bundle is where it counts: if ncc's output no longer looks like this, say so.
  if (name === 'index.js' && eager === code) {
    throw new Error('dist/index.js: no ES module factory found to compile eagerly; has ncc changed its output?')
  }
  return eager
}

function isCurrent() {
  const built = existsSync(SOURCES_HASH_FILE) ? readFileSync(SOURCES_HASH_FILE, 'utf8').trim() : ''
  return built === sourcesHash() && Object.keys(entries).every(name => existsSync(`${dist}${name}`))
}

async function licenceOf(pkg) {
  const folder = `${root}node_modules/${pkg}/`
  const { license } = JSON.parse(await readFile(`${folder}package.json`, 'utf8'))
  const file = readdirSync(folder).find(name => /^licen[cs]e(\.(md|txt))?$/i.test(name))
  if (!file) throw new Error(`${pkg} has no licence file to ship with the bundle`)
  return `${pkg}\n${license}\n${(await readFile(`${folder}${file}`, 'utf8')).trim()}`
}
