// `npm run demo`: the real bundled action, end to end, against the CoreClaw sandbox on loopback.
// It starts the sandbox, runs dist/index.js exactly as the runner would with `run-id: new`: the
// action checks the input against the worker's schema, starts a run, shows its log while it
// runs, exports it and writes the summary. The demo prints the outputs and the first lines of the
// file, and cleans up. Nothing in the repository is touched.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { removeTempDirs, startAction } from '../sandbox/runner.js'

const sandbox = await startSandbox({ runDurationMs: 4000 })
console.log(`CoreClaw sandbox: API ${sandbox.apiUrl}, storage ${sandbox.storageUrl}\n`)

const step = {
  'run-id': 'new',
  'worker-id': DEMO_WORKER.id,
  input:
    '{\n  "parameters": {\n    "custom": { "keywords": ["coffee"], "base_location": "New York,USA", "max_results": 3 }\n  }\n}',
  'api-key': sandbox.apiKey,
  format: 'csv',
  'filter-keys': 'title, address',
  'base-url': sandbox.apiUrl,
  path: 'exports/'
}
console.log('with:')
for (const [name, value] of Object.entries(step)) {
  const shown = name === 'api-key' ? '***' : value.includes('\n') ? `|\n    ${value.split('\n').join('\n    ')}` : value
  console.log(`  ${name}: ${shown}`)
}

console.log("\n--- the action's log, as it runs ---")
console.log('(the runner consumes the ::add-mask:: line: it hides the key, and never shows the line itself)')
// Streamed as the action writes it: the run takes a few seconds, and its log is the point.
const { child, result: finished } = startAction({ inputs: step })
child.stdout?.on('data', chunk => process.stdout.write(chunk))
child.stderr?.on('data', chunk => process.stdout.write(chunk))
const result = await finished
await sandbox.close()
console.log(`--- exit code ${result.code} ---`)
console.log('--- outputs ---')
for (const [name, value] of Object.entries(result.outputs)) {
  console.log(`${name}: ${name === 'url' ? `${value.split('?')[0]}?… (signed, shortened here)` : value}`)
}
if (result.code === 0) {
  const lines = readFileSync(result.outputs.path, 'utf8').split('\n').slice(0, 5)
  console.log(`--- first lines of ${path.relative(result.workspace, result.outputs.path)} ---`)
  console.log(lines.join('\n'))
  console.log('--- job summary ---')
  console.log(result.summary)
}
// The workspace and the runner's files (output.txt holds the signed URL) go too.
removeTempDirs()
process.exitCode = result.code ?? 1
