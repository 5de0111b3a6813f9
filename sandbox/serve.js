// The CoreClaw sandbox as a standalone server, for the self-test workflow and for trying the
// action or the CLI by hand:
//
//   node sandbox/serve.js [--port 8787] [--storage-port 8788]
//   CORECLAW_API_KEY=cc_sandbox_key_7f3a9d node dist/cli.js --run-id 01KKDXV2G26BT7NH4ZQR2R4NPZ --base-url http://127.0.0.1:8787
//
// It serves one succeeded run with sample rows, and runs until it is stopped.
import { parseArgs } from 'node:util'
import { startSandbox } from './coreclaw.js'

export const DEMO_RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8787' }, 'storage-port': { type: 'string', default: '8788' } }
})
const sandbox = await startSandbox({
  port: Number(values.port),
  storagePort: Number(values['storage-port']),
  runs: [{ slug: DEMO_RUN, worker: 'coreclaw/google-maps-scraper' }]
})
console.log(
  JSON.stringify({ apiUrl: sandbox.apiUrl, storageUrl: sandbox.storageUrl, apiKey: sandbox.apiKey, run: DEMO_RUN })
)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => sandbox.close().then(() => process.exit(0)))
