// The networks runners live in, end to end on the bundle: a real forward proxy (squid), as on a
// self-hosted runner behind a corporate proxy, with HTTPS storage tunnelled through it; a proxy
// that never answers; and IPv6. The proxy tests need squid (Debian's package): without it they
// are skipped, and the run's last lines say so; .ci/run installs it and requires them.
//
// The sandbox is addressed as api.coreclaw.test (HTTP) and storage.coreclaw.test (HTTPS, the
// sandbox's test certificate): names only squid resolves (sandbox/squid.js). @actions/http-client
// never proxies loopback names, and nothing else here knows these, so a request that skips the
// proxy fails instead of passing by accident.
import { readFileSync } from 'node:fs'
import * as net from 'node:net'
import { SANDBOX_CA, startSandbox } from '../sandbox/coreclaw.js'
import { runAction } from '../sandbox/runner.js'
import { freePort, startSquid } from '../sandbox/squid.js'
import { findTool, toolsRequired } from '../scripts/tools.js'
import { errorLine, expectSecretsKept, filesIn, retryLines, RUN, type Sandbox } from './helpers.js'

/** Skipped where squid is missing (a laptop with nothing but Node); required by .ci/run. */
const describeWithSquid = findTool('squid') || toolsRequired() ? describe : describe.skip

const BIG = 'BIG0000000000000000000000001'
const PROXY_USER = 'runner'
const PROXY_PASSWORD = 's3cret-proxy-pass'

describeWithSquid('through squid', () => {
  let sandbox: Sandbox
  let api: string
  let storage: string
  let open: Awaited<ReturnType<typeof startSquid>>
  let guarded: Awaited<ReturnType<typeof startSquid>>
  /** How many requests the sandbox and each squid had seen before the test. */
  let before: { sandbox: number; open: number; guarded: number }

  beforeAll(async () => {
    const [apiPort, storagePort] = [await freePort(), await freePort()]
    api = `api.coreclaw.test:${apiPort}`
    storage = `storage.coreclaw.test:${storagePort}`
    sandbox = await startSandbox({
      runs: [{ slug: RUN }, { slug: BIG, size: 5 * 1024 * 1024 + 17, distinct: true }],
      port: apiPort,
      storagePort,
      storageHost: '127.0.0.2',
      storageTls: true,
      publicApiUrl: `http://${api}`,
      publicStorageUrl: `https://${storage}`
    })
    open = await startSquid()
    guarded = await startSquid({ user: PROXY_USER, password: PROXY_PASSWORD })
  })
  afterAll(async () => {
    await Promise.all([open?.stop(), guarded?.stop()])
    await sandbox?.close()
  })
  beforeEach(() => {
    before = { sandbox: sandbox.requests.length, open: open.log().length, guarded: guarded.log().length }
  })

  const requests = () => sandbox.requests.slice(before.sandbox)
  const logged = (squid: 'open' | 'guarded') => (squid === 'open' ? open : guarded).log().slice(before[squid])
  const exportVia = (env: Record<string, string>, inputs: Record<string, string> = {}) =>
    runAction({
      inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': `http://${api}`, 'max-attempts': '2', ...inputs },
      env: { NODE_EXTRA_CA_CERTS: SANDBOX_CA, ...env }
    })

  test.each([
    ['HTTPS_PROXY and HTTP_PROXY', 'bearer', (url: string) => ({ HTTPS_PROXY: url, HTTP_PROXY: url })],
    ['https_proxy and http_proxy', 'header', (url: string) => ({ https_proxy: url, http_proxy: url })],
    ['HTTPS_PROXY and HTTP_PROXY', 'query', (url: string) => ({ HTTPS_PROXY: url, HTTP_PROXY: url })]
  ])(
    '%s carry the API calls and the HTTPS download (TLS inside the tunnel); %s credentials never reach the storage host',
    async (_, method, proxies) => {
      const result = await exportVia(proxies(open.url), { 'auth-method': method })
      expect(result.code).toBe(0)
      expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
      expect(logged('open')).toContain(`CONNECT ${api}`)
      expect(logged('open')).toContain(`CONNECT ${storage}`)
      const downloads = requests().filter(r => r.server === 'storage')
      expect(downloads.map(r => r.headers.host)).toEqual([storage])
      expect(JSON.stringify(downloads)).not.toContain(sandbox.apiKey)
      const calls = requests().filter(r => r.server === 'api')
      expect(calls.every(r => JSON.stringify(r).includes(sandbox.apiKey))).toBe(true)
      expectSecretsKept(result)
    }
  )

  test('without a proxy the names do not resolve at all: the route through squid is the only one', async () => {
    const result = await exportVia({})
    expect(result.code).toBe(1)
    expect(requests()).toEqual([])
  })

  test('NO_PROXY sends that host direct: here it cannot be resolved, and squid sees nothing of it', async () => {
    const result = await exportVia({ HTTPS_PROXY: open.url, HTTP_PROXY: open.url, NO_PROXY: 'api.coreclaw.test' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/run detail request failed: (ENOTFOUND|EAI_AGAIN|EAI_FAIL)/)
    expect(logged('open')).not.toContain('api.coreclaw.test')
  })

  test('NO_PROXY for the storage host only: the API goes through squid, the download does not', async () => {
    const result = await exportVia({
      HTTPS_PROXY: open.url,
      HTTP_PROXY: open.url,
      NO_PROXY: 'storage.coreclaw.test'
    })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/download failed: (ENOTFOUND|EAI_AGAIN|EAI_FAIL)/)
    expect(logged('open')).toContain(`CONNECT ${api}`)
    expect(logged('open')).not.toContain('storage.coreclaw.test')
  })

  test('a proxy that needs credentials gets them from the proxy URL; they are never printed; no deprecation warning of the tunnel shows', async () => {
    const url = guarded.urlWith(PROXY_PASSWORD)
    const result = await exportVia({ HTTPS_PROXY: url, HTTP_PROXY: url })
    expect(result.code).toBe(0)
    expect(logged('guarded')).toMatch(new RegExp(` ${PROXY_USER} HIER_DIRECT/`))
    expect(`${result.stdout}${result.stderr}${result.summary}`).not.toContain(PROXY_PASSWORD)
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/DEP0005|DeprecationWarning/)
  })

  test.each([
    ['no credentials', () => guarded.url],
    ['wrong credentials', () => guarded.urlWith('not-the-password')]
  ])('%s: 407, said once with what to do, not retried, nothing printed of them', async (_, url) => {
    const result = await exportVia({ HTTPS_PROXY: url(), HTTP_PROXY: url() }, { 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      /run detail request failed: EPROXY407 \(the proxy 127\.0\.0\.1:\d+ answered HTTP 407\).*put them in the proxy URL/
    )
    expect(retryLines(result)).toEqual([])
    expect(`${result.stdout}${result.stderr}`).not.toContain('not-the-password')
  })

  test('a download cut half-way, or reset, inside the tunnel is retried like any other', async () => {
    sandbox.fail('download', { truncateAt: 3 * 1024 * 1024 }, { reset: true })
    const result = await exportVia(
      { HTTPS_PROXY: open.url, HTTP_PROXY: open.url },
      { 'run-id': BIG, 'max-attempts': '3' }
    )
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path).equals(sandbox.expectedBytes(BIG, 'csv'))).toBe(true)
    expect(requests().filter(r => r.route === 'download')).toHaveLength(3)
    expect(filesIn(result.workspace)).toEqual([`${BIG}.csv`])
  })
})

