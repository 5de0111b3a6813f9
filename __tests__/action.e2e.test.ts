// The bundled action (dist/index.js), run exactly as the runner runs it, against the CoreClaw
// sandbox on loopback. Each test checks the exit code, the outputs, the bytes on disk and what
// the sandbox received.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { SAMPLE_ROWS } from '../sandbox/coreclaw.js'
import { runAction } from '../sandbox/runner.js'
import { xlsHolds, xlsxContents } from './workbooks.js'
import {
  errorLine,
  expectSecretsKept,
  filesIn,
  RUN,
  sandboxWithRun,
  sha256,
  stepAgainst,
  renderedSummary,
  summaryCells,
  type Sandbox,
  type Step,
  withCmark,
  retryLines
} from './helpers.js'

const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

describe('exporting a succeeded run', () => {
  withCmark.each(['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'])(
    'format %s: outputs, bytes and summary',
    async format => {
      const counted = ['csv', 'json', 'jsonl'].includes(format)
      const result = await step({ format: format.toUpperCase() })
      expect(result.code).toBe(0)
      const expected = sandbox.expectedBytes(RUN, format) as Buffer
      const file = path.join(result.workspace, `${RUN}.${format}`)
      expect(readFileSync(file)).toEqual(expected)
      expect(result.outputs).toEqual({
        path: file,
        url: expect.stringMatching(
          new RegExp(`^${sandbox.storageUrl}/export/exported_result_${format}_.*q-signature=`)
        ),
        'run-id': RUN,
        'run-started': 'false',
        format,
        size: String(expected.length),
        sha256: sha256(expected),
        'result-count': '3',
        rows: counted ? '3' : '',
        'request-id': expect.stringMatching(/^req-sandbox-\d+$/)
      })
      const exportCall = sandbox.seen('export')[0]
      expect(exportCall.query).toEqual({ format })
      expect(sandbox.seen('download')).toHaveLength(1)
      expect(filesIn(result.workspace)).toEqual([`${RUN}.${format}`])
      expect(result.summary).toContain(`| Format | \`${format}\` |`)
      expect(result.summary).toContain(`| SHA-256 | \`${sha256(expected)}\` |`)
      expect(result.summary).toContain(`| File | \`${RUN}.${format}\` |`)
      expect(result.summary).toContain(`| Rows in the file | ${counted ? '3' : 'not counted for this format'} |`)
      expect(result.summary).toContain("| CoreClaw's row count | 3 |")
      expect(result.summary).toContain('<details><summary>Details</summary>')
      expect(result.summary).toContain(`| Export request id | \`${result.outputs['request-id']}\` |`)
      expect(result.summary).toContain('| Retries after failures | none |')
      expect(result.summary).not.toContain('Empty export')
      // Every table has a header: an empty one renders as a blank bar.
      expect(renderedSummary(result.summary)).not.toMatch(/<th>\s*<\/th>/)
      expect(summaryCells(result.summary).slice(0, 2)).toEqual(['Item', 'Value'])
      if (counted) {
        expect(result.summary).toContain(
          '#### First 3 rows\n\n| title | address | rating | reviews |\n|---|---|---|---|\n'
        )
        expect(summaryCells(result.summary)).toEqual(
          expect.arrayContaining(['Café "Le Nord", Paris', '12 Rue de Rivoli Paris', '4.2', '97'])
        )
      } else {
        expect(result.summary).not.toContain('#### First')
      }
      expectSecretsKept(result)
    }
  )

  const sampleValues = SAMPLE_ROWS.flatMap(row => [...Object.keys(row), ...Object.values(row).map(String)])

  test('format xlsx: a real workbook, its sheet and every value of the rows', async () => {
    const result = await step({ format: 'xlsx' })
    expect(result.code).toBe(0)
    const { sheets, values } = xlsxContents(readFileSync(result.outputs.path))
    expect(sheets).toEqual(['Results'])
    expect(sampleValues.filter(value => !values.includes(value))).toEqual([])
  })

  test('format xls: a real BIFF8 workbook, with every value of the rows', async () => {
    const result = await step({ format: 'xls' })
    expect(result.code).toBe(0)
    const bytes = readFileSync(result.outputs.path)
    expect(xlsHolds(bytes, 'Results')).toBe(true)
    expect(
      SAMPLE_ROWS.flatMap(row => [...Object.keys(row), row.title, row.address]).filter(text => !xlsHolds(bytes, text))
    ).toEqual([])
  })

  test('the output url is the download_url exactly as CoreClaw returned it; the log shows it without its query', async () => {
    const result = await step()
    const logged = result.stdout.split(/\r?\n/).find(line => line.startsWith('Downloading '))
    expect(logged).toBe(`Downloading ${result.outputs.url.split('?')[0]}`)
    expect(result.outputs.url).toContain('?q-sign-algorithm=sha1&')
  })

  test('requests read the run first, then export, then download; with a User-Agent naming the action', async () => {
    await step()
    expect(sandbox.requests.map(r => `${r.server} ${r.route}`)).toEqual(['api run', 'api export', 'storage download'])
    for (const request of sandbox.requests)
      // package.json is where the version lives; the bundle must say that one, not an older build's.
      expect(request.headers['user-agent']).toMatch(new RegExp(`^coreclaw-export-action/${PACKAGE_VERSION} `))
    expect(sandbox.requests[0].path).toBe(`/api/v2/worker-runs/${RUN}`)
    expect(sandbox.requests[1].path).toBe(`/api/v2/worker-runs/${RUN}/result/export`)
  })

  test('an empty (0-byte) export succeeds with a warning', async () => {
    sandbox.addRun({ slug: 'EMPTYRUN', size: 0, results: 0 })
    const result = await step({ 'run-id': 'EMPTYRUN' })
    expect(result.code).toBe(0)
    expect(result.outputs.size).toBe('0')
    expect(result.outputs.sha256).toBe(sha256(Buffer.alloc(0)))
    expect(result.stdout).toMatch(
      /^::warning title=Empty export::The export of run EMPTYRUN is empty: CoreClaw reports 0 results for it\./m
    )
    expect(readFileSync(result.outputs.path)).toHaveLength(0)
  })

  test('a run that had succeeded gets no empty group: one group, the export; status lines stay outside', async () => {
    const result = await step()
    expect(result.stdout).not.toContain('::group::Run')
    expect(result.stdout).toMatch(/^Run 01KKDXV2G26BT7NH4ZQR2R4NPZ succeeded with 3 rows\.$/m)
    expect(result.stdout).toMatch(/::group::Export csv to /)
    expect(result.stdout.match(/::endgroup::/g)).toHaveLength(1)
  })

  test("a long wait shows its progress outside any group; the run's log comes in groups of its own", async () => {
    sandbox.addRun({ slug: 'SLOWRUN', statuses: ['ready', 'running', 'succeeded'] })
    const result = await step({ 'run-id': 'SLOWRUN' })
    const lines = result.stdout.split('\n')
    let depth = 0
    const outside: string[] = []
    for (const line of lines) {
      if (line.startsWith('::group::')) depth++
      else if (line.startsWith('::endgroup::')) depth--
      else if (depth === 0) outside.push(line)
    }
    expect(outside).toContain('Run SLOWRUN is ready, 1 row so far; waited 0 s of 600 s.')
    expect(lines).toContain('::group::Log of run SLOWRUN: lines 1–5')
  })
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

  test('a redirecting download follows each hop without credentials', async () => {
    sandbox.fail('download', { redirect: true })
    const result = await step({ 'auth-method': 'query' })
    expect(result.code).toBe(0)
    const storage = sandbox.requests.filter(r => r.server === 'storage')
    expect(storage.map(r => r.path.split('/')[1])).toEqual(['export', 'moved'])
    for (const request of storage) expect(JSON.stringify(request)).not.toContain(sandbox.apiKey)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })
})

