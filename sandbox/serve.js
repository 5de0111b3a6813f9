// @ts-check
// The CoreClaw sandbox as a standalone server, for the self-test and proxy workflows and for trying
// the action or the CLI by hand, troubleshooting situations included. `node sandbox/serve.js --help`.
import { parseArgs } from 'node:util'
import { DEMO_TASK, DEMO_WORKER, startSandbox } from './coreclaw.js'
/** @typedef {Awaited<ReturnType<typeof startSandbox>>} Sandbox */

export const DEMO_RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'

/**
 * Runs it always serves, one per situation the README's troubleshooting describes, oldest first:
 * the newest, which `run-id: last` exports, is the demo run, which has finished (a workflow tried
 * against the sandbox with `last` exports at once, instead of waiting for a run that never ends).
 */
const RUNS = [
  { slug: '01KKRUNNINGRUN000000000000', status: 'running', says: 'running, never finishes (for wait-timeout)' },
  { slug: '01KKFAILEDRUN0000000000000', status: 'failed', errMsg: 'proxy pool exhausted', says: 'failed' },
  { slug: '01KKEMPTYRUN00000000000000', rows: [], results: 0, says: 'succeeded with 0 results (for if-empty)' },
  { slug: '01KKBIGEXPORT0000000000000', size: 256 * 1024 * 1024, says: 'succeeded, a 256 MiB CSV export' },
  {
    slug: DEMO_RUN,
    worker: DEMO_WORKER.id,
    says: `succeeded, 3 rows, of worker ${DEMO_WORKER.id}: the newest, so "last" and "last-succeeded" export it`
  }
]

/**
 * Situations to try: a setting of the sandbox, or the first request(s) of a route going wrong.
 * @type {Record<string, { says: string, options?: Parameters<typeof startSandbox>[0], faults?: (s: Sandbox) => void }>}
 */
const SCENARIOS = {
  slow: { says: 'the storage host sends 1 MiB/s', options: { storageBytesPerSecond: 1024 * 1024 } },
  'expired-link': {
    says: 'the first download link is refused as expired (a fresh export follows)',
    faults: s => s.fail('download', { expire: true })
  },
  'rate-limited': {
    says: 'the first 3 run-detail answers are HTTP 429 / 13000',
    faults: s => s.fail('run', ...repeat(3, { status: 429, code: 13000, message: 'rate limited' }))
  },
  'start-busy': {
    says: "the first 2 starts are refused: the plan's concurrency limit (30003)",
    faults: s => s.fail('start', ...repeat(2, { status: 400, code: 30003, message: 'concurrency limit reached' }))
  },
  'start-lost': {
    says: 'the first start creates the run, then answers a 502 gateway page',
    faults: s => s.fail('start', { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', startsRun: true })
  },
  'start-reset': {
    says: 'the first start creates the run, then resets the connection',
    faults: s => s.fail('start', { reset: true, startsRun: true })
  }
}

/** @param {number} times @param {import('./coreclaw.js').Fault} fault */
function repeat(times, fault) {
  return Array.from({ length: times }, () => ({ ...fault }))
}

const HELP = `Usage: node sandbox/serve.js [options]

A CoreClaw API v2 sandbox on loopback: run details, exports, signed storage links, starts of
workers and tasks, run logs, input schemas and aborts. Point the action's base-url (or the
CLI's --base-url) at it, with the API key it prints.

Options:
  --port <n>                 API port (default: 8787; 0 picks a free one)
  --storage-port <n>         storage port (default: 8788)
  --host <address>           where both servers listen (default: 127.0.0.1; 0.0.0.0 for a container)
  --storage-tls              storage speaks HTTPS with the test-only certificate in sandbox/tls
  --public-api-url <url>     the API's name in links, for a proxy to resolve
  --public-storage-url <url> the storage's name in links
  --run-duration <s>         how long a started run takes, ready → running → succeeded (default: 10)
  --scenario <name>          a situation to try (repeatable):
${Object.entries(SCENARIOS)
  .map(([name, { says }]) => `                               ${name.padEnd(13)}${says}`)
  .join('\n')}
  -h, --help                 show this help

Faults of a scenario hit the first requests only; restart the sandbox to try again.`

let values
try {
  values = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'storage-port': { type: 'string', default: '8788' },
      host: { type: 'string' },
      'storage-tls': { type: 'boolean', default: false },
      'public-api-url': { type: 'string' },
      'public-storage-url': { type: 'string' },
      'run-duration': { type: 'string', default: '10' },
      scenario: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' }
    }
  }).values
} catch (error) {
  process.stderr.write(
    `error: ${String(error instanceof Error ? error.message : error).split('\n')[0]}\nRun with --help for the options.\n`
  )
  process.exit(2)
}
if (values.help) {
  console.log(HELP)
  process.exit(0)
}
const unknown = values.scenario.filter(name => !(name in SCENARIOS))
const duration = Number(values['run-duration'])
if (unknown.length || !(duration > 0)) {
  const problem = unknown.length
    ? `unknown scenario ${unknown.join(', ')}; one of: ${Object.keys(SCENARIOS).join(', ')}`
    : '--run-duration takes a number of seconds'
  process.stderr.write(`error: ${problem}\nRun with --help for the options.\n`)
  process.exit(2)
}

const scenarios = values.scenario.map(name => SCENARIOS[name])
const sandbox = await startSandbox({
  port: Number(values.port),
  storagePort: Number(values['storage-port']),
  host: values.host,
  storageHost: values.host,
  storageTls: values['storage-tls'],
  publicApiUrl: values['public-api-url'],
  publicStorageUrl: values['public-storage-url'],
  runDurationMs: duration * 1000,
  runs: RUNS.map(({ says: _, ...run }) => run),
  ...Object.assign({}, ...scenarios.map(scenario => scenario.options))
}).catch(error => {
  // A port that is taken is the usual reason: say which one, and the option that changes it.
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error
  const option = String(error.port) === values['storage-port'] ? '--storage-port' : '--port'
  const why = error.code === 'EADDRINUSE' ? 'is in use' : 'may not be used by this user'
  process.stderr.write(
    `error: port ${error.port} on ${error.address} ${why}: choose another with ${option} <n> (0 picks a free one).\n`
  )
  process.exit(1)
})
for (const scenario of scenarios) scenario.faults?.(sandbox)

// Listening first, then saying so: whoever reads "Ctrl-C to stop" may press it at once.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => sandbox.close().then(() => process.exit(0)))
console.log(`CoreClaw sandbox
  API (base-url)   ${sandbox.apiUrl}
  storage          ${sandbox.storageUrl}
  API key          ${sandbox.apiKey}   (a test key, not a secret)
  runs             ${RUNS.map(run => `${run.slug}  ${run.says}`).join('\n                   ')}
                   (oldest first; a run started here becomes the newest)
  to start         worker ${DEMO_WORKER.id} (run-id: new, worker-id), task ${DEMO_TASK} (task-id); runs take ${duration} s
  scenarios        ${values.scenario.join(', ') || 'none'}
Ctrl-C to stop.`)
