// Resilience of the bundled action: what is retried, what is not, timeouts, broken and expired
// downloads, waiting for runs, and run-id `last`. Every test asserts what the sandbox saw (count
// and order of requests) and the bytes on disk. Waits are kept short with small Retry-After
// values and timeouts; no test asserts a duration.
import { readFileSync, writeFileSync } from 'node:fs'
import {
  errorLine,
  expectSecretsKept,
  filesIn,
  retryLines,
  RUN,
  sandboxWithRun,
  sha256,
  stepAgainst,
  type Sandbox,
  type Step
} from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

const routes = () => sandbox.requests.map(r => r.route).join(' ')

function expectExported(result: Step): void {
  expect(result.code).toBe(0)
  expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  expect(filesIn(result.workspace)).toEqual([`${RUN}.csv`])
  expectSecretsKept(result)
}

describe('retried: rate limits, server errors, network failures', () => {
  test('429 with Retry-After is waited out exactly (back-off alone would wait at most 1 s), then the export succeeds', async () => {
    sandbox.fail('export', { status: 429, code: 13000, message: 'rate limited', headers: { 'retry-after': '2' } })
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export export download')
    expect(retryLines(result)).toEqual([
      expect.stringMatching(
        /^export request failed: HTTP 429: app code 13000 \(rate limited\): rate limited \[request_id: req-sandbox-2\] \(attempt 1 of 5\); retrying in 2\.[0-3] s\.$/
      )
    ])
  })

  test('429 without Retry-After backs off about a second', async () => {
    sandbox.fail('export', { status: 429, code: 13000, message: 'rate limited' })
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export export download')
    expect(retryLines(result)[0]).toMatch(/retrying in (0\.[5-9]|1\.0) s\.$/)
  })

  test('502 HTML, then 500, then success', async () => {
    sandbox.fail(
      'export',
      { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', headers: { 'retry-after': '0' } },
      { status: 500, code: 10000, message: 'system error', headers: { 'retry-after': '0' } }
    )
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export export export download')
    expect(retryLines(result)).toEqual([
      expect.stringContaining(
        'HTTP 502: the answer is not a JSON envelope; body starts: "502 Bad Gateway" (attempt 1 of 5)'
      ),
      expect.stringContaining(
        'HTTP 500: app code 10000 (system error): system error [request_id: req-sandbox-3] (attempt 2 of 5)'
      )
    ])
  })

  test('a connection reset is retried', async () => {
    sandbox.fail('run', { reset: true })
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run run export download')
    expect(retryLines(result)[0]).toMatch(/^run detail request failed: ECONNRESET/)
  })

  test('a hung API counts as failed after `timeout` seconds and is retried', async () => {
    sandbox.fail('export', { hang: true })
    const result = await step({ timeout: '1' })
    expectExported(result)
    expect(routes()).toBe('run export export download')
    expect(retryLines(result)[0]).toMatch(
      /^export request failed: ETIMEDOUT \(no complete answer within 1 s\) \(attempt 1 of 5\)/
    )
  })

  test('when the attempts run out, the error says how many were made and what the last failure was', async () => {
    sandbox.fail(
      'run',
      ...Array(3).fill({ status: 503, code: 10000, message: 'down', headers: { 'retry-after': '0' } })
    )
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(routes()).toBe('run run run')
    expect(errorLine(result)).toMatch(
      /gave up after 3 attempts; the last one: run detail request failed: HTTP 503: app code 10000 \(system error\): down \[request_id: req-sandbox-3\]/
    )
    expect(result.outputs['request-id']).toBe('req-sandbox-3')
  })
})

describe('never retried: 4xx and business errors', () => {
  test.each([
    [400, 11000],
    [401, 12001],
    [403, 12001],
    [404, 11004],
    [422, 11000]
  ])('export HTTP %i / %i is one request', async (status, code) => {
    sandbox.fail('export', { status, code, message: 'no' })
    const result = await step({ 'max-attempts': '5' })
    expect(result.code).toBe(1)
    expect(routes()).toBe('run export')
    expect(retryLines(result)).toEqual([])
  })

  test('code != 0 on HTTP 200 is one request', async () => {
    sandbox.fail('export', { status: 200, code: 30001, message: 'insufficient balance' })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes()).toBe('run export')
  })

  test('a 400 from the storage host is one download', async () => {
    sandbox.fail('download', { status: 400, body: '<Error>Bad</Error>' })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes()).toBe('run export download')
    expect(errorLine(result)).toMatch(/download failed: the storage host answered HTTP 400 for http:\/\/[^?]+\.csv\./)
  })
})

