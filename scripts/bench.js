// `npm run bench`: the bundled action against an equivalent curl+jq script, side by side, on a
// loopback CoreClaw sandbox. Both make the same calls (run detail, export, download to a file).
// Runs alternate A B A B … after a warm-up, and the figures are medians: wall time of each, the
// median of the pairwise ratios, the action's peak RSS (from /usr/bin/time) and its throughput.
// For 1 KiB it also times bare `node -e 0`, to isolate the action's start-up cost. With --sha256sum
// it also runs, for information, the curl script followed by `sha256sum`: the check that the
// action's sha256 output gives.
//
//   npm run bench                       # 1 KiB, 64 MiB, 512 MiB
//   npm run bench -- --sizes 1K,64M --runs 3 --node /path/to/node24
//   npm run bench -- --components       # where the time goes, and @actions/tool-cache for comparison
//   npm run bench -- --sha256sum        # also curl+jq+sha256sum, as a third column
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { startSandbox } from '../sandbox/coreclaw.js'
import { prepareStep, ROOT, spawnCollect } from '../sandbox/runner.js'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1K,64M,512M' },
    runs: { type: 'string' },
    node: { type: 'string', default: process.execPath },
    components: { type: 'boolean', default: false },
    sha256sum: { type: 'boolean', default: false }
  }
})
const SIZES = values.sizes.split(',').map(parseSize)
const NODE = path.resolve(values.node)
const TIME = '/usr/bin/time'
for (const tool of ['curl', 'jq']) requireTool(tool)
if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (Debian package "time")`)

const MUST = { ratio: 1.5, rssMb: 100, growthMb: 10, startupMs: 80 }
const CURL_SCRIPT = `set -euo pipefail
auth="Authorization: Bearer $KEY"
status=$(curl -sS --fail-with-body -H "$auth" "$BASE/api/v2/worker-runs/$RUN" | jq -er '.data.status')
[ "$status" = succeeded ] || { echo "run is $status" >&2; exit 1; }
url=$(curl -sS --fail-with-body -H "$auth" "$BASE/api/v2/worker-runs/$RUN/result/export?format=csv" | jq -er 'select(.code == 0) | .data.download_url')
curl -sS --fail -o "$OUT" "$url"`
// For information: the same, plus the check the action's sha256 output gives for free.
const CURL_SHA_SCRIPT = `${CURL_SCRIPT}
sha256sum "$OUT" > /dev/null`

if (values.components) SIZES.splice(0, SIZES.length, 512 * 2 ** 20)
const sandbox = await startSandbox({
  runs: SIZES.map(size => ({ slug: `BENCH${size}`, size, results: Math.round(size / 88) }))
})
const work = mkdtempSync(path.join(tmpdir(), 'coreclaw-bench-'))
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, Linux ${execFileSync('uname', ['-r']).toString().trim()}`
const nodeVersion = execFileSync(NODE, ['--version']).toString().trim()
console.log(`machine: ${machine}`)
console.log(
  `action runtime: node ${nodeVersion}; curl ${execFileSync('curl', ['--version']).toString().split(' ')[1]}; jq ${execFileSync('jq', ['--version']).toString().trim()}`
)

const rows = []
try {
  if (values.components) await components(SIZES[0])
  else for (const size of SIZES) rows.push(await measure(size))
} finally {
  await sandbox.close()
  rmSync(work, { recursive: true, force: true })
}
if (!values.components) report(rows)

/**
 * The pieces of a download, each timed alone on the same export, to show where the action's time
 * goes and what the alternatives cost. Each is a whole process, like the action.
 */
