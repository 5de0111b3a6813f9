// Real object storage speaks HTTPS. Here the sandbox's storage does too, with a self-signed test
// certificate that the action trusts only when NODE_EXTRA_CA_CERTS names it, the way a runner
// behind a TLS-inspecting proxy is set up. Direct and through a CONNECT proxy.
import { readFileSync } from 'node:fs'
import { SANDBOX_CA, startSandbox } from '../sandbox/coreclaw.js'
import { startProxy } from '../sandbox/proxy.js'
import { errorLine, expectSecretsKept, filesIn, retryLines, RUN, sha256, stepAgainst, type Sandbox } from './helpers.js'

const BIG = 'BIG0000000000000000000000001'
const BIG_SIZE = 5 * 1024 * 1024 + 17
let sandbox: Sandbox
afterEach(() => sandbox.close())

const trusted = { NODE_EXTRA_CA_CERTS: SANDBOX_CA }

test('a download over HTTPS lands byte for byte, with its sha256, and no credentials sent', async () => {
  sandbox = await startSandbox({ runs: [{ slug: RUN }, { slug: BIG, size: BIG_SIZE }], storageTls: true })
  expect(sandbox.storageUrl).toMatch(/^https:/)
  const result = await stepAgainst(sandbox)({ 'run-id': BIG }, undefined, trusted)
  expect(result.code).toBe(0)
  const expected = sandbox.expectedBytes(BIG, 'csv')
  // Buffer.equals: jest's toEqual walks a 5 MiB buffer byte by byte, for seconds.
  expect(readFileSync(result.outputs.path).equals(expected)).toBe(true)
  expect(result.outputs.sha256).toBe(sha256(expected))
  expect(JSON.stringify(sandbox.requests.filter(r => r.server === 'storage'))).not.toContain(sandbox.apiKey)
  expectSecretsKept(result)
})

test('HTTPS storage through a CONNECT proxy: TLS runs inside the tunnel', async () => {
  sandbox = await startSandbox({
    runs: [{ slug: RUN }],
    storageTls: true,
    publicStorageUrl: 'https://storage.coreclaw.test'
  })
  const proxy = await startProxy({ hosts: { 'storage.coreclaw.test': sandbox.storageAddress } })
  try {
    const result = await stepAgainst(sandbox)({}, undefined, { ...trusted, HTTPS_PROXY: proxy.url })
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
    expect(proxy.connects.map(c => c.target)).toEqual(['storage.coreclaw.test:443'])
    expect(sandbox.seen('download')[0].headers.host).toBe('storage.coreclaw.test')
  } finally {
    await proxy.close()
  }
})

test('HTTPS through a proxy: a download cut half-way, or reset, is retried like any other', async () => {
  sandbox = await startSandbox({
    runs: [{ slug: BIG, size: BIG_SIZE, distinct: true }],
    storageTls: true,
    publicStorageUrl: 'https://storage.coreclaw.test'
  })
  const proxy = await startProxy({ hosts: { 'storage.coreclaw.test': sandbox.storageAddress } })
  try {
    sandbox.fail('download', { truncateAt: 3 * 1024 * 1024 }, { reset: true })
    const result = await stepAgainst(sandbox)({ 'run-id': BIG }, undefined, { ...trusted, HTTPS_PROXY: proxy.url })
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path).equals(sandbox.expectedBytes(BIG, 'csv'))).toBe(true)
    expect(sandbox.seen('download')).toHaveLength(3)
    expect(filesIn(result.workspace)).toEqual([`${BIG}.csv`])
  } finally {
    await proxy.close()
  }
})

test('an untrusted certificate fails at once with what to do, and leaves no file', async () => {
  sandbox = await startSandbox({ runs: [{ slug: RUN }], storageTls: true })
  const result = await stepAgainst(sandbox)({ path: 'out/data.csv', 'max-attempts': '3' })
  expect(result.code).toBe(1)
  expect(errorLine(result)).toMatch(/download failed: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/)
  expect(errorLine(result)).toContain('set NODE_EXTRA_CA_CERTS to the path of')
  // Not retried: a certificate does not fix itself. (The handshake fails before any HTTP request,
  // so the storage log can't show retries; the action's retry lines do.)
  expect(retryLines(result)).toEqual([])
  expect(errorLine(result)).not.toContain('gave up after')
  expect(sandbox.seen('download')).toHaveLength(0)
  expect(sandbox.seen('export')).toHaveLength(1)
  expect(filesIn(result.workspace)).toEqual([])
})

test('a redirect from HTTPS storage to plain HTTP is refused, naming the target without its query', async () => {
  sandbox = await startSandbox({ runs: [{ slug: RUN }], storageTls: true })
  sandbox.fail('download', { redirect: 'http://127.0.0.1:9/plain.csv?q-signature=leaked' })
  const result = await stepAgainst(sandbox)({ 'max-attempts': '1' }, undefined, trusted)
  expect(result.code).toBe(1)
  expect(errorLine(result)).toContain(
    'download refused a redirect: ' +
      `${new URL(sandbox.storageUrl).host} redirected from https to plain http (http://127.0.0.1:9/plain.csv)`
  )
  expect(`${result.stdout}${result.summary}`).not.toContain('leaked')
  expect(filesIn(result.workspace)).toEqual([])
})
