// Everything a server sends is data. A hostile CoreClaw (or anything answering in its place) tries
// to inject workflow commands, break the summary's tables and flood the log, the summary and the
// outputs; the bundle must keep them all intact and bounded. Then the messages a person reads:
// they name what was asked for and say what to do, once.
import { startSandbox } from '../sandbox/coreclaw.js'
import {
  RUN,
  errorLine,
  expectSecretsKept,
  filesIn,
  retryLines,
  sandboxWithRun,
  stepAgainst,
  renderedSummary,
  summaryCells,
  summaryRow,
  type Sandbox,
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

describe('server text stays data', () => {
  test('results carrying workflow commands: not in the log as commands, not an output, not a summary row', async () => {
    sandbox.fail('run', detail({ results: INJECTION }))
    const result = await step()
    expect(result.code).toBe(0)
    expectNoInjection(result)
    expect(result.stdout).toContain(`Run ${RUN} succeeded with an unknown number of rows.`)
    expect(result.outputs['result-count']).toBe('')
    expect(result.outputs.rows).toBe('3')
    expect(result.summary).toContain("| CoreClaw's row count | unknown |")
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
    expect(summaryRow(result.summary, 'What happened')).toContain('proxy\\n::error::forged\\r\\n| --- |')
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

describe('a secret is never shown, however it is escaped', () => {
  /** A key with every punctuation an escaper touches: the summary would show `sk&#45;…`, which no mask matches. */
  const KEY = 'sk-SECRET_key.v2+a/b=c9'

  withCmark(
    'a key that a server echoes is *** in the annotation, the log and the summary (rendered, entities decoded)',
    async () => {
      await sandbox.close()
      sandbox = await startSandbox({ apiKey: KEY, runs: [{ slug: RUN }] })
      step = stepAgainst(sandbox)
      sandbox.fail('run', { status: 401, code: 12002, message: `invalid token ${KEY} (ends ${KEY.slice(3)})` })
      const result = await step()
      expect(result.code).toBe(1)
      expect(errorLine(result)).toContain('invalid token *** (ends SECRET_key.v2+a/b=c9)')
      expectSecretsKept(result)
      const shown = summaryCells(result.summary).join('\n')
      expect(shown).toContain('invalid token ***')
      expect(shown).not.toContain(KEY)
      expect(result.summary).not.toMatch(/sk&#45;SECRET/)
    }
  )

  test("a signed link's signature that a server echoes is *** too", async () => {
    const signature = 'q-signature=0123456789abcdef0123456789abcdef'
    // The first link is refused, and CoreClaw's answer to the fresh export quotes the old link.
    sandbox.fail(
      'export',
      { envelope: { code: 0, data: { download_url: `${sandbox.storageUrl}/nowhere.csv?${signature}` } } },
      { status: 400, code: 11000, message: `the link ${signature} is dead` }
    )
    sandbox.fail('download', { status: 403 })
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('the link q-signature=*** is dead')
    expect(`${result.stdout}${result.summary}`).not.toContain('0123456789abcdef0123456789abcdef')
  })
})

describe('a secret is redacted in the whole text before anything is cut', () => {
  /** 29 characters, as in issue #26. */
  const KEY = 'sk-SECRETKEY-0123456789abcdef'

  beforeEach(async () => {
    await sandbox.close()
    sandbox = await startSandbox({ apiKey: KEY, runs: [{ slug: RUN }] })
    step = stepAgainst(sandbox)
  })

  /** No run of 8 or more of the key's leading characters, nor its tail, anywhere but the add-mask line. */
  function expectNoPartOfKey(result: Step): void {
    expectSecretsKept(result)
    const everything = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
      .join('\n')
      .split(/\r?\n/)
      .filter(line => line !== `::add-mask::${KEY}`)
      .join('\n')
    expect(everything).not.toContain(KEY.slice(0, 8))
    expect(everything).not.toContain(KEY.slice(14))
    expect(result.summary).not.toMatch(/sk&#45;SECRET/)
  }

  test('a 502 page that quotes the key 70 characters in: not 27 of its 29 characters in the log and the summary', async () => {
    sandbox.fail('run', { status: 502, body: `${'f'.repeat(70)} Authorization: Bearer ${KEY} more` })
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('Authorization: Bearer ***')
    expectNoPartOfKey(result)
  })

  test('details with the key at the 1024-character cut: not its first 11 characters', async () => {
    const details = `${'x'.repeat(1024 - 1 - 11)}${KEY}`
    sandbox.fail('export', { status: 400, code: 11000, message: 'bad', details })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/\(details: "x+\*\*\*"\)/)
    expectNoPartOfKey(result)
  })

  test('a server that echoes the key cut short: a run of its first characters is replaced too', async () => {
    sandbox.fail('export', { status: 401, code: 12002, message: `invalid token ${KEY.slice(0, 20)}…` })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('invalid token ***…')
    expectNoPartOfKey(result)
  })

  test('the key sent back as request_id: not in the annotation, the summary or the request-id output', async () => {
    sandbox.fail('export', { status: 400, envelope: { code: 11000, message: 'bad', request_id: KEY } })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('[request_id: ***]')
    expect(result.outputs['request-id']).toBe('***')
    expectNoPartOfKey(result)
  })

  test('the key in one log entry, split by a line break: redacted whole, not printed in two pieces', async () => {
    sandbox.addRun({ slug: 'WAITEDRUN', statuses: ['running', 'succeeded'] })
    sandbox.fail('log', {
      envelope: { code: 0, data: { list: [`one entry: ${KEY.slice(0, 14)}\n${KEY.slice(14)} end`] } }
    })
    const result = await step({ 'run-id': 'WAITEDRUN' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\| one entry: \*\*\* end$/m)
    expectNoPartOfKey(result)
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

  test.each<Record<string, string>>([{ 'run-id': 'a b' }, { format: 'nope' }, { 'max-attempts': '0' }])(
    'no doubled full stops: %p',
    async inputs => {
      const result = await step(inputs)
      expect(result.code).toBe(1)
      expect(errorLine(result)).not.toMatch(/\.\.( |$)/)
    }
  )

  test('unknown filter keys are an invalid argument (11000) that names the inputs to check', async () => {
    const result = await step({ 'filter-keys': 'title,nosuchkey' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      /app code 11000 \(invalid argument\).*unknown keys: nosuchkey.*check 'format' and 'filter-keys'/
    )
  })
})

describe('the summary counts retries, not polls', () => {
  test('a run polled twice without a failure shows no retries', async () => {
    sandbox.addRun({ slug: 'POLLEDRUN', statuses: ['running', 'succeeded'] })
    const result = await step({ 'run-id': 'POLLEDRUN' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('run')).toHaveLength(2)
    expect(result.summary).toContain('| Retries after failures | none |')
  })

  test('a 503 that is retried once shows one retry', async () => {
    sandbox.fail('export', { status: 503, code: 10000, message: 'busy', headers: { 'retry-after': '0' } })
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.summary).toContain('| Retries after failures | export request: 1 |')
  })
})

describe('rows in the file', () => {
  test("a count that differs from CoreClaw's results raises a warning, and `rows` is the file's count", async () => {
    sandbox.addRun({ slug: 'SHORTRUN', results: 5 })
    const result = await step({ 'run-id': 'SHORTRUN', format: 'jsonl' })
    expect(result.code).toBe(0)
    expect(result.outputs.rows).toBe('3')
    expect(result.outputs['result-count']).toBe('5')
    expect(result.stdout).toMatch(
      /^::warning title=Row count differs::The file has 3 rows, fewer than the 5 CoreClaw reports for run SHORTRUN: the export may be incomplete\./m
    )
  })

  test('more rows than CoreClaw reports says so, and does not call the file incomplete', async () => {
    sandbox.addRun({ slug: 'LONGRUN', results: 2 })
    const result = await step({ 'run-id': 'LONGRUN', format: 'csv' })
    expect(result.stdout).toMatch(
      /^::warning title=Row count differs::The file has 3 rows, more than the 2 CoreClaw reports for run LONGRUN: CoreClaw's count may lag/m
    )
    expect(result.stdout).not.toContain('incomplete')
  })

  test('matching counts raise no warning', async () => {
    const result = await step({ format: 'json' })
    expect(result.outputs.rows).toBe('3')
    expect(result.stdout).not.toContain('Row count differs')
  })

  test('rows are counted in the decoded file when storage compresses it', async () => {
    sandbox.fail('download', { encoding: 'gzip' })
    const result = await step()
    expect(result.outputs.rows).toBe('3')
  })
})
