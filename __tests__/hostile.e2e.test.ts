// No server, proxy or scraped page can hang the step, crash it, fill the disk or dress up the
// summary. Each test plays a hostile or broken peer against the bundled action.
import { mkdirSync, readFileSync } from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { createHash } from 'node:crypto'
import { startSandbox } from '../sandbox/coreclaw.js'
import { startProxy } from '../sandbox/proxy.js'
import { runAction } from '../sandbox/runner.js'
import {
  errorLine,
  filesIn,
  renderedSummary,
  retryLines,
  summaryCellsHtml,
  RUN,
  sandboxWithRun,
  summaryCells,
  summaryRow,
  type Sandbox,
  withCmark
} from './helpers.js'

let sandbox: Sandbox
let step: Awaited<ReturnType<typeof sandboxWithRun>>['step']
const closers: Array<() => Promise<unknown> | void> = []

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(async () => {
  await sandbox.close()
  for (const close of closers.splice(0)) await close()
})

/** A TCP server that accepts connections and never says a word: a black-holing proxy. */
async function silentServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer(socket => {
    connections++
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise(resolve => server.close(resolve))
  })
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections }
}

describe('a proxy that accepts and never answers', () => {
  test('API calls: each attempt times out naming the proxy, is retried, and the process ends', async () => {
    const proxy = await silentServer()
    const result = await step(
      { 'base-url': 'http://api.example.test:8787', timeout: '1', 'max-attempts': '2' },
      undefined,
      { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` }
    )
    expect(result.code).toBe(1)
    expect(retryLines(result)[0]).toMatch(
      new RegExp(
        `run detail request failed: ETIMEDOUT \\(no answer for 1 s, through the proxy 127\\.0\\.0\\.1:${proxy.port}\\)`
      )
    )
    expect(errorLine(result)).toContain('gave up after 2 attempts')
    expect(proxy.connections()).toBe(2)
  })

  test('the download: the same', async () => {
    const proxy = await silentServer()
    const named = await startSandbox({ runs: [{ slug: RUN }], publicStorageUrl: 'http://storage.example.test:8788' })
    closers.push(() => named.close())
    const result = await runAction({
      inputs: { 'run-id': RUN, 'api-key': named.apiKey, 'base-url': named.apiUrl, timeout: '1', 'max-attempts': '2' },
      env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` }
    })
    expect(result.code).toBe(1)
    expect(retryLines(result)[0]).toMatch(
      /^download failed: ETIMEDOUT \(no answer for 1 s, through the proxy 127\.0\.0\.1:\d+\)/
    )
    expect(filesIn(result.workspace)).toEqual([])
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
    expect(summaryRow(result.summary, 'Rows in the file')).toBe('1')
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

describe('Markdown in server text shows as text, rendered by a real GFM parser', () => {
  const HOSTILE = [
    '![x](https://evil.example/t.png)',
    '[rotate your key here](https://evil.example)',
    '**bold** _em_ ~~x~~',
    '@org/team and #123',
    'C:\\path\\*x*',
    '<img src=x onerror=alert(1)>',
    '`code` | pipe & amp',
    'https://evil.example/auto www.evil.example',
    // cmark-gfm's extended autolinks: an email whose domain starts with '-' or '.' is still a mailto link.
    'contact@-evil.com x@.evil.com 1@-2.io'
  ]

  /** The preview's cells, one per value, each checked as GitHub renders it: exactly its text, and no markup. */
  function expectCellsShowExactly(summary: string, values: string[]): void {
    const html = summaryCellsHtml(summary)
    const text = summaryCells(summary)
    for (const value of values) {
      const index = text.indexOf(value)
      expect({ value, found: index >= 0 }).toEqual({ value, found: true })
      expect({ value, html: html[index] }).not.toEqual({ value, html: expect.stringMatching(/<[a-z]/) })
    }
  }

  withCmark('preview cells: each one renders as exactly its value, with no link, image, emphasis or code', async () => {
    const row = Object.fromEntries(HOSTILE.map((value, index) => [`c${index}`, value]))
    sandbox.addRun({ slug: 'MDRUN', rows: [row] })
    const result = await step({ 'run-id': 'MDRUN', format: 'json' })
    expect(result.code).toBe(0)
    // Eight columns show; the ninth is counted.
    expectCellsShowExactly(result.summary, HOSTILE.slice(0, 8))
    const more = await step({ 'run-id': 'MDRUN', format: 'json', 'filter-keys': 'c8' })
    expectCellsShowExactly(more.summary, [HOSTILE[8]])
  })

  withCmark(
    'a mention or an issue reference is broken by a word joiner, which is no place for a line break',
    async () => {
      sandbox.addRun({ slug: 'MENTIONRUN', rows: [{ who: '@octocat', issue: '#123', mail: 'a@b.io' }] })
      const result = await step({ 'run-id': 'MENTIONRUN', format: 'json' })
      expect(result.summary).toContain('&#64;\u2060octocat')
      expect(result.summary).toContain('&#35;\u2060123')
      expect(result.summary).not.toContain('\u200b')
      expectCellsShowExactly(result.summary, ['@octocat', '#123', 'a@b.io'])
    }
  )

  withCmark('text written with ZWJ and ZWNJ shows as written: emoji sequences, Persian, Hindi', async () => {
    const values = ['👨\u200d👩\u200d👧', '🏳️\u200d🌈', 'می\u200cخواهم', 'क्\u200dष']
    sandbox.addRun({ slug: 'ZWJRUN', rows: [Object.fromEntries(values.map((value, i) => [`v${i}`, value]))] })
    const result = await step({ 'run-id': 'ZWJRUN', format: 'json' })
    expectCellsShowExactly(result.summary, values)
    expect(result.summary).not.toContain('\\u200d')
    expect(result.summary).not.toContain('\\u200c')
  })

  withCmark(
    'what can deceive stays visible: bidi controls, a zero-width space, word joiners, a BOM inside text',
    async () => {
      const values = ['a\u202eb', 'a\u200bb', 'a\u2060b', 'a\u2064b', 'a\ufeffb']
      sandbox.addRun({ slug: 'BIDIRUN', rows: [Object.fromEntries(values.map((value, i) => [`v${i}`, value]))] })
      const result = await step({ 'run-id': 'BIDIRUN', format: 'json' })
      expectCellsShowExactly(result.summary, ['a\\u202eb', 'a\\u200bb', 'a\\u2060b', 'a\\u2064b', 'a\\ufeffb'])
    }
  )

  withCmark('error fields: message, err_msg and details render as text in the failure summary', async () => {
    sandbox.fail('run', { status: 400, code: 11000, message: HOSTILE[1], details: [HOSTILE[0]] })
    const result = await step()
    expect(result.code).toBe(1)
    const happened = summaryRow(result.summary, 'What happened')
    expect(happened).toContain(HOSTILE[1])
    expect(happened).toContain('![x](https://evil.example/t.png)')
    expect(renderedSummary(result.summary)).not.toMatch(/<(img|a)\b/)
  })
})

describe('decompression bombs and a filling disk', () => {
  test('a brotli body that expands more than 1,000 times is refused, and nothing is left behind', async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(64 * 1024 * 1024))
    sandbox.fail('download', { bytes: bomb, headers: { 'content-encoding': 'br', 'content-type': 'text/csv' } })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/expanded to more than 1000 times its \d+ compressed bytes.*decompression bomb/)
    expect(retryLines(result)).toEqual([])
    expect(filesIn(result.workspace)).toEqual([])
  })
})

