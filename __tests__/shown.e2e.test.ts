// What people see: the log, the job summary and the outputs. Server text reaches the log through
// many channels (the run's own log, retry lines, the failure annotation, notices, debug lines), and
// in none of them can it give the runner an order. Every step here, as in every end-to-end suite,
// is read by the runner's own command rules (sandbox/runner-commands.js, through runner.js): a
// command the action did not mean to send fails the test. The summary is rendered by cmark-gfm,
// GitHub's renderer, so escaping is judged by what a reader would see; a secret is *** in every
// channel however it is escaped, and redacted before anything is cut.
import { existsSync, mkdirSync } from 'node:fs'
import * as path from 'node:path'
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { runAction } from '../sandbox/runner.js'
import { runnerCommands } from '../sandbox/runner-commands.js'
import {
  errorLine,
  expectSecretsKept,
  renderedSummary,
  RUN,
  sandboxWithRun,
  stepAgainst,
  summaryCells,
  summaryCellsHtml,
  summaryText,
  type Sandbox,
  type Step,
  withCmark,
  summaryFact
} from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

/** The runner would set the step's `path` output to /etc/passwd, if this reached it unescaped. */
const PAYLOAD = 'x ##[set-output name=path;]/etc/passwd'
const SHOWN = 'x ##\\[set-output name=path;]/etc/passwd'

/** Every command form of issue #26, one log entry each: eight legacy commands from one poll, and two new-style ones. */
const LOG_PAYLOADS = [
  'progress ##[set-output name=path;]/etc/passwd',
  '##[add-mask]everything',
  '##[error file=.github/workflows/release.yml;line=1;title=Security]Rotate your secrets now',
  '##[warning]forged',
  '##[group]forged',
  '##[endgroup]',
  '##[stop-commands]tok',
  '##[tok]',
  '::set-output name=path::/etc/passwd',
  '  ::add-mask::everything'
]

const OURS = ['add-mask', 'debug', 'error', 'warning', 'notice', 'group', 'endgroup']

/** The commands in a step's output, as the runner reads them: only the action's own. */
function expectOnlyOurCommands(result: Step): void {
  const commands = runnerCommands(result.stdout)
  expect(commands.filter(c => c.syntax === 'legacy')).toEqual([])
  expect(commands.map(c => c.command).filter(name => !OURS.includes(name))).toEqual([])
  expect(commands.filter(c => c.command === 'add-mask').map(c => c.data)).toEqual([sandbox.apiKey])
  expect(result.outputs.path ?? '').not.toBe('/etc/passwd')
}

