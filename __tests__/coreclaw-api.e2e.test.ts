// CoreClaw's API, end to end on the bundle: authentication, the envelope and its app codes, what
// is retried and what is final, deadlines, and answers that are broken, hostile or not CoreClaw's
// at all. Everything a server sends is data; every failure names what was asked, the status, the
// app code and the request id, and says what to do. Each test asserts what the sandbox saw.
import * as zlib from 'node:zlib'
import { readFileSync } from 'node:fs'
import {
  errorLine,
  expectExported,
  expectSecretsKept,
  filesIn,
  retryLines,
  routes,
  RUN,
  sandboxWithRun,
  stepAgainst,
  type Sandbox,
  renderedSummary,
  summaryCells,
  summaryFact,
  summaryText,
  type Step,
  withCmark
} from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

const INJECTION = '5\n::add-mask::X\n::stop-commands::tok\n::error::forged'
/** The workflow commands the action itself writes; any other `::` line was injected. */
const OURS = /^::(add-mask::|group::|endgroup::|debug::|warning( title=[^:]*)?::|error title=CoreClaw export failed::)/

function expectNoInjection(result: Step): void {
  const lines = result.stdout.split(/\r?\n/)
  expect(lines.filter(line => line.startsWith('::') && !OURS.test(line))).toEqual([])
  expect(lines.filter(line => line.startsWith('::add-mask::'))).toEqual([`::add-mask::${sandbox.apiKey}`])
  expect(result.stdout).not.toContain('::stop-commands::')
}

function expectBoundedOutputs(result: Step): void {
  for (const [name, value] of Object.entries(result.outputs)) {
    if (name !== 'url' && name !== 'path') expect({ name, short: value.length <= 1024 }).toEqual({ name, short: true })
    expect(value).not.toMatch(/[\r\n]/)
  }
}

/** The run detail, as a hostile server would send it. */
const detail = (fields: Record<string, unknown>, requestId: unknown = 'req-hostile-1') => ({
  status: 200,
  envelope: { code: 0, message: 'success', request_id: requestId, data: { slug: RUN, status: 'succeeded', ...fields } }
})