test('a host that sends one byte per write: the file is whole, hashed and counted (memory is measured by npm run bench)', async () => {
  sandbox.addRun({
    slug: 'TINYCHUNKS',
    rows: Array.from({ length: 400 }, (_, i) => ({ n: i, text: `row ${i}, quoted "x"` }))
  })
  sandbox.fail('download', { chunkBytes: 1 })
  const result = await step({ 'run-id': 'TINYCHUNKS' })
  expect(result.code).toBe(0)
  const expected = sandbox.expectedBytes('TINYCHUNKS', 'csv') as Buffer
  expect(readFileSync(result.outputs.path)).toEqual(expected)
  expect(result.outputs.sha256).toBe(createHash('sha256').update(expected).digest('hex'))
  expect(result.outputs.rows).toBe('400')
})

test('a body in 1-byte chunks sent as fast as the socket takes it, in one burst: exported whole', async () => {
  // The whole chunked body in one write, so the action receives tiny chunks far faster than it
  // handles them. How much memory that takes is a figure a busy machine moves: `npm run bench`
  // measures it, never a test.
  const size = 2 * 1024 * 1024
  const body = Buffer.concat([
    Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n'),
    Buffer.from('1\r\na\r\n'.repeat(size)),
    Buffer.from('0\r\n\r\n')
  ])
  sandbox.fail('download', { raw: body })
  const result = await step({ 'if-empty': 'ignore' })
  expect(result.code).toBe(0)
  expect(result.outputs.size).toBe(String(size))
  expect(readFileSync(result.outputs.path)).toEqual(Buffer.alloc(size, 'a'))
})