test("the run's log: every command form, one entry each, printed as text", async () => {
  sandbox.addRun({ slug: 'LOGRUN', statuses: ['running', 'succeeded'], log: LOG_PAYLOADS })
  const result = await step({ 'run-id': 'LOGRUN' })
  expect(result.code).toBe(0)
  expectOnlyOurCommands(result)
  const shown = result.stdout.split('\n').filter(line => line.startsWith('| '))
  expect(shown.map(line => line.slice(2))).toEqual(
    LOG_PAYLOADS.map(entry => entry.replace(/#\[/g, '#\\[').replace(/^(\s*)::/, '$1\\::'))
  )
  expect(result.outputs.path).toMatch(/LOGRUN\.csv$/)
})

describe('one payload, every other channel', () => {
  test("a retry line: a 503 envelope's message", async () => {
    sandbox.fail('run', { status: 503, code: 10000, message: PAYLOAD })
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^run detail request failed: HTTP 503.*x ##\\\[set-output name=path;\]\/etc\/passwd.*retrying in/m
    )
    expectOnlyOurCommands(result)
  })

  test("a retry line: a 502 gateway page's body", async () => {
    sandbox.fail('run', { status: 502, body: `<html><body><h1>502 Bad Gateway</h1><p>${PAYLOAD}</p></body></html>` })
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`body starts: "502 Bad Gateway ${SHOWN}"`)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: an error envelope's message and details", async () => {
    sandbox.fail('export', { status: 400, code: 11000, message: PAYLOAD, details: { field: PAYLOAD } })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`app code 11000 (invalid argument): ${SHOWN} (details: {"field":"${SHOWN}"})`)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: a failed run's err_msg", async () => {
    sandbox.addRun({ slug: 'FAILEDRUN', status: 'failed', errMsg: PAYLOAD })
    const result = await step({ 'run-id': 'FAILEDRUN' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(SHOWN)
    expectOnlyOurCommands(result)
  })

  test("a debug line: the log endpoint's error message", async () => {
    sandbox.addRun({ slug: 'LOGFAILS', statuses: ['running', 'succeeded'] })
    sandbox.fail('log', { status: 500, code: 10000, message: PAYLOAD })
    const result = await step({ 'run-id': 'LOGFAILS' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::debug::could not read the log of run LOGFAILS: .*x ##\\\[set-output/m)
    expectOnlyOurCommands(result)
  })

  test("a notice: the schema call's error message, when the run starts unchecked", async () => {
    await sandbox.close()
    sandbox = await startSandbox({ runDurationMs: 500 })
    sandbox.fail('schema', { status: 500, code: 10000, message: PAYLOAD })
    const result = await runAction({
      inputs: {
        'run-id': 'new',
        'api-key': sandbox.apiKey,
        'base-url': sandbox.apiUrl,
        'worker-id': DEMO_WORKER.id,
        input: '{"parameters": {"custom": {"keywords": ["coffee"]}}}',
        'wait-timeout': '0'
      }
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::notice title=Input not checked::.*x ##\\\[set-output/m)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: the storage host's Content-Encoding header", async () => {
    sandbox.fail('download', { bytes: Buffer.from('a\n'), headers: { 'content-encoding': PAYLOAD } })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`Content-Encoding "${SHOWN}"`)
    expectOnlyOurCommands(result)
  })
})

test('the oracle itself fails a step whose output holds an unescaped command', async () => {
  // A real step, then its output with the escape taken out: what 1.4.0 printed.
  sandbox.addRun({ slug: 'LOGRUN', statuses: ['running', 'succeeded'], log: [PAYLOAD] })
  const result = await step({ 'run-id': 'LOGRUN' })
  const unescaped = result.stdout.replace('##\\[', '##[')
  expect(
    runnerCommands(unescaped)
      .filter(c => c.syntax === 'legacy')
      .map(c => [c.command, c.properties, c.data])
  ).toEqual([['set-output', { name: 'path' }, '/etc/passwd']])
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
      const shown = summaryText(result.summary, 'Failed:') ?? ''
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

describe('the summary counts retries, not polls', () => {
  test('a run polled twice without a failure shows no retries', async () => {
    sandbox.addRun({ slug: 'POLLEDRUN', statuses: ['running', 'succeeded'] })
    const result = await step({ 'run-id': 'POLLEDRUN' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('run')).toHaveLength(2)
    expect(summaryFact(result.summary, 'Retries after failures')).toBe('none')
  })

  test('a 503 that is retried once shows one retry', async () => {
    sandbox.fail('export', { status: 503, code: 10000, message: 'busy', headers: { 'retry-after': '0' } })
    const result = await step()
    expect(result.code).toBe(0)
    expect(summaryFact(result.summary, 'Retries after failures')).toBe('export request: 1')
  })

  test('the output url is the download_url exactly as CoreClaw returned it; the log shows it without its query', async () => {
    const result = await step()
    const logged = result.stdout.split(/\r?\n/).find(line => line.startsWith('Downloading '))
    expect(logged).toBe(`Downloading ${result.outputs.url.split('?')[0]}`)
    expect(result.outputs.url).toContain('?q-sign-algorithm=sha1&')
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
    const happened = summaryText(result.summary, 'Failed:')
    expect(happened).toContain(HOSTILE[1])
    expect(happened).toContain('![x](https://evil.example/t.png)')
    expect(renderedSummary(result.summary)).not.toMatch(/<(img|a)\b/)
  })
})

describe('text that reaches people', () => {
  test('bidirectional and zero-width characters from the server are shown, not obeyed', async () => {
    sandbox.addRun({ slug: 'BIDIRUN', status: 'failed', errMsg: 'see \u202Egnp.exe and pay\u200Bpal' })
    const result = await step({ 'run-id': 'BIDIRUN' })
    expect(errorLine(result)).toContain('see \\u202egnp.exe and pay\\u200bpal')
    expect(`${result.stdout}${result.summary}`).not.toMatch(/[\u202e\u200b]/)
  })
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

test('the summary is skipped quietly without GITHUB_STEP_SUMMARY', async () => {
  const result = await runAction({
    inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl },
    env: { GITHUB_STEP_SUMMARY: '' }
  })
  expect(result.code).toBe(0)
  expect(existsSync(result.outputs.path)).toBe(true)
  expect(result.stdout + result.stderr).not.toMatch(/summary/i)
})