describe('downloads', () => {
  test('a download cut half-way is retried from scratch into a new file', async () => {
    sandbox.fail('download', { truncateAt: 80 })
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export download download')
    expect(retryLines(result)[0]).toMatch(
      /^download failed: the connection to .* closed before all 197 bytes arrived \(attempt 1 of 5\)/
    )
  })

  test('a download cut every time fails, leaves nothing, and keeps the previous file', async () => {
    const first = await step()
    writeFileSync(first.outputs.path, 'the previous export')
    sandbox.requests.length = 0
    sandbox.fail('download', { truncateAt: 80 }, { truncateAt: 120 })
    const result = await step({ 'max-attempts': '2' }, first.workspace)
    expect(result.code).toBe(1)
    expect(routes()).toBe('run export download download')
    expect(errorLine(result)).toMatch(
      /gave up after 2 attempts; the last one: download failed: the connection to .* closed before all 197 bytes arrived/
    )
    expect(filesIn(first.workspace)).toEqual([`${RUN}.csv`])
    expect(readFileSync(first.outputs.path, 'utf8')).toBe('the previous export')
  })

  test('a download that stalls for `timeout` seconds is retried', async () => {
    sandbox.fail('download', { stallAfter: 64 })
    const result = await step({ timeout: '1' })
    expectExported(result)
    expect(routes()).toBe('run export download download')
    expect(retryLines(result)[0]).toMatch(/^download failed: ETIMEDOUT \(no bytes from the server for 1 s\)/)
  })

  test('a slow but moving download is not cut off, even when it takes longer than `timeout`', async () => {
    sandbox.fail('download', { trickleMs: 300 })
    const result = await step({ timeout: '1' })
    expectExported(result)
    // 197 bytes in 32-byte pieces, 300 ms apart: about 2 s in all, never 1 s without a byte.
    expect(routes()).toBe('run export download')
    expect(retryLines(result)).toEqual([])
  })

  test('5xx and 429 from the storage host are retried', async () => {
    sandbox.fail(
      'download',
      { status: 503, body: 'busy', headers: { 'retry-after': '0' } },
      { status: 429, body: 'slow down', headers: { 'retry-after': '0' } }
    )
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export download download download')
  })

  test('an expired link gets one fresh export, and the dead link is never retried', async () => {
    sandbox.fail('download', { expire: true })
    const result = await step()
    expectExported(result)
    expect(routes()).toBe('run export download export download')
    const [dead, fresh] = sandbox.seen('download')
    expect(dead.query['q-signature']).not.toBe(fresh.query['q-signature'])
    expect(result.outputs.url).toContain(fresh.query['q-signature'])
    expect(result.summary).toContain('| Fresh download link | yes, the first one expired |')
  })

  test('a fresh link that is refused too fails; there is only one refresh', async () => {
    sandbox.fail('download', { expire: true }, { expire: true })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes()).toBe('run export download export download')
    expect(errorLine(result)).toMatch(
      /the storage host answered HTTP 403 .*expired or was refused even after a fresh export/
    )
    expect(filesIn(result.workspace)).toEqual([])
  })
})

describe('big downloads, through every block of the pipeline', () => {
  // Several times the action's block pool, not a multiple of any block size, and every MiB
  // numbered, so that a block written twice, dropped or out of order shows.
  const BIG = 'BIG0000000000000000000000001'
  const SIZE = 9 * 1024 * 1024 + 123
  const expectBig = (result: Step) => {
    expect(result.code).toBe(0)
    const expected = sandbox.expectedBytes(BIG, 'csv')
    // Buffer.equals: jest's toEqual walks a 9 MiB buffer byte by byte, for seconds.
    expect(readFileSync(result.outputs.path).equals(expected)).toBe(true)
    expect(result.outputs.size).toBe(String(SIZE))
    expect(result.outputs.sha256).toBe(sha256(expected))
    expect(filesIn(result.workspace)).toEqual([`${BIG}.csv`])
  }
  beforeEach(() => sandbox.addRun({ slug: BIG, size: SIZE, distinct: true }))

  test('with Content-Length', async () => {
    expectBig(await step({ 'run-id': BIG }))
  })

  test('chunked, without Content-Length', async () => {
    sandbox.fail('download', { chunked: true })
    expectBig(await step({ 'run-id': BIG }))
  })

  test('chunked and cut off after 5 MiB: no partial file, retried whole', async () => {
    sandbox.fail('download', { chunked: true, truncateAt: 5 * 1024 * 1024 + 7 })
    const result = await step({ 'run-id': BIG })
    expectBig(result)
    expect(routes()).toBe('run export download download')
    expect(retryLines(result)[0]).toMatch(/^download failed: the connection to .* closed before the whole file arrived/)
  })
})

