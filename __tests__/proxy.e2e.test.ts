// Self-hosted runners behind a proxy: the bundle honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY for
// the API and the download. The sandbox is reachable only as api.coreclaw.test and
// storage.coreclaw.test, names that only the proxy can map, so a request that skips the proxy fails.
import { readFileSync } from 'node:fs'
import { startSandbox } from '../sandbox/coreclaw.js'
import { startProxy } from '../sandbox/proxy.js'
import { runAction } from '../sandbox/runner.js'
import { errorLine, expectSecretsKept, RUN, type Sandbox } from './helpers.js'

const API = 'http://api.coreclaw.test'
const STORAGE = 'http://storage.coreclaw.test'
let sandbox: Sandbox
let proxy: Awaited<ReturnType<typeof startProxy>>

async function start(auth?: string) {
  sandbox = await startSandbox({ runs: [{ slug: RUN }], publicStorageUrl: STORAGE })
  proxy = await startProxy({
    hosts: { 'api.coreclaw.test': sandbox.apiAddress, 'storage.coreclaw.test': sandbox.storageAddress },
    auth
  })
}
afterEach(async () => {
  await proxy.close()
  await sandbox.close()
})

const exportVia = (env: Record<string, string>, inputs: Record<string, string> = {}) =>
  runAction({
    inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': API, 'max-attempts': '1', ...inputs },
    env
  })

test.each(['HTTP_PROXY', 'http_proxy'])('%s carries the API calls and the download', async variable => {
  await start()
  const result = await exportVia({ [variable]: proxy.url })
  expect(result.code).toBe(0)
  expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  expect(proxy.connects.map(c => c.target)).toEqual([
    'api.coreclaw.test:80',
    'api.coreclaw.test:80',
    'storage.coreclaw.test:80'
  ])
  expectSecretsKept(result)
})

test.each(['bearer', 'header', 'query'])(
  'through the proxy, %s credentials reach the API and never the storage host',
  async method => {
    await start()
    const result = await exportVia({ HTTP_PROXY: proxy.url }, { 'auth-method': method })
    expect(result.code).toBe(0)
    const storage = sandbox.requests.filter(r => r.server === 'storage')
    expect(storage).toHaveLength(1)
    expect(storage[0].headers.host).toBe('storage.coreclaw.test')
    expect(JSON.stringify(storage)).not.toContain(sandbox.apiKey)
    const api = sandbox.requests.filter(r => r.server === 'api')
    expect(api.every(r => JSON.stringify(r).includes(sandbox.apiKey))).toBe(true)
  }
)

test('a proxy that needs credentials gets them from the proxy URL', async () => {
  await start('runner:s3cret')
  const result = await exportVia({ HTTP_PROXY: proxy.url })
  expect(result.code).toBe(0)
  expect(proxy.connects.every(c => c.authorized)).toBe(true)
})

test('NO_PROXY sends that host direct: here it cannot be resolved, so the export fails before any download', async () => {
  await start()
  const result = await exportVia({ HTTP_PROXY: proxy.url, NO_PROXY: '.coreclaw.test' })
  expect(result.code).toBe(1)
  expect(proxy.connects).toEqual([])
  expect(errorLine(result)).toMatch(/run detail request failed: (ENOTFOUND|EAI_AGAIN|EAI_FAIL)/)
})

test('NO_PROXY for the storage host only: the API goes through the proxy, the download does not', async () => {
  await start()
  const result = await exportVia({ HTTP_PROXY: proxy.url, NO_PROXY: 'storage.coreclaw.test' })
  expect(result.code).toBe(1)
  expect(proxy.connects.map(c => c.target)).toEqual(['api.coreclaw.test:80', 'api.coreclaw.test:80'])
  expect(errorLine(result)).toMatch(/download failed: (ENOTFOUND|EAI_AGAIN|EAI_FAIL)/)
})

test('without a proxy the test host names do not resolve at all', async () => {
  await start()
  const result = await exportVia({})
  expect(result.code).toBe(1)
  expect(sandbox.requests).toEqual([])
})