async function components(size) {
  const runs = Number(values.runs ?? 5)
  const link = async () => {
    const response = await fetch(`${sandbox.apiUrl}/api/v2/worker-runs/BENCH${size}/result/export?format=csv`, {
      headers: { authorization: `Bearer ${sandbox.apiKey}` }
    })
    return (await response.json()).data.download_url
  }
  const receive = `require('node:http').get(process.argv[1], { agent: false }, r => r.resume())`
  const receiveWrite = `const fs = require('node:fs'); require('node:http').get(process.argv[1], { agent: false }, r => r.pipe(fs.createWriteStream(process.argv[2], { highWaterMark: 4 << 20 })))`
  const hash = `const h = require('node:crypto').createHash('sha256'); const c = Buffer.alloc(65536, 7); for (let i = 0; i < ${size / 65536}; i++) h.update(c); h.digest()`
  const toolCache = `import { downloadTool } from '@actions/tool-cache'; await downloadTool(process.argv[1], process.argv[2])`
  const piece = `${work}/piece`
  /** Each piece is one whole process under /usr/bin/time, for its wall time and peak RSS. */
  const measured = async (command, args, options) => {
    const result = await timed(TIME, ['-f', 'RSS_KB=%M', command, ...args], options)
    return { ...result, rssKb: Number(/RSS_KB=(\d+)/.exec(result.stderr)?.[1]) }
  }
  const pieces = {
    'curl -o /dev/null': async () => measured('curl', ['-sS', '--fail', '-o', '/dev/null', await link()]),
    'curl -o file': async () => measured('curl', ['-sS', '--fail', '-o', piece, await link()]),
    'node: receive only (http.get, discard)': async () => measured(NODE, ['-e', receive, await link()]),
    'node: receive + write, no hash (http.get → 4 MiB write stream)': async () =>
      measured(NODE, ['-e', receiveWrite, await link(), piece]),
    'node: sha256 of the same bytes in memory': () => measured(NODE, ['-e', hash]),
    '@actions/tool-cache downloadTool (no hash)': async () =>
      measured(NODE, ['--input-type=module', '-e', toolCache, await link(), piece], {
        cwd: ROOT,
        env: { ...process.env, RUNNER_TEMP: work }
      }),
    'the action (bundle, whole run)': async () => ({ ...(await runActionOnce(`BENCH${size}`, size)), code: 0 })
  }
  const times = Object.fromEntries(Object.keys(pieces).map(name => [name, []]))
  const rss = Object.fromEntries(Object.keys(pieces).map(name => [name, []]))
  process.stdout.write(`\ncomponents, ${label(size)}: warm-up + ${runs} rounds `)
  for (let i = 0; i <= runs; i++) {
    for (const [name, run] of Object.entries(pieces)) {
      const result = await run()
      if (result.code !== 0) throw new Error(`${name} failed: ${result.stderr}`)
      rmSync(piece, { force: true })
      if (i > 0) times[name].push(result.ms)
      if (i > 0) rss[name].push(result.rssKb)
    }
    process.stdout.write('.')
  }
  console.log('\n\n| piece | median wall time | peak RSS (median) |\n|---|---|---|')
  for (const [name, list] of Object.entries(times)) {
    console.log(`| ${name} | ${ms(median(list))} | ${(median(rss[name]) / 1024).toFixed(1)} MB |`)
  }
}

async function measure(size) {
  const runs = Number(values.runs ?? (size >= 256 * 2 ** 20 ? 9 : size >= 2 ** 20 ? 11 : 21))
  const slug = `BENCH${size}`
  const action = []
  const curl = []
  const curlSha = []
  const bare = []
  const load = []
  process.stdout.write(`\n${label(size)}: warm-up + ${runs} alternating runs `)
  for (let i = 0; i <= runs; i++) {
    const a = await runActionOnce(slug, size)
    const c = await runCurlOnce(slug, size, CURL_SCRIPT)
    const h = values.sha256sum ? await runCurlOnce(slug, size, CURL_SHA_SCRIPT) : undefined
    const n = size < 2 ** 20 ? await timed(NODE, ['-e', '0']) : undefined
    const l = size < 2 ** 20 ? await bundleLoadOnce() : undefined
    process.stdout.write('.')
    if (i === 0) continue // warm-up: page cache, sandbox buffers, the bundle's first load
    action.push(a)
    curl.push(c)
    if (h) curlSha.push(h)
    if (n) bare.push(n.ms)
    if (l) load.push(l.ms)
  }
  const ratios = action.map((a, i) => a.ms / curl[i].ms)
  return {
    size,
    runs,
    actionMs: median(action.map(a => a.ms)),
    curlMs: median(curl.map(c => c.ms)),
    ratio: median(ratios),
    curlShaMs: curlSha.length ? median(curlSha.map(c => c.ms)) : undefined,
    ratioSha: curlSha.length ? median(action.map((a, i) => a.ms / curlSha[i].ms)) : undefined,
    rssMb: Math.max(...action.map(a => a.rssKb)) / 1024,
    rssMedianMb: median(action.map(a => a.rssKb)) / 1024,
    startupMs: bare.length ? median(action.map(a => a.ms)) - median(bare) : undefined,
    loadMs: load.length ? median(load) - median(bare) : undefined,
    bareMs: bare.length ? median(bare) : undefined
  }
}

async function runActionOnce(slug, size) {
  const step = prepareStep({
    inputs: { 'run-id': slug, 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, path: `${work}/action.csv` }
  })
  const result = await timed(TIME, ['-f', 'RSS_KB=%M', NODE, path.join(ROOT, 'dist/index.js')], {
    cwd: step.workspace,
    env: step.env
  })
  const outputs = step.outputs()
  if (result.code !== 0 || Number(outputs.size) !== size)
    throw new Error(`action failed: ${result.stdout}${result.stderr}`)
  rmSync(outputs.path)
  rmSync(step.workspace, { recursive: true, force: true })
  return { ms: result.ms, rssKb: Number(/RSS_KB=(\d+)/.exec(result.stderr)?.[1]) }
}