describe('authentication', () => {
  test.each([
    ['bearer', (r: Sandbox['requests'][number]) => r.headers.authorization === `Bearer ${sandbox.apiKey}`],
    ['header', (r: Sandbox['requests'][number]) => r.headers['api-key'] === sandbox.apiKey && !r.headers.authorization],
    [
      'query',
      (r: Sandbox['requests'][number]) =>
        r.query.token === sandbox.apiKey && !r.headers.authorization && !r.headers['api-key']
    ]
  ])('%s: the key goes to every API call and never to the storage host', async (method, carriesKey) => {
    const result = await step({ 'auth-method': method })
    expect(result.code).toBe(0)
    const api = sandbox.requests.filter(r => r.server === 'api')
    const storage = sandbox.requests.filter(r => r.server === 'storage')
    expect(api).toHaveLength(2)
    expect(api.every(carriesKey)).toBe(true)
    expect(storage).toHaveLength(1)
    for (const request of storage) {
      expect(request.headers.authorization).toBeUndefined()
      expect(request.headers['api-key']).toBeUndefined()
      expect(request.query.token).toBeUndefined()
      expect(JSON.stringify(request)).not.toContain(sandbox.apiKey)
    }
    expectSecretsKept(result)
  })

  test.each(['bearer', 'query'])(
    '%s: an API redirect within the API origin is followed, with the key on every hop',
    async method => {
      sandbox.fail('run', { status: 307, headers: { location: `/api/v2/worker-runs/${RUN}` } })
      const result = await step({ 'auth-method': method })
      expect(result.code).toBe(0)
      const runs = sandbox.seen('run')
      expect(runs).toHaveLength(2)
      for (const request of runs) expect(JSON.stringify(request)).toContain(sandbox.apiKey)
    }
  )

  test('an API redirect to another origin is refused, once and never retried: that host receives nothing, the key least of all', async () => {
    sandbox.fail('run', { status: 302, headers: { location: `${sandbox.storageUrl}/api/v2/worker-runs/${RUN}?x=1` } })
    const result = await step({ 'auth-method': 'query', 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(retryLines(result)).toEqual([])
    expect(sandbox.requests.map(r => `${r.server} ${r.route}`)).toEqual(['api run'])
    expect(errorLine(result)).toContain(
      `run detail request refused a redirect: ${new URL(sandbox.apiUrl).host} redirected the API call to another origin, ${sandbox.storageUrl}/api/v2/worker-runs/${RUN}; the API key is only sent to the API's own origin. If ${sandbox.storageUrl} is really your CoreClaw API, set 'base-url' to it`
    )
    expectSecretsKept(result)
  })
})

describe('failures leave nothing behind and say what to do', () => {
  async function failing(inputs: Record<string, string> = {}): Promise<Step> {
    const result = await step({ 'max-attempts': '1', ...inputs })
    expect(result.code).toBe(1)
    expect(filesIn(result.workspace)).toEqual([])
    // Only what is known before anything is exported: which run, and whether this step started it.
    expect(Object.keys(result.outputs).filter(name => name !== 'request-id' && name !== 'run-id')).toEqual([
      'run-started'
    ])
    expect(result.outputs['run-started']).toBe('false')
    expect(result.summary).toMatch(/^### CoreClaw export failed\n/)
    expect(result.summary).toContain('**What to do:** ')
    expectSecretsKept(result)
    return result
  }

  test('a wrong key: 401 / 12002, with the request id and a hint about the secret', async () => {
    const result = await failing({ 'api-key': 'cc_wrong_key' })
    expect(errorLine(result)).toMatch(
      /^::error title=CoreClaw export failed::Run 01KKDXV2G26BT7NH4ZQR2R4NPZ: run detail request failed: HTTP 401: app code 12002 \(invalid token\) \[request_id: req-sandbox-1\]\. .*new key/
    )
    expect(result.outputs['request-id']).toBe('req-sandbox-1')
    expect(summaryFact(result.summary, 'CoreClaw request id')).toBe('`req-sandbox-1`')
    // CoreClaw's message only repeats the code's name: said once.
    expect(result.summary.match(/invalid token/g)).toHaveLength(1)
  })

  test('an unknown run: 400 / 70001', async () => {
    const result = await failing({ 'run-id': 'NOSUCHRUN' })
    expect(errorLine(result)).toMatch(/HTTP 400: app code 70001 \(run not found\).*check 'run-id'/)
  })

  test('code != 0 on HTTP 200 from the export', async () => {
    sandbox.fail('export', { status: 200, code: 30001, message: 'insufficient balance' })
    const result = await failing()
    expect(errorLine(result)).toMatch(
      /export request failed: HTTP 200: app code 30001 \(insufficient balance\).*request_id: req-sandbox-2.*balance/
    )
  })

  test('an HTML 502 page quotes the status and the start of the body', async () => {
    sandbox.fail('export', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' })
    const result = await failing()
    expect(errorLine(result)).toContain(
      'export request failed: HTTP 502: the answer is not a JSON envelope; body starts: "502 Bad Gateway"'
    )
  })

  test('malformed JSON', async () => {
    sandbox.fail('run', { status: 200, body: '{"code":0,"data":{' })
    const result = await failing()
    expect(errorLine(result)).toContain('run detail request failed: HTTP 200: the answer is not a JSON envelope')
    expect(sandbox.seen('export')).toHaveLength(0)
  })

  test('a success envelope without data.download_url', async () => {
    sandbox.fail('export', { status: 200, code: 0, message: 'success' })
    const result = await failing()
    expect(errorLine(result)).toContain(
      'export request failed: HTTP 200: app code 0: the answer has no usable data.download_url (an http(s) URL)'
    )
  })

  test('the error quotes the status that carried the answer, also for another 2xx', async () => {
    sandbox.fail('export', { status: 201, code: 0, message: 'success' })
    const result = await failing()
    expect(errorLine(result)).toContain(
      'export request failed: HTTP 201: app code 0: the answer has no usable data.download_url (an http(s) URL)'
    )
  })

  test.each([
    [422, 11000, /'format' and 'filter-keys'/],
    [429, 13000, /rate limiting/],
    [500, 10000, /internal error/]
  ])('export HTTP %i / %i has a hint', async (status, code, hint) => {
    sandbox.fail('export', { status, code, message: 'no' })
    expect(errorLine(await failing())).toMatch(hint)
  })
})

describe('retried: rate limits, server errors, network failures', () => {
  test('429 with Retry-After is waited out exactly (back-off alone would wait at most 1 s), then the export succeeds', async () => {
    sandbox.fail('export', { status: 429, code: 13000, message: 'rate limited', headers: { 'retry-after': '2' } })
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export export download')
    expect(retryLines(result)).toEqual([
      expect.stringMatching(
        /^export request failed: HTTP 429: app code 13000 \(rate limited\) \[request_id: req-sandbox-2\] \(attempt 1 of 5\); retrying in 2\.[0-3] s\.$/
      )
    ])
  })

  test('429 without Retry-After backs off about a second', async () => {
    sandbox.fail('export', { status: 429, code: 13000, message: 'rate limited' })
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export export download')
    expect(retryLines(result)[0]).toMatch(/retrying in (0\.[5-9]|1\.0) s\.$/)
  })

  test('502 HTML, then 500, then success', async () => {
    sandbox.fail(
      'export',
      { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', headers: { 'retry-after': '0' } },
      { status: 500, code: 10000, message: 'system error', headers: { 'retry-after': '0' } }
    )
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export export export download')
    expect(retryLines(result)).toEqual([
      expect.stringContaining(
        'HTTP 502: the answer is not a JSON envelope; body starts: "502 Bad Gateway" (attempt 1 of 5)'
      ),
      expect.stringContaining('HTTP 500: app code 10000 (system error) [request_id: req-sandbox-3] (attempt 2 of 5)')
    ])
  })

  test('a connection reset is retried', async () => {
    sandbox.fail('run', { reset: true })
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run run export download')
    expect(retryLines(result)[0]).toMatch(/^run detail request failed: ECONNRESET/)
  })

  test('a hung API counts as failed after `timeout` seconds and is retried', async () => {
    sandbox.fail('export', { hang: true })
    const result = await step({ timeout: '1' })
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export export download')
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
    expect(routes(sandbox)).toBe('run run run')
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
    expect(routes(sandbox)).toBe('run export')
    expect(retryLines(result)).toEqual([])
  })

  test('code != 0 on HTTP 200 is one request', async () => {
    sandbox.fail('export', { status: 200, code: 30001, message: 'insufficient balance' })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes(sandbox)).toBe('run export')
  })
})

describe('an API answer must arrive whole within `timeout`', () => {
  test('an answer trickling in a byte at a time is cut at the deadline, and the process ends promptly', async () => {
    // About 80 bytes, one every 100 ms: it would take some 8 s, and it never stops moving.
    sandbox.fail('run', { trickleMs: 100 })
    const result = await step({ timeout: '1', 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('run detail request failed: ETIMEDOUT (no complete answer within 1 s)')
    expect(errorLine(result)).toContain("raise 'timeout' if it is just slow")
    // Well under `timeout` + the 5 s exit backstop, which would hide a socket left open.
    expect(result.elapsedMs).toBeLessThan(4000)
  })

  test('the trickling answer is retried like any timeout', async () => {
    sandbox.fail('run', { trickleMs: 100 })
    const result = await step({ timeout: '1' })
    expect(result.code).toBe(0)
    expect(retryLines(result)).toEqual([expect.stringContaining('(no complete answer within 1 s) (attempt 1 of 5)')])
  })

  test('after a hung API the process ends promptly: no half-closed socket holds it', async () => {
    sandbox.fail('export', { hang: true })
    const result = await step({ timeout: '1', 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('export request failed: ETIMEDOUT')
    // Well under `timeout` + the 5 s exit backstop, which would hide a socket left open.
    expect(result.elapsedMs).toBeLessThan(4000)
  })
})

describe('answers the action does not speak', () => {
  const switching = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'

  test.each([
    [
      'the API',
      'run',
      /run detail request failed: the server answered HTTP 101 Switching Protocols, which the action does not speak/
    ],
    [
      'storage',
      'download',
      /download failed: the server answered HTTP 101 Switching Protocols, which the action does not speak/
    ]
  ] as const)(
    '101 Switching Protocols from %s: a clear error through the normal path, with summary and outputs',
    async (_, route, message) => {
      sandbox.fail(route, { raw: switching, rawHang: true })
      const result = await step()
      expect(result.code).toBe(1)
      expect(errorLine(result)).toMatch(message)
      expect(result.summary).toMatch(/^### CoreClaw export failed/)
      expect(result.outputs['run-started']).toBe('false')
      expect(result.stdout.match(/::group::/g)?.length ?? 0).toBe(result.stdout.match(/::endgroup::/g)?.length ?? 0)
    }
  )
})

describe('deeply nested JSON', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`

  withCmark('in the data: exported whole, the preview shows a placeholder instead of crashing', async () => {
    const body = Buffer.from(`{"deep":${nested(20_000)},"name":"ok"}\n`)
    sandbox.fail('download', { bytes: body, headers: { 'content-type': 'application/x-ndjson' } })
    const result = await step({ format: 'jsonl' })
    expect(result.code).toBe(0)
    expect(result.outputs.rows).toBe('1')
    expect(readFileSync(result.outputs.path)).toEqual(body)
    expect(summaryFact(result.summary, 'Rows')).toMatch(/^1 in the file; /)
    expect(summaryCells(result.summary)).toEqual(expect.arrayContaining(['(nested too deeply to show)', 'ok']))
  })

  test('in an error envelope\'s details: still a 503 that is retried, not "a bug"', async () => {
    sandbox.fail('run', {
      raw: `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":10000,"message":"busy","details":${nested(6000)}}`
    })
    const result = await step()
    expect(result.code).toBe(0)
    expect(retryLines(result)[0]).toMatch(
      /run detail request failed: HTTP 503: app code 10000 \(system error\): busy \(details: \[\[\[/
    )
    expect(result.stdout).not.toContain('bug in the action')
  })
})

describe('the API answer', () => {
  const succeeded = JSON.stringify({
    code: 0,
    data: { slug: RUN, status: 'succeeded', results: 3 },
    message: 'success'
  })

  test('a UTF-8 BOM before the envelope is read past', async () => {
    sandbox.fail('run', { bytes: Buffer.from(`\uFEFF${succeeded}`), headers: { 'content-type': 'application/json' } })
    const result = await step()
    expect(result.code).toBe(0)
  })

  test('the API is asked for no compression, and a gzip answer anyway is decoded', async () => {
    sandbox.fail('run', {
      bytes: zlib.gzipSync(succeeded),
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' }
    })
    const result = await step()
    expect(result.code).toBe(0)
    expect(sandbox.seen('run')[0].headers['accept-encoding']).toBe('identity')
  })
})

describe('server text stays data', () => {
  test('results carrying workflow commands: not in the log as commands, not an output, not a summary row', async () => {
    sandbox.fail('run', detail({ results: INJECTION }))
    const result = await step()
    expect(result.code).toBe(0)
    expectNoInjection(result)
    expect(result.stdout).toContain(`Run ${RUN} succeeded with an unknown number of rows.`)
    expect(result.outputs['result-count']).toBe('')
    expect(result.outputs.rows).toBe('3')
    expect(summaryFact(result.summary, 'Rows')).toBe("3 in the file; CoreClaw's count unknown")
    expect(result.summary).not.toContain('::')
    expectSecretsKept(result)
  })

  test.each([[{}], [-1], [2.5], ['3'], [null], [true]])('results %p is unknown, never printed', async results => {
    sandbox.fail('run', detail({ results }))
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.outputs['result-count']).toBe('')
    expect(result.stdout).not.toContain('[object Object]')
    expect(result.stdout).toContain('succeeded with an unknown number of rows')
  })

  test('a request_id with line breaks and pipes is not used: not in the outputs, the log or the summary', async () => {
    sandbox.fail('export', {
      status: 200,
      envelope: { code: 0, data: { download_url: '' }, request_id: 'req-1\n::error::x|y' }
    })
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expectNoInjection(result)
    expect(result.outputs['request-id']).toBeUndefined()
    expect(result.summary).not.toContain('req-1')
    expect(result.summary).not.toContain('CoreClaw request id')
  })

  withCmark('err_msg with commands and table breaks is escaped in the one line that shows it', async () => {
    sandbox.fail('run', detail({ status: 'failed', err_msg: 'proxy\n::error::forged\r\n| --- |' }))
    const result = await step()
    expect(result.code).toBe(1)
    expectNoInjection(result)
    expect(errorLine(result)).toContain(
      `run ${RUN} is failed, not succeeded: proxy\\n::error::forged\\r\\n| --- |; nothing was exported.`
    )
    expect(summaryText(result.summary, 'Failed:')).toContain('proxy\\n::error::forged\\r\\n| --- |')
  })

  test('a status that is not a word is "unknown", a final state: never printed, nothing exported', async () => {
    sandbox.fail('run', detail({ status: 'succeeded\n::error::forged' }))
    const result = await step()
    expect(result.code).toBe(1)
    expectNoInjection(result)
    expect(errorLine(result)).toContain(`run ${RUN} is unknown, not succeeded; nothing was exported.`)
    expect(sandbox.seen('export')).toHaveLength(0)
  })

  test('a message that starts a line with :: cannot become a command, in the log or an annotation', async () => {
    sandbox.fail('export', {
      status: 400,
      envelope: { code: 11000, message: '::add-mask::everything', request_id: 'req-9' }
    })
    const result = await step()
    expect(result.code).toBe(1)
    expectNoInjection(result)
    expect(errorLine(result)).toContain(
      'app code 11000 (invalid argument): \\::add-mask::everything [request_id: req-9]'
    )
  })

  test('a 2 MB message and a 1 MB request_id: capped in the log, the summary stays small, outputs stay small', async () => {
    const message = `${'m'.repeat(2 * 1024 * 1024)}`
    sandbox.fail('export', { status: 400, envelope: { code: 11000, message, request_id: 'r'.repeat(1024 * 1024) } })
    const result = await step()
    expect(result.code).toBe(1)
    const line = errorLine(result)
    expect(line.length).toBeLessThan(4096)
    expect(line).toContain(`… (${message.length - 1024} more characters)`)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(16 * 1024)
    expect(Math.max(...result.stdout.split('\n').map(l => l.length))).toBeLessThan(4096)
    expectBoundedOutputs(result)
  })

  test('a download_url that is not an http(s) URL is refused before anything is fetched', async () => {
    sandbox.fail('export', {
      status: 200,
      envelope: { code: 0, data: { download_url: 'file:///etc/passwd' }, request_id: 'req-5' }
    })
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('the answer has no usable data.download_url')
    expect(sandbox.seen('download')).toHaveLength(0)
    expect(filesIn(result.workspace)).toEqual([])
  })

  withCmark('preview cells with HTML, pipes and line breaks are escaped in the summary', async () => {
    sandbox.addRun({ slug: 'HTMLRUN', rows: [{ name: '<img src=x onerror=alert(1)>|`x`', note: 'a\nb' }] })
    const result = await step({ 'run-id': 'HTMLRUN' })
    expect(result.code).toBe(0)
    const cells = summaryCells(result.summary)
    expect(cells).toEqual(expect.arrayContaining(['<img src=x onerror=alert(1)>|`x`', 'a b']))
    expect(renderedSummary(result.summary)).not.toContain('<img')
  })

  withCmark('a column without a name is called by its number, not rendered as a blank bar', async () => {
    sandbox.addRun({ slug: 'NONAMERUN', rows: [{ '': 'x', b: 'y' }] })
    const result = await step({ 'run-id': 'NONAMERUN' })
    expect(result.summary).toContain('| column 1 | b |\n|---|---|\n| x | y |')
    const cells = summaryCells(result.summary)
    expect(cells.slice(cells.indexOf('column 1'), cells.indexOf('column 1') + 4)).toEqual(['column 1', 'b', 'x', 'y'])
  })
})

describe('errors say exactly what happened', () => {
  test.each([
    ['70001, HTTP 400', { status: 400, code: 70001, message: 'run not found' }],
    ['11004, HTTP 404', { status: 404, code: 11004, message: 'not found' }],
    ['HTTP 404 without an app code', { status: 404, body: 'Not Found' }]
  ])('not found (%s) names the run that was asked for', async (_, fault) => {
    sandbox.fail('run', fault)
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`Run ${RUN} was not found: check 'run-id'`)
  })

  test("a gateway's HTML page says to check base-url and the proxy, not to call support", async () => {
    sandbox.fail('run', { status: 403, body: '<html><body>Forbidden by corporate proxy</body></html>' })
    const result = await step()
    expect(errorLine(result)).toContain("check 'base-url' and the runner's proxy settings")
    expect(errorLine(result)).not.toContain('support')
  })

  test('unknown filter keys are an invalid argument (11000) that names the inputs to check', async () => {
    const result = await step({ 'filter-keys': 'title,nosuchkey' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      /app code 11000 \(invalid argument\).*unknown keys: nosuchkey.*check 'format' and 'filter-keys'/
    )
  })
})