describe('what the storage host says, and its checksum', () => {
  test('a 403 with an XML error code puts the code in the error; a signature mismatch points at the clock or a proxy', async () => {
    const xml = Buffer.from(
      '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>'
    )
    const refused = { status: 403, bytes: xml, headers: { 'content-type': 'application/xml' } }
    sandbox.fail('download', refused, { ...refused })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('the storage host answered HTTP 403 (SignatureDoesNotMatch)')
    expect(errorLine(result)).toContain("the runner's clock may be off, or a proxy may rewrite the requests")
    expect(sandbox.seen('export')).toHaveLength(2)
  })

  test('a Content-MD5 that does not match is a corrupt transfer: retried', async () => {
    const bytes = sandbox.expectedBytes(RUN, 'csv') as Buffer
    const wrong = createHash('md5').update('something else').digest('base64')
    sandbox.fail('download', { bytes, headers: { 'content-md5': wrong } })
    const result = await step()
    expect(result.code).toBe(0)
    expect(retryLines(result)[0]).toMatch(
      /^download failed: the body from .* does not match the storage host's Content-MD5/
    )
    expect(result.summary).not.toContain('Storage checksum')
  })

  test.each([
    ['content-md5', (md5: string) => md5, 'Content-MD5'],
    ['x-goog-hash', (md5: string) => `crc32c=AAAAAA==,md5=${md5}`, 'x-goog-hash']
  ])('a matching %s is verified, and the summary says so', async (header, value, name) => {
    const bytes = sandbox.expectedBytes(RUN, 'csv') as Buffer
    const md5 = createHash('md5').update(bytes).digest('base64')
    sandbox.fail('download', { bytes, headers: { [header]: value(md5) } })
    const result = await step()
    expect(result.code).toBe(0)
    expect(retryLines(result)).toEqual([])
    expect(result.summary).toContain(`| Storage checksum | verified (${name}) |`)
  })
})

describe('compressed bodies, decoded by what their errors mean', () => {
  const plain = () => sandbox.expectedBytes(RUN, 'csv') as Buffer
  test.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)]
  ])('%s cut short is a truncated download: retried', async (encoding, compress) => {
    const whole = compress(plain())
    sandbox.fail('download', { bytes: whole.subarray(0, whole.length - 8), headers: { 'content-encoding': encoding } })
    const result = await step()
    expect(result.code).toBe(0)
    expect(retryLines(result)[0]).toMatch(
      new RegExp(`download failed: the ${encoding} body from .* ended before its end`)
    )
  })

  test.each(['gzip', 'br'])('%s that is not valid: a final encoding error, with no network advice', async encoding => {
    sandbox.fail('download', {
      bytes: Buffer.from('this is not compressed at all, not even a little'),
      headers: { 'content-encoding': encoding }
    })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(new RegExp(`the ${encoding} body from .* is not valid ${encoding}`))
    expect(errorLine(result)).not.toMatch(/proxy|reach the host/)
    expect(retryLines(result)).toEqual([])
  })
})

