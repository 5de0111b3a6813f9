// The file the step leaves, end to end on the bundle: every format's bytes, where it lands
// (`path`, `overwrite`), what an empty export or a contradicting name does, the row count, and that
// a short write or a cancelled step keeps the previous file and leaves no partial one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { SAMPLE_ROWS } from '../sandbox/coreclaw.js'
import { runAction, startAction } from '../sandbox/runner.js'
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
  summaryFact,
  type Sandbox,
  until,
  verdictOf,
  withCmark
} from './helpers.js'

const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

/**
 * POSIX only. `ulimit -f` is bash's. And although the runner does cancel a Windows step with Ctrl-C
 * (Node's SIGINT) and then Ctrl-Break (SIGBREAK), a test can't send those: Node's
 * child.kill('SIGINT') on Windows is TerminateProcess, which ends the child outright, and a console
 * control event reaches every process on the console, jest included. The Windows handling is
 * unit-tested with the signals emitted (cancellation.test.ts).
 */
const describePosix = process.platform === 'win32' ? describe.skip : describe

/** A workspace that already holds yesterday's export under the name today's would take. */
async function withPreviousFile(name: string): Promise<string> {
  const first = await step()
  writeFileSync(path.join(first.workspace, name), 'yesterday')
  return first.workspace
}

const HEADER_ONLY = [{}] as object[]

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
        changed: '',
        'rows-added': '',
        'rows-removed': '',
        'rows-changed': '',
        'previous-sha256': '',
        'request-id': expect.stringMatching(/^req-sandbox-\d+$/)
      })
      const exportCall = sandbox.seen('export')[0]
      expect(exportCall.query).toEqual({ format })
      expect(sandbox.seen('download')).toHaveLength(1)
      expect(filesIn(result.workspace)).toEqual([`${RUN}.${format}`])
      const size = expected.length < 1024 ? `${expected.length} B` : `${(expected.length / 1024).toFixed(1)} KiB`
      expect(verdictOf(result.summary)).toBe(
        `**Exported ${counted ? '3 rows of ' : ''}run \`${RUN}\` to \`${RUN}.${format}\`** (${size}).`
      )
      expect(summaryFact(result.summary, 'File')).toMatch(new RegExp(`^\`${RUN}\\.${format}\`: ${format}, `))
      expect(summaryFact(result.summary, 'SHA-256')).toBe(`\`${sha256(expected)}\``)
      expect(summaryFact(result.summary, 'Rows')).toBe(
        `${counted ? '3 in the file' : 'not counted for this format'}; CoreClaw counts 3`
      )
      // Not waited for, not started here: nothing about a wait or a log.
      expect(summaryFact(result.summary, 'Run log')).toBeUndefined()
      expect(summaryFact(result.summary, 'Waited for the run')).toBeUndefined()
      expect(result.summary).toContain('<details><summary>Details</summary>')
      expect(summaryFact(result.summary, 'Export request id')).toBe(`\`${result.outputs['request-id']}\``)
      expect(summaryFact(result.summary, 'Retries after failures')).toBe('none')
      expect(result.summary).not.toContain('Empty export')
      // No generic header row; and every table has a header (an empty one renders as a blank bar).
      expect(result.summary).not.toContain('| Item | Value |')
      expect(renderedSummary(result.summary)).not.toMatch(/<th>\s*<\/th>/)
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