/** The bundle with no inputs: it loads, fails validation and exits, with no network at all. */
async function bundleLoadOnce() {
  const step = prepareStep({ inputs: {} })
  const result = await timed(NODE, [path.join(ROOT, 'dist/index.js')], { cwd: step.workspace, env: step.env })
  rmSync(step.workspace, { recursive: true, force: true })
  if (result.code !== 1 || !result.stdout.includes("Input 'api-key' is missing"))
    throw new Error(`unexpected: ${result.stdout}`)
  return result
}

async function runCurlOnce(slug, size, script) {
  const out = `${work}/curl.csv`
  const env = { PATH: process.env.PATH, KEY: sandbox.apiKey, BASE: sandbox.apiUrl, RUN: slug, OUT: out }
  const result = await timed('bash', ['-c', script], { env })
  const written = existsSync(out) ? Number(execFileSync('stat', ['-c', '%s', out]).toString()) : -1
  if (result.code !== 0 || written !== size) throw new Error(`curl script failed: ${result.stderr}`)
  rmSync(out)
  return { ms: result.ms }
}

async function timed(command, args, options = {}) {
  const started = process.hrtime.bigint()
  const result = await spawnCollect(command, args, options)
  return { ...result, ms: Number(process.hrtime.bigint() - started) / 1e6 }
}

function report(rows) {
  const sha = rows.some(r => r.curlShaMs !== undefined)
  console.log('\n')
  console.log(
    '| export | runs | action (median) | curl+jq (median) | ratio (median of pairs) | action peak RSS | action throughput |' +
      (sha ? ' curl+jq+sha256sum (median) | ratio to it |' : '')
  )
  console.log(`|---|---|---|---|---|---|---|${sha ? '---|---|' : ''}`)
  for (const r of rows) {
    const throughput = r.size >= 2 ** 20 ? `${(r.size / 2 ** 20 / (r.actionMs / 1000)).toFixed(0)} MiB/s` : '–'
    console.log(
      `| ${label(r.size)} | ${r.runs} | ${ms(r.actionMs)} | ${ms(r.curlMs)} | ${r.ratio.toFixed(2)} | ${r.rssMb.toFixed(1)} MB | ${throughput} |` +
        (sha ? ` ${ms(r.curlShaMs)} | ${r.ratioSha.toFixed(2)} |` : '')
    )
  }
  const checks = []
  const big = rows.find(r => r.size === 512 * 2 ** 20)
  const mid = rows.find(r => r.size === 64 * 2 ** 20)
  const small = rows.find(r => r.startupMs !== undefined)
  if (big)
    checks.push([`512 MiB wall-time ratio to curl+jq ≤ ${MUST.ratio}`, big.ratio.toFixed(2), big.ratio <= MUST.ratio])
  if (big) checks.push([`512 MiB peak RSS ≤ ${MUST.rssMb} MB`, `${big.rssMb.toFixed(1)} MB`, big.rssMb <= MUST.rssMb])
  if (big && mid) {
    const growth = big.rssMb - mid.rssMb
    checks.push([
      `RSS growth 64 MiB → 512 MiB within ${MUST.growthMb} MB`,
      `${growth.toFixed(1)} MB`,
      Math.abs(growth) <= MUST.growthMb
    ])
  }
  if (small) {
    checks.push([
      `1 KiB: action − bare \`node -e 0\` ≤ ${MUST.startupMs} ms`,
      `${ms(small.actionMs)} − ${ms(small.bareMs)} = ${ms(small.startupMs)}`,
      small.startupMs <= MUST.startupMs
    ])
    checks.push(['(for information) loading the bundle: no-input run − bare `node -e 0`', ms(small.loadMs), true])
  }
  console.log('\n| target ("must reach") | measured | met |\n|---|---|---|')
  for (const [what, got, ok] of checks) console.log(`| ${what} | ${got} | ${ok ? 'yes' : 'NO'} |`)
}

function parseSize(text) {
  const match = /^(\d+)([KMG]?)$/i.exec(text.trim())
  if (!match) throw new Error(`size ${text}: use e.g. 1K, 64M, 512M`)
  return Number(match[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[match[2].toUpperCase()]
}

function label(size) {
  return size >= 2 ** 20 ? `${size / 2 ** 20} MiB` : size >= 1024 ? `${size / 1024} KiB` : `${size} B`
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`
}

function requireTool(name) {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' })
  } catch {
    throw new Error(`${name} is needed for the side-by-side comparison`)
  }
}