describe('filter-keys', () => {
  test('normalised and sent as filter_keys=a,b; the file has only those fields', async () => {
    const result = await step({ 'filter-keys': ' title,\naddress, ,title\n', format: 'jsonl' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('export')[0].query).toEqual({ format: 'jsonl', filter_keys: 'title,address' })
    const rows = readFileSync(result.outputs.path, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line))
    expect(Object.keys(rows[0])).toEqual(['title', 'address'])
    expect(result.summary).toContain('| Filter keys | `title`, `address` |')
  })

  test('not sent when empty', async () => {
    await step({ 'filter-keys': ' \n ' })
    expect(sandbox.seen('export')[0].query).toEqual({ format: 'csv' })
  })
})

describe('path and overwrite', () => {
  test('a file path relative to the workspace, with missing folders created', async () => {
    const result = await step({ path: 'data/exports/places.csv' })
    expect(result.code).toBe(0)
    expect(result.outputs.path).toBe(path.join(result.workspace, 'data', 'exports', 'places.csv'))
    expect(filesIn(result.workspace)).toEqual([path.join('data', 'exports', 'places.csv')])
  })

  test('a path ending with a separator is a folder', async () => {
    const result = await step({ path: 'out/', format: 'json' })
    expect(result.outputs.path).toBe(path.join(result.workspace, 'out', `${RUN}.json`))
  })

  test('an existing folder gets <run-id>.<format> inside', async () => {
    const first = await step()
    mkdirSync(path.join(first.workspace, 'reports'))
    const result = await step({ path: 'reports' }, first.workspace)
    expect(result.outputs.path).toBe(path.join(first.workspace, 'reports', `${RUN}.csv`))
  })

  test('overwrite true replaces the file', async () => {
    const first = await step()
    writeFileSync(first.outputs.path, 'old')
    const result = await step({}, first.workspace)
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test('overwrite false with no file there writes it, and leaves no temporary file', async () => {
    const result = await step({ overwrite: 'false' })
    expect(result.code).toBe(0)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
    expect(filesIn(result.workspace)).toEqual([`${RUN}.csv`])
  })

  test('overwrite false with an existing file fails before any request and leaves the file untouched', async () => {
    const first = await step()
    writeFileSync(first.outputs.path, 'keep me')
    const before = sandbox.requests.length
    const result = await step({ overwrite: 'false' }, first.workspace)
    expect(result.code).toBe(1)
    expect(sandbox.requests.length).toBe(before)
    expect(readFileSync(first.outputs.path, 'utf8')).toBe('keep me')
    expect(errorLine(result)).toMatch(
      /already exists and overwriting is off; it was left untouched\. Set 'overwrite: true'/
    )
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
    expect(result.summary).toContain('| What to do |')
    expectSecretsKept(result)
    return result
  }

  test('a wrong key: 401 / 12002, with the request id and a hint about the secret', async () => {
    const result = await failing({ 'api-key': 'cc_wrong_key' })
    expect(errorLine(result)).toMatch(
      /^::error title=CoreClaw export failed::Run 01KKDXV2G26BT7NH4ZQR2R4NPZ: run detail request failed: HTTP 401: app code 12002 \(invalid token\): invalid token \[request_id: req-sandbox-1\]\. .*new key/
    )
    expect(result.outputs['request-id']).toBe('req-sandbox-1')
    expect(result.summary).toContain('| CoreClaw request id | `req-sandbox-1` |')
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

  test('a truncated download fails, leaves no partial file and keeps the previous file', async () => {
    const first = await step()
    writeFileSync(first.outputs.path, 'previous export')
    sandbox.fail('download', { truncateAt: 50 })
    const result = await step({ 'max-attempts': '1' }, first.workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      /download failed: the connection to http:\/\/[^ ]+\.csv closed before all 197 bytes arrived/
    )
    expect(filesIn(first.workspace)).toEqual([`${RUN}.csv`])
    expect(readFileSync(first.outputs.path, 'utf8')).toBe('previous export')
  })

  test('a run that has not succeeded is not exported; the error names its status', async () => {
    sandbox.addRun({ slug: 'FAILEDRUN', status: 'failed', errMsg: 'proxy pool exhausted' })
    const result = await failing({ 'run-id': 'FAILEDRUN' })
    expect(errorLine(result)).toMatch(
      /run FAILEDRUN is failed, not succeeded: proxy pool exhausted; nothing was exported/
    )
    expect(sandbox.seen('export')).toHaveLength(0)
  })
})

describe('invalid inputs fail before any request', () => {
  test.each([
    [{ format: 'ndjson' }, /Input 'format' is 'ndjson'\. Accepted: csv, json, jsonl, xlsx, xls, xml, html, rss/],
    [{ 'api-key': '' }, /Input 'api-key' is empty. Usually the secret is not set .*forks.*Dependabot/],
    [{ 'run-id': '' }, /Input 'run-id' is missing/],
    [{ 'run-id': '../etc' }, /Input 'run-id' is not a run slug/],
    [{ 'auth-method': 'basic' }, /Input 'auth-method' is 'basic'\. Accepted: bearer, header, query/],
    [{ 'base-url': 'ftp://coreclaw.example' }, /Input 'base-url' uses ftp:/],
    [{ overwrite: 'yes' }, /Input 'overwrite' is 'yes'\. Accepted: true or false/],
    [{ 'max-attempts': '0' }, /Input 'max-attempts' is '0'/],
    [{ timeout: 'x' }, /Input 'timeout' is 'x'/],
    [{ 'wait-timeout': '-5' }, /Input 'wait-timeout' is '-5'/],
    [{ 'worker-id': 'nobody/../x' }, /Input 'worker-id' is not valid: 'nobody\/\.\.\/x'/]
  ])('%p', async (inputs, message) => {
    const result = await step(inputs as Record<string, string>)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(message)
    expect(errorLine(result)).toMatch(/^::error title=CoreClaw export failed::/)
    expect(sandbox.requests).toEqual([])
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('the key is masked before validation can print anything', async () => {
    const result = await step({ format: 'nope' })
    expect(result.stdout.split(/\r?\n/)[0]).toBe(`::add-mask::${sandbox.apiKey}`)
  })
})

test('the summary is skipped quietly without GITHUB_STEP_SUMMARY', async () => {
  const result = await runAction({
    inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl },
    env: { GITHUB_STEP_SUMMARY: '' }
  })
  expect(result.code).toBe(0)
  expect(existsSync(result.outputs.path)).toBe(true)
  expect(result.stdout + result.stderr).not.toMatch(/summary/i)
})