describe('if-empty', () => {
  test.each([
    ['CoreClaw reports 0 results', { slug: 'NORESULTS', rows: [], results: 0 }, 'CoreClaw reports 0 results for it'],
    ['a CSV with only its header', { slug: 'HEADERONLY', rows: HEADER_ONLY, results: 1 }, 'the file has 0 rows'],
    ['0 bytes', { slug: 'ZEROBYTES', size: 0, results: 1 }, 'the file is 0 bytes']
  ])('warn (the default): %s is saved, with a warning that says why', async (_, run, why) => {
    sandbox.addRun(run)
    const result = await step({ 'run-id': run.slug })
    expect(result.code).toBe(0)
    expect(existsSync(result.outputs.path)).toBe(true)
    expect(result.stdout).toContain(`::warning title=Empty export::The export of run ${run.slug} is empty: ${why}.`)
    // The summary says so itself, above the table: "0" in a row reads like a success at a glance.
    expect(result.summary).toMatch(/^### CoreClaw export\n\n\*\*Empty export\*\*: /)
  })

  test.each([
    ['CoreClaw reports 0 results: nothing is downloaded', { slug: 'NORESULTS', rows: [], results: 0 }, 0],
    [
      'a CSV with only its header: downloaded, never moved into place',
      { slug: 'HEADERONLY', rows: HEADER_ONLY, results: 1 },
      1
    ],
    ['[] in json', { slug: 'EMPTYJSON', rows: [], results: 1, format: 'json' }, 1],
    ['no lines in jsonl', { slug: 'EMPTYJSONL', rows: [], results: 1, format: 'jsonl' }, 1]
  ])('error: %s; the step fails and the previous file stays', async (_, run, downloads) => {
    const format = 'format' in run ? run.format : 'csv'
    sandbox.addRun(run)
    const workspace = await withPreviousFile(`${run.slug}.${format}`)
    const before = sandbox.seen('download').length
    const result = await step({ 'run-id': run.slug, 'if-empty': 'error', format }, workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      new RegExp(`the export of run ${run.slug} is empty: .*; nothing was written\\. .*'if-empty: warn'`)
    )
    expect(readFileSync(path.join(workspace, `${run.slug}.${format}`), 'utf8')).toBe('yesterday')
    expect(filesIn(workspace)).toEqual([`${RUN}.csv`, `${run.slug}.${format}`].sort())
    expect(sandbox.seen('download').length - before).toBe(downloads)
  })

  test('ignore: an empty export is saved without a warning', async () => {
    sandbox.addRun({ slug: 'NORESULTS', rows: [], results: 0 })
    const result = await step({ 'run-id': 'NORESULTS', 'if-empty': 'ignore' })
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('::warning')
    expect(result.stdout).toContain('The export of run NORESULTS is empty: CoreClaw reports 0 results for it.')
  })

  test('error: an export with rows passes', async () => {
    const result = await step({ 'if-empty': 'error' })
    expect(result.code).toBe(0)
  })

  test('a wrong value names what is accepted, before any request', async () => {
    const result = await step({ 'if-empty': 'fail' })
    expect(errorLine(result)).toContain("Input 'if-empty' is 'fail'. Set 'if-empty' to one of warn, error, ignore.")
    expect(sandbox.requests).toEqual([])
  })
})

describe('a file name that contradicts the format', () => {
  test.each([
    ['results.xlsx', 'csv', 'xlsx'],
    ['results.json', 'jsonl', 'json']
  ])('path %s with format %s: a warning that names both, before any request', async (file, format, extension) => {
    const result = await step({ path: file, format })
    expect(result.code).toBe(0)
    const warning = `::warning title=File name contradicts the format::The file ${file} will hold ${format} data, not ${extension}: set 'format: ${extension}', or name the file .${format}.`
    expect(result.stdout).toContain(warning)
    expect(result.stdout.indexOf(warning)).toBeLessThan(result.stdout.indexOf('Downloading'))
  })

  test.each([
    ['results.csv', 'csv'],
    ['results.txt', 'csv'],
    ['exports/', 'xlsx'],
    ['', 'json']
  ])('path "%s" with format %s: no warning', async (file, format) => {
    const result = await step({ path: file, format })
    expect(result.stdout).not.toContain('contradicts')
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

describe('a short write fails the step and keeps the previous file', () => {
  describePosix('under ulimit -f', () => {
    test('a file-size limit below the export: EFBIG, no partial file, the previous file intact', async () => {
      sandbox.addRun({ slug: 'BIGRUN', size: 1024 * 1024 })
      const first = await step({ 'run-id': 'BIGRUN', path: 'data.csv' })
      expect(first.code).toBe(0)
      writeFileSync(first.outputs.path, 'the previous export')
      const result = await runAction({
        inputs: { 'run-id': 'BIGRUN', 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, path: 'data.csv' },
        workspace: first.workspace,
        fileSizeLimitKb: 256
      })
      expect(result.code).toBe(1)
      expect(errorLine(result)).toMatch(/could not write .*data\.csv: EFBIG/)
      expect(errorLine(result)).toContain('file-size limit')
      expect(readFileSync(path.join(first.workspace, 'data.csv'), 'utf8')).toBe('the previous export')
      expect(filesIn(first.workspace)).toEqual(['data.csv'])
    })
  })
})

test('a 250-character file name: the temporary name is cut to fit, and the file lands', async () => {
  const name = `${'a'.repeat(246)}.csv`
  const result = await step({ path: name })
  expect(result.code).toBe(0)
  expect(filesIn(result.workspace)).toEqual([name])
})

describePosix('cancellation: the runner sends SIGINT, then SIGTERM', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-download removes the temporary file, keeps the previous one, and ends promptly',
    async signal => {
      // 8 MiB at 256 KiB every 500 ms: some 16 s to download, so only the signal can end it early.
      sandbox.addRun({ slug: 'SLOWRUN', size: 8 * 1024 * 1024 })
      const first = await step()
      // Queued after the first step's download, which would otherwise take it.
      sandbox.fail('download', { trickleMs: 500, trickleBytes: 256 * 1024 })
      const workspace = first.workspace
      writeFileSync(path.join(workspace, 'SLOWRUN.csv'), 'the previous export')
      const { child, result } = startAction({
        inputs: { 'run-id': 'SLOWRUN', 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl },
        workspace
      })
      await until(() => filesIn(workspace).some(name => name.endsWith('.part')))
      const signalled = Date.now()
      child.kill(signal)
      const ended = await result
      expect(ended.code === null ? ended.signal : ended.code).toBe(signal)
      expect(Date.now() - signalled).toBeLessThan(5000)
      expect(filesIn(workspace)).toEqual([`${RUN}.csv`, 'SLOWRUN.csv'])
      expect(readFileSync(path.join(workspace, 'SLOWRUN.csv'), 'utf8')).toBe('the previous export')
      expect(ended.stdout).toMatch(
        new RegExp(`^::error title=CoreClaw export failed::Run SLOWRUN: cancelled by ${signal}\\.`, 'm')
      )
      expect(existsSync(ended.outputs.path ?? '')).toBe(false)
    }
  )
})
