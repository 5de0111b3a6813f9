// The CoreClaw sandbox as a standalone server, for the self-test and proxy workflows and for
// trying the action or the CLI by hand:
//
//   node sandbox/serve.js [--port 8787] [--storage-port 8788] [--host 127.0.0.1] [--storage-tls]
//                         [--public-api-url URL] [--public-storage-url URL]
//   CORECLAW_API_KEY=cc_sandbox_key_7f3a9d node dist/cli.js --run-id 01KKDXV2G26BT7NH4ZQR2R4NPZ \
//     --base-url http://127.0.0.1:8787
//
// --host sets where both servers listen (0.0.0.0 lets a proxy container reach them); --public-*-url
// are the names the links use, for a proxy to resolve. It serves one succeeded run with sample
// rows, and runs until it is stopped.
import { parseArgs } from 'node:util'
import { startSandbox } from './coreclaw.js'

export const DEMO_RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'storage-port': { type: 'string', default: '8788' },
    host: { type: 'string' },
    'storage-tls': { type: 'boolean', default: false },
    'public-api-url': { type: 'string' },
    'public-storage-url': { type: 'string' }
  }
})
const sandbox = await startSandbox({
  port: Number(values.port),
  storagePort: Number(values['storage-port']),
  host: values.host,
  storageHost: values.host,
  storageTls: values['storage-tls'],
  publicApiUrl: values['public-api-url'],
  publicStorageUrl: values['public-storage-url'],
  runs: [{ slug: DEMO_RUN, worker: 'coreclaw/google-maps-scraper' }]
})
console.log(
  JSON.stringify({ apiUrl: sandbox.apiUrl, storageUrl: sandbox.storageUrl, apiKey: sandbox.apiKey, run: DEMO_RUN })
)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => sandbox.close().then(() => process.exit(0)))
