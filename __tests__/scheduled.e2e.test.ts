// Scheduled workflows: no wrong or empty data passes without a word. The empty-export policy, a
// file name that contradicts the format, and `last-succeeded`, end to end on the bundle.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { errorLine, filesIn, RUN, sandboxWithRun, type Sandbox, type Step } from './helpers.js'

let sandbox: Sandbox
let step: Awaited<ReturnType<typeof sandboxWithRun>>['step']

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

/** A workspace that already holds yesterday's export under the name today's would take. */
async function withPreviousFile(name: string): Promise<string> {
  const first = await step()
  writeFileSync(path.join(first.workspace, name), 'yesterday')
  return first.workspace
}

const HEADER_ONLY = [{}] as object[]

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
    expect(errorLine(result)).toContain("Input 'if-empty' is 'fail'. Accepted: warn, error, ignore.")
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

describe('run-id: last-succeeded', () => {
  /** Added in this order; the newest by finished_at is neither the first nor the last in the list. */
  function addRuns(): void {
    sandbox.addRun({ slug: 'OLDEST', worker: 'acme/maps', finishedAt: 1764000000 })
    sandbox.addRun({ slug: 'NEWEST', worker: 'acme/maps', finishedAt: 1764900000 })
    sandbox.addRun({ slug: 'FAILEDLATER', worker: 'acme/maps', status: 'failed' })
    sandbox.addRun({ slug: 'TIEDEARLIER', worker: 'acme/maps', finishedAt: 1764900000, startedAt: 1763000000 })
    sandbox.addRun({ slug: 'MIDDLE', worker: 'acme/maps', finishedAt: 1764500000 })
    sandbox.addRun({ slug: 'OTHERWORKER', worker: 'acme/other', finishedAt: 1765000000 })
  }

  test('the newest succeeded run of a worker, chosen by finished_at (then started_at), not by the list order', async () => {
    addRuns()
    const result = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/maps' })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe('NEWEST')
    expect(result.stdout).toContain(
      "run-id 'last-succeeded' of worker acme/maps is run NEWEST, finished 2025-12-05T02:00:00Z."
    )
    const list = sandbox.seen('list')
    expect(list).toHaveLength(1)
    expect(list[0].query).toEqual({ status: 'succeeded', limit: '100', worker_id: 'acme~maps' })
    // Resolved once: everything after speaks of that slug.
    expect(
      sandbox.requests.filter(r => r.route !== 'list').every(r => r.path.includes('NEWEST') || r.server === 'storage')
    ).toBe(true)
  })

  test("without worker-id: the account's newest succeeded run", async () => {
    addRuns()
    const result = await step({ 'run-id': 'last-succeeded' })
    expect(result.outputs['run-id']).toBe('OTHERWORKER')
    expect(sandbox.seen('list')[0].query).toEqual({ status: 'succeeded', limit: '100' })
  })

  test("the list is checked, not trusted: another worker's run, a run with no or a strange status, and a date beyond Date are passed over", async () => {
    sandbox.addRun({ slug: 'GOOD', worker: 'acme/scraper', finishedAt: 1764000000 })
    const listed = (slug: string, fields: object) => ({ slug, scraper_slug: 'acme/scraper', ...fields })
    sandbox.fail('list', {
      envelope: {
        code: 0,
        data: {
          list: [
            listed('GOOD', { status: 'succeeded', finished_at: 1764000000 }),
            listed('OTHERWORKER', { scraper_slug: 'acme/other', status: 'succeeded', finished_at: 1765000000 }),
            listed('NOSTATUS', { finished_at: 1765000001 }),
            listed('SHOUTING', { status: 'FAILED!', finished_at: 1765000002 }),
            listed('NOWORKER', { scraper_slug: undefined, status: 'succeeded', finished_at: 1765000003 }),
            listed('FARFUTURE', { status: 'succeeded', finished_at: 9e12, started_at: 9e12 })
          ]
        }
      }
    })
    const result = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/scraper' })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe('GOOD')
    expect(result.stdout).toContain("run-id 'last-succeeded' of worker acme/scraper is run GOOD, finished ")
  })

  test('no succeeded run: a clear error, nothing exported', async () => {
    sandbox.addRun({ slug: 'ONLYFAILED', worker: 'acme/none', status: 'failed' })
    const result: Step = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/none' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('no succeeded run of worker acme/none among the latest 100')
    expect(sandbox.seen('export')).toHaveLength(0)
  })
})