describe('waiting for the run', () => {
  test('ready → running → succeeded is waited for, then exported', async () => {
    sandbox.addRun({ slug: 'SLOWRUN', statuses: ['ready', 'succeeded'] })
    const result = await step({ 'run-id': 'SLOWRUN' })
    expect(result.code).toBe(0)
    // A run that is waited for shows its log: read after each status.
    expect(routes()).toBe('run log run log export download')
    expect(result.stdout).toContain('Run SLOWRUN is ready, 1 row so far; waited 0 s of 600 s.')
  })

  test('a run still running after wait-timeout fails and says how to wait longer', async () => {
    sandbox.addRun({ slug: 'ENDLESS', status: 'running' })
    const result = await step({ 'run-id': 'ENDLESS', 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/run ENDLESS is still running after 1 s\. Raise 'wait-timeout' above 1/)
    expect(sandbox.seen('export')).toHaveLength(0)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('wait-timeout 0 does not wait', async () => {
    sandbox.addRun({ slug: 'ENDLESS', status: 'running' })
    const result = await step({ 'run-id': 'ENDLESS', 'wait-timeout': '0' })
    expect(result.code).toBe(1)
    expect(routes()).toBe('run')
    expect(errorLine(result)).toMatch(/still running after 0 s\. Set 'wait-timeout'/)
  })

  test.each([
    ['failed', 'proxy pool exhausted'],
    ['aborting', undefined],
    ['aborted', undefined],
    ['paused', undefined]
  ])('a %s run fails at once, names the status and err_msg, and exports nothing', async (status, errMsg) => {
    sandbox.addRun({ slug: 'DEADRUN', status, errMsg })
    const result = await step({ 'run-id': 'DEADRUN' })
    expect(result.code).toBe(1)
    expect(routes()).toBe('run')
    const reason = errMsg ? `: ${errMsg}` : ''
    expect(errorLine(result)).toContain(`run DEADRUN is ${status}, not succeeded${reason}; nothing was exported.`)
    expect(filesIn(result.workspace)).toEqual([])
  })
})

describe('run-id: last', () => {
  test("resolves the account's latest run once and uses that slug for waiting, exporting and the file name", async () => {
    sandbox.addRun({ slug: 'NEWESTRUN' })
    const result = await step({ 'run-id': 'last' })
    expect(result.code).toBe(0)
    expect(sandbox.requests.map(r => r.path)).toEqual([
      '/api/v2/worker-runs/last',
      '/api/v2/worker-runs/NEWESTRUN',
      '/api/v2/worker-runs/NEWESTRUN/result/export',
      expect.stringMatching(/^\/export\//)
    ])
    expect(result.outputs['run-id']).toBe('NEWESTRUN')
    expect(result.outputs.path).toMatch(/NEWESTRUN\.csv$/)
    expect(result.stdout).toContain("run-id 'last' is run NEWESTRUN.")
  })

  test('with worker-id, the latest run of that worker, sent as owner~name', async () => {
    sandbox.addRun({ slug: 'MAPSRUN', worker: 'coreclaw/google-maps' })
    sandbox.addRun({ slug: 'OTHERRUN', worker: 'someone/else' })
    const result = await step({ 'run-id': 'last', 'worker-id': 'coreclaw/google-maps' })
    expect(result.code).toBe(0)
    expect(sandbox.requests[0].path).toBe('/api/v2/workers/coreclaw~google-maps/runs/last')
    expect(result.outputs['run-id']).toBe('MAPSRUN')
  })

  test('worker-id with a concrete run id is ignored with a warning', async () => {
    const result = await step({ 'worker-id': 'coreclaw/google-maps' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      "::warning::'worker-id' is only used with 'run-id: last', 'run-id: last-succeeded' or 'run-id: new'; ignoring it."
    )
    expect(routes()).toBe('run export download')
  })

  test('an unknown worker fails with its app code', async () => {
    const result = await step({ 'run-id': 'last', 'worker-id': 'nobody/nothing' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/HTTP 404: app code 50001 \(worker not found\).*check 'worker-id'/)
  })
})