test('a body with neither a length nor chunked framing is saved, with a warning that its end could not be checked', async () => {
  const bytes = sandbox.expectedBytes(RUN, 'csv') as Buffer
  sandbox.fail('download', {
    raw: Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n'), bytes])
  })
  const result = await step()
  expect(result.code).toBe(0)
  expect(readFileSync(result.outputs.path)).toEqual(bytes)
  expect(result.stdout).toMatch(/^::warning::The storage host did not announce the file's length/m)
})

describe('text that reaches people', () => {
  test('bidirectional and zero-width characters from the server are shown, not obeyed', async () => {
    sandbox.addRun({ slug: 'BIDIRUN', status: 'failed', errMsg: 'see \u202Egnp.exe and pay\u200Bpal' })
    const result = await step({ 'run-id': 'BIDIRUN' })
    expect(errorLine(result)).toContain('see \\u202egnp.exe and pay\\u200bpal')
    expect(`${result.stdout}${result.summary}`).not.toMatch(/[\u202e\u200b]/)
  })

  test('a newline in path is an input error, before any request, and nothing is injected', async () => {
    const result = await step({ path: 'out.csv\n::warning::injected' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain("Input 'path' holds a control character")
    expect(result.stdout).not.toMatch(/^::warning::injected/m)
    expect(sandbox.requests).toEqual([])
  })

  test('a redirect to file: names the scheme, not "null"', async () => {
    sandbox.fail('download', { redirect: 'file:///etc/passwd' })
    const result = await step()
    expect(errorLine(result)).toContain('redirected to file: (file:/etc/passwd)')
    expect(errorLine(result)).not.toContain('null')
  })
})

test('a 250-character file name: the temporary name is cut to fit, and the file lands', async () => {
  const name = `${'a'.repeat(246)}.csv`
  const result = await step({ path: name })
  expect(result.code).toBe(0)
  expect(filesIn(result.workspace)).toEqual([name])
})

test('a job summary that cannot be written is a warning; the file and outputs are there, the step succeeds', async () => {
  const first = await step()
  const folder = path.join(first.workspace, 'summary-is-a-folder')
  mkdirSync(folder)
  const result = await step({}, first.workspace, { GITHUB_STEP_SUMMARY: folder })
  expect(result.code).toBe(0)
  expect(result.outputs.sha256).toMatch(/^[0-9a-f]{64}$/)
  expect(result.stdout).toMatch(/^::warning title=No job summary::The job summary could not be written \(EISDIR\)/m)
  expect(result.stderr).not.toMatch(/Unhandled|at .*\.js:\d+/)
})

describe('proxy answers', () => {
  test('407: the proxy wants credentials; said once, not retried', async () => {
    const proxy = await startProxy({ hosts: { 'api.coreclaw.test': sandbox.apiAddress }, auth: 'user:secret' })
    closers.push(() => proxy.close())
    const bare = new URL(proxy.url)
    bare.username = bare.password = ''
    const result = await step(
      { 'base-url': `http://api.coreclaw.test:${sandbox.apiAddress.split(':').pop()}`, 'max-attempts': '3' },
      undefined,
      { HTTP_PROXY: bare.href, HTTPS_PROXY: bare.href }
    )
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/the proxy 127\.0\.0\.1:\d+ answered HTTP 407.*put them in the proxy URL/)
    expect(retryLines(result)).toEqual([])
  })

  test('deprecation warnings of bundled dependencies stay out of the log', async () => {
    const proxy = await startProxy({ hosts: { 'api.coreclaw.test': sandbox.apiAddress }, auth: 'user:secret' })
    closers.push(() => proxy.close())
    const result = await step(
      { 'base-url': `http://api.coreclaw.test:${sandbox.apiAddress.split(':').pop()}`, 'max-attempts': '1' },
      undefined,
      { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }
    )
    expect(result.code).toBe(0)
    expect(proxy.connects.map(c => c.authorized)).toEqual([true, true])
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/DEP0005|DeprecationWarning/)
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

test('an IPv6 literal as base-url works, and so does one in download_url', async () => {
  const v6 = await startSandbox({ host: '::1', storageHost: '::1', runs: [{ slug: RUN }] })
  closers.push(() => v6.close())
  expect(v6.apiUrl).toMatch(/^http:\/\/\[::1\]:\d+$/)
  const result = await runAction({ inputs: { 'run-id': RUN, 'api-key': v6.apiKey, 'base-url': v6.apiUrl } })
  expect(result.code).toBe(0)
  expect(readFileSync(result.outputs.path)).toEqual(v6.expectedBytes(RUN, 'csv'))
})
