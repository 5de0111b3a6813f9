// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with ncc, as ESM.
// One script rather than shell commands, so that `npm run build` works on every OS.
// A dynamic import() becomes a chunk of its own (N.index.js): ajv, which only a step that starts
// a run loads, stays off the export's start-up path that way.
import ncc from '@vercel/ncc'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = `${root}dist/`
const entries = { 'index.js': 'src/index.ts', 'cli.js': 'src/cli.ts' }

await rm(dist, { recursive: true, force: true })
await mkdir(dist, { recursive: true })
for (const [output, input] of Object.entries(entries)) {
  const { code, assets } = await ncc(`${root}${input}`, { cache: false, quiet: true, license: 'licenses.txt' })
  await writeFile(`${dist}${output}`, code)
  // The licence texts of bundled packages; identical for both bundles.
  if (assets['licenses.txt']) await writeFile(`${dist}licenses.txt`, assets['licenses.txt'].source)
  for (const [name, asset] of Object.entries(assets)) {
    if (name === 'licenses.txt' || name === 'package.json') continue
    if (!/^\d+\.index\.js$/.test(name)) throw new Error(`unexpected asset ${name} from ${input}`)
    // Both bundles may split the same module into a chunk of the same name: it must be the same file.
    const existing = await readFile(`${dist}${name}`, 'utf8').catch(() => undefined)
    if (existing !== undefined && existing !== String(asset.source))
      throw new Error(`two different chunks named ${name}`)
    await writeFile(`${dist}${name}`, asset.source)
  }
}
// The bundles are ES modules; this tells Node so wherever dist/ is run from.
await writeFile(`${dist}package.json`, '{ "type": "module" }\n')
console.log(
  `built ${Object.keys(entries)
    .map(name => `dist/${name}`)
    .join(', ')}`
)