describe('a proxy that accepts and never answers', () => {
  let silent: { port: number; connections: () => number; close: () => Promise<void> }
  let sandbox: Sandbox
  afterEach(async () => {
    await silent.close()
    await sandbox.close()
  })

  /** A TCP server that accepts connections and never says a word: a black-holing proxy. */
  async function silentServer(): Promise<typeof silent> {
    let connections = 0
    const sockets = new Set<net.Socket>()
    const server = net.createServer(socket => {
      connections++
      sockets.add(socket)
      socket.on('error', () => undefined)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return {
      port: (server.address() as net.AddressInfo).port,
      connections: () => connections,
      close: () => {
        for (const socket of sockets) socket.destroy()
        return new Promise(resolve => server.close(() => resolve()))
      }
    }
  }

  test('API calls: each attempt times out naming the proxy, is retried, and the process ends', async () => {
    silent = await silentServer()
    sandbox = await startSandbox({ runs: [{ slug: RUN }] })
    const result = await runAction({
      inputs: {
        'run-id': RUN,
        'api-key': sandbox.apiKey,
        'base-url': 'http://api.example.test:8787',
        timeout: '1',
        'max-attempts': '2'
      },
      env: { HTTP_PROXY: `http://127.0.0.1:${silent.port}` }
    })
    expect(result.code).toBe(1)
    expect(retryLines(result)[0]).toContain(
      `run detail request failed: ETIMEDOUT (no answer for 1 s, through the proxy 127.0.0.1:${silent.port})`
    )
    expect(errorLine(result)).toContain('gave up after 2 attempts')
    expect(silent.connections()).toBe(2)
  })

  test('the download: the same', async () => {
    silent = await silentServer()
    sandbox = await startSandbox({ runs: [{ slug: RUN }], publicStorageUrl: 'http://storage.example.test:8788' })
    const result = await runAction({
      inputs: {
        'run-id': RUN,
        'api-key': sandbox.apiKey,
        'base-url': sandbox.apiUrl,
        timeout: '1',
        'max-attempts': '2'
      },
      env: { HTTP_PROXY: `http://127.0.0.1:${silent.port}` }
    })
    expect(result.code).toBe(1)
    expect(retryLines(result)[0]).toMatch(
      /^download failed: ETIMEDOUT \(no answer for 1 s, through the proxy 127\.0\.0\.1:\d+\)/
    )
    expect(filesIn(result.workspace)).toEqual([])
  })
})

test('an IPv6 literal as base-url works, and so does one in download_url', async () => {
  const v6 = await startSandbox({ host: '::1', storageHost: '::1', runs: [{ slug: RUN }] })
  try {
    expect(v6.apiUrl).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const result = await runAction({ inputs: { 'run-id': RUN, 'api-key': v6.apiKey, 'base-url': v6.apiUrl } })
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path)).toEqual(v6.expectedBytes(RUN, 'csv'))
  } finally {
    await v6.close()
  }
})
