// The download, end to end on the bundle: the storage host's answers, redirects (followed without
// credentials, refused when unsafe), compression, framing, HTTPS, retries of a cut or stalled
// transfer, and big or oddly chunked bodies. A failed download leaves no file and keeps the
// previous one. Each test checks the bytes on disk and what the storage host received.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import * as zlib from 'node:zlib'
import { burstOf, SANDBOX_CA, startSandbox } from '../sandbox/coreclaw.js'
import {
  errorLine,
  expectExported,
  expectSecretsKept,
  filesIn,
  retryLines,
  routes,
  RUN,
  sandboxWithRun,
  sha256,
  stepAgainst,
  type Sandbox,
  type Step,
  summaryFact
} from './helpers.js'

/** A refusal must not send people to check their network. */
const BIG = 'BIG0000000000000000000000001'
const BIG_SIZE = 5 * 1024 * 1024 + 17
/** Trusts the sandbox's test certificate, as a runner behind a TLS-inspecting proxy is set up. */
const trusted = { NODE_EXTRA_CA_CERTS: SANDBOX_CA }

const REACHABILITY = /reach the host|proxy settings/

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

describe('a transfer that fails: retried, refreshed, or final', () => {
  test('a download cut half-way is retried from scratch into a new file', async () => {
    sandbox.fail('download', { truncateAt: 80 })
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export download download')
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
    expect(routes(sandbox)).toBe('run export download download')
    expect(errorLine(result)).toMatch(
      /gave up after 2 attempts; the last one: download failed: the connection to .* closed before all 197 bytes arrived/
    )
    expect(filesIn(first.workspace)).toEqual([`${RUN}.csv`])
    expect(readFileSync(first.outputs.path, 'utf8')).toBe('the previous export')
  })

  test('a download that stalls for `timeout` seconds is retried', async () => {
    sandbox.fail('download', { stallAfter: 64 })
    const result = await step({ timeout: '1' })
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export download download')
    expect(retryLines(result)[0]).toMatch(/^download failed: ETIMEDOUT \(no bytes from the server for 1 s\)/)
  })

  test('a slow but moving download is not cut off, even when it takes longer than `timeout`', async () => {
    sandbox.fail('download', { trickleMs: 300 })
    const result = await step({ timeout: '1' })
    expectExported(sandbox, result)
    // 197 bytes in 32-byte pieces, 300 ms apart: about 2 s in all, never 1 s without a byte.
    expect(routes(sandbox)).toBe('run export download')
    expect(retryLines(result)).toEqual([])
  })

  test('5xx and 429 from the storage host are retried', async () => {
    sandbox.fail(
      'download',
      { status: 503, body: 'busy', headers: { 'retry-after': '0' } },
      { status: 429, body: 'slow down', headers: { 'retry-after': '0' } }
    )
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export download download download')
  })

  test('an expired link gets one fresh export, and the dead link is never retried', async () => {
    sandbox.fail('download', { expire: true })
    const result = await step()
    expectExported(sandbox, result)
    expect(routes(sandbox)).toBe('run export download export download')
    const [dead, fresh] = sandbox.seen('download')
    expect(dead.query['q-signature']).not.toBe(fresh.query['q-signature'])
    expect(result.outputs.url).toContain(fresh.query['q-signature'])
    expect(summaryFact(result.summary, 'Fresh download link')).toBe('yes, the first one expired')
  })

  test('a fresh link that is refused too fails; there is only one refresh', async () => {
    sandbox.fail('download', { expire: true }, { expire: true })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes(sandbox)).toBe('run export download export download')
    expect(errorLine(result)).toMatch(
      /the storage host answered HTTP 403 .*expired or was refused even after a fresh export/
    )
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('a 400 from the storage host is one download', async () => {
    sandbox.fail('download', { status: 400, body: '<Error>Bad</Error>' })
    const result = await step()
    expect(result.code).toBe(1)
    expect(routes(sandbox)).toBe('run export download')
    expect(errorLine(result)).toMatch(/download failed: the storage host answered HTTP 400 for http:\/\/[^?]+\.csv\./)
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
    expect(routes(sandbox)).toBe('run export download download')
    expect(retryLines(result)[0]).toMatch(/^download failed: the connection to .* closed before the whole file arrived/)
  })
})

describe('redirects: followed without credentials; an unsafe one refused once, never retried', () => {
  test.each([
    ['ftp:', 'ftp://127.0.0.1/x.csv?q-signature=s'],
    ['file:', 'file:///etc/passwd'],
    ['gopher:', 'gopher://127.0.0.1:70/1x'],
    ['javascript:', 'javascript:alert(1)']
  ])('storage redirecting to %s', async (scheme, location) => {
    sandbox.fail('download', { redirect: location })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(
      `download refused a redirect: ${new URL(sandbox.storageUrl).host} redirected to ${scheme}`
    )
    expect(errorLine(result)).toContain('only http and https are followed')
    expect(errorLine(result)).not.toContain('null')
    expect(errorLine(result)).not.toMatch(REACHABILITY)
    expect(errorLine(result)).not.toContain('q-signature')
    expect(retryLines(result)).toEqual([])
    expect(sandbox.seen('download')).toHaveLength(1)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('more than 10 storage redirects', async () => {
    sandbox.fail('download', ...Array(11).fill({ redirect: true }))
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('download refused a redirect: more than 10 redirects')
    expect(errorLine(result)).not.toMatch(REACHABILITY)
    expect(retryLines(result)).toEqual([])
    expect(sandbox.seen('download')).toHaveLength(11)
  })

  test('ten storage redirects are followed', async () => {
    sandbox.fail('download', ...Array(10).fill({ redirect: true }))
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('download')).toHaveLength(11)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test('a redirecting download follows each hop without credentials', async () => {
    sandbox.fail('download', { redirect: true })
    const result = await step({ 'auth-method': 'query' })
    expect(result.code).toBe(0)
    const storage = sandbox.requests.filter(r => r.server === 'storage')
    expect(storage.map(r => r.path.split('/')[1])).toEqual(['export', 'moved'])
    for (const request of storage) expect(JSON.stringify(request)).not.toContain(sandbox.apiKey)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test('a storage redirect whose Location is not a URL blames the storage host', async () => {
    sandbox.fail('download', { redirect: 'http://[not-an-address' })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(
      `download refused a redirect: ${new URL(sandbox.storageUrl).host} sent a redirect whose Location is not a URL`
    )
    expect(errorLine(result)).toContain('The storage host behind the download link answered with a redirect')
    expect(errorLine(result)).not.toContain('bug in the action')
    expect(retryLines(result)).toEqual([])
  })

  test('a redirect from HTTPS storage to plain HTTP is refused, naming the target without its query', async () => {
    await sandbox.close()
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
})

describe('compressed storage answers are decoded into the format that was asked for', () => {
  test.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s', async encoding => {
    sandbox.fail('download', { encoding })
    const result = await step({ format: 'json' })
    expect(result.code).toBe(0)
    const expected = sandbox.expectedBytes(RUN, 'json') as Buffer
    expect(readFileSync(result.outputs.path)).toEqual(expected)
    expect(result.outputs.size).toBe(String(expected.length))
    expect(result.outputs.sha256).toBe(sha256(expected))
    expect(result.stdout).toContain(`The storage host sent the file ${encoding}-compressed; it was decoded.`)
    expect(sandbox.seen('download')[0].headers['accept-encoding']).toBe('gzip, deflate, br')
  })

  test('zlib is loaded for a compressed answer only: a plain export starts without it', async () => {
    // Start-up is paid by every step: what an export does not use is not loaded (#29).
    const loaded = async (fault?: { encoding: string }) => {
      if (fault) sandbox.fail('download', fault)
      const folder = mkdtempSync(path.join(tmpdir(), 'modules-'))
      const file = path.join(folder, 'loaded.txt')
      const preload = pathToFileURL(path.resolve('__tests__/fixtures/loaded-modules.mjs')).href
      try {
        const result = await step({}, undefined, { NODE_OPTIONS: `--import ${preload}`, LOADED_MODULES_FILE: file })
        expect(result.code).toBe(0)
        return readFileSync(file, 'utf8').split('\n')
      } finally {
        rmSync(folder, { recursive: true, force: true })
      }
    }
    const plain = await loaded()
    expect(plain).toContain('http')
    for (const unused of ['zlib', 'worker_threads', 'child_process']) expect(plain).not.toContain(unused)
    expect(await loaded({ encoding: 'gzip' })).toContain('zlib')
  })

  test('any other encoding fails clearly, once, and leaves no file', async () => {
    sandbox.fail('download', { encoding: 'zstd' })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(
      'download failed: the storage host sent the file with Content-Encoding "zstd", which the action cannot decode'
    )
    expect(retryLines(result)).toEqual([])
    expect(filesIn(result.workspace)).toEqual([])
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
    expect(summaryFact(result.summary, 'SHA-256')).not.toContain('storage checksum')
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
    expect(summaryFact(result.summary, 'SHA-256')).toMatch(
      new RegExp(`, and the storage checksum verified \\(${name}\\)$`)
    )
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

describe('how the body is framed and chunked', () => {
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
    sandbox.fail('download', { raw: burstOf(Buffer.alloc(size, 'a'), 'text/csv') })
    const result = await step({ 'if-empty': 'ignore' })
    expect(result.code).toBe(0)
    expect(result.outputs.size).toBe(String(size))
    expect(readFileSync(result.outputs.path)).toEqual(Buffer.alloc(size, 'a'))
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
})

describe('over HTTPS: the storage host has a test certificate, trusted through NODE_EXTRA_CA_CERTS', () => {
  test('a download over HTTPS lands byte for byte, with its sha256, and no credentials sent', async () => {
    await sandbox.close()
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

  test('an untrusted certificate fails at once with what to do, and leaves no file', async () => {
    await sandbox.close()
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
})
