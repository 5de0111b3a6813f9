// `npm run demo`: the real bundled action, end to end, against the CoreClaw sandbox on loopback.
// It starts the sandbox, runs dist/index.js exactly as the runner would, prints the outputs and
// the first lines of the file, and cleans up. Nothing in the repository is touched.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { startSandbox } from '../sandbox/coreclaw.js'
import { removeTempDirs, runAction } from '../sandbox/runner.js'

const RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'
const sandbox = await startSandbox({ runs: [{ slug: RUN, statuses: ['running', 'succeeded'] }] })
console.log(`CoreClaw sandbox: API ${sandbox.apiUrl}, storage ${sandbox.storageUrl}\n`)

const step = {
  'run-id': RUN,
  'api-key': sandbox.apiKey,
  format: 'csv',
  'filter-keys': 'title, address',
  'base-url': sandbox.apiUrl,
  path: 'exports/'
}
console.log('with:')
for (const [name, value] of Object.entries(step)) console.log(`  ${name}: ${name === 'api-key' ? '***' : value}`)

const result = await runAction({ inputs: step })
await sandbox.close()
console.log(`\n--- the action's log (exit code ${result.code}) ---`)
process.stdout.write(result.stdout + result.stderr)
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
