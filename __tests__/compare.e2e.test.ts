// What changed since the previous export, end to end on the bundle: the step compares the file it
// downloads with the one it replaces (or one `compare-with` names) before the rename, and says what
// changed in its outputs, its log and the first line of the summary.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { startSandbox } from '../sandbox/coreclaw.js'
import { makeTempDir, runAction } from '../sandbox/runner.js'
import {
  errorLine,
  renderedSummary,
  sha256,
  summaryCells,
  type Sandbox,
  type Step,
  verdictOf,
  withCmark
} from './helpers.js'

const BEFORE = [
  { place_id: 'p1', name: 'Cafe "A"', rating: '4.5' },
  { place_id: 'p2', name: 'two\nlines', rating: '4.0' },
  { place_id: 'p3', name: 'Closed', rating: '3.9' }
]
const AFTER = [
  { rating: '4.5', place_id: 'p1', name: 'Cafe "A"', phone: '1' },
  { rating: '4.1', place_id: 'p2', name: 'two\nlines', phone: '2' },
  { rating: '5', place_id: 'p9', name: 'New <b>place</b>', phone: '3' }
]

let sandbox: Sandbox
let workspace: string
beforeEach(async () => {
  sandbox = await startSandbox({
    runs: [
      { slug: 'BEFORE', rows: BEFORE },
      { slug: 'AFTER', rows: AFTER }
    ]
  })
  workspace = makeTempDir('coreclaw-workspace-')
})
afterEach(() => sandbox.close())

/** Exports `run` to data/places.<format> in the shared workspace. */
function exportRun(run: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<Step> {
  const format = inputs.format ?? 'csv'
  return runAction({
    inputs: {
      'run-id': run,
      'api-key': sandbox.apiKey,
      'base-url': sandbox.apiUrl,
      path: `data/places.${format}`,
      ...inputs
    },
    workspace,
    env
  })
}

const comparisonOutputs = ({ outputs }: Step) => ({
  changed: outputs.changed,
  added: outputs['rows-added'],
  removed: outputs['rows-removed'],
  rowsChanged: outputs['rows-changed']
})

test('the first export has nothing to compare with: the outputs are empty, and the log says why', async () => {
  const result = await exportRun('BEFORE', { 'key-fields': 'place_id' })
  expect(result.code).toBe(0)
  expect(comparisonOutputs(result)).toEqual({ changed: '', added: '', removed: '', rowsChanged: '' })
  expect(result.outputs['previous-sha256']).toBe('')
  expect(result.stdout).toContain(
    `Nothing to compare with: there is no file at ${path.join(workspace, 'data', 'places.csv')} yet.`
  )
  expect(verdictOf(result.summary)).toBe('**Exported 3 rows of run `BEFORE` to `data/places.csv`** (78 B).')
})

describe.each(['csv', 'json', 'jsonl'])('%s', format => {
  // CSV compares rows on the columns both files have, and reports the new column phone as such;
  // a JSON row is a value, and phone is a new field in each row that has it.
  const changedRows = format === 'csv' ? 1 : 2

  test('with key-fields: rows added, removed and changed, against the file the export replaces', async () => {
    const first = await exportRun('BEFORE', { format })
    const previous = readFileSync(first.outputs.path)
    const result = await exportRun('AFTER', { format, 'key-fields': 'place_id' })
    expect(result.code).toBe(0)
    expect(comparisonOutputs(result)).toEqual({
      changed: 'true',
      added: '1',
      removed: '1',
      rowsChanged: String(changedRows)
    })
    expect(result.outputs['previous-sha256']).toBe(sha256(previous))
    const columns = format === 'csv' ? ', column phone added' : ''
    expect(result.stdout).toContain(
      `Compared with data/places.${format}, rows: 1 added, 1 removed, ${changedRows} changed${columns}.`
    )
    expect(verdictOf(result.summary)).toMatch(
      new RegExp(
        `^\\*\\*Exported 3 rows of run \`AFTER\` to \`data/places\\.${format}\`\\*\\* \\(\\d+ B\\): 1 added, 1 removed, ${changedRows} changed${format === 'csv' ? ', column `phone` added' : ''} since the previous export\\.$`
      )
    )
  })

  test('without key-fields rows compare whole: the changed row is one removed and one added', async () => {
    await exportRun('BEFORE', { format })
    const result = await exportRun('AFTER', { format })
    expect(comparisonOutputs(result)).toEqual({
      changed: 'true',
      added: String(1 + changedRows),
      removed: String(1 + changedRows),
      rowsChanged: ''
    })
  })

  test('the same rows exported again: changed is false', async () => {
    await exportRun('BEFORE', { format })
    const result = await exportRun('BEFORE', { format, 'key-fields': 'place_id' })
    expect(comparisonOutputs(result)).toEqual({ changed: 'false', added: '0', removed: '0', rowsChanged: '0' })
    expect(verdictOf(result.summary)).toContain(': no rows added, removed or changed since the previous export.')
  })
})

test('CSV: a BOM, CRLF, quoted line breaks and moved columns in the earlier file change nothing', async () => {
  mkdirSync(path.join(workspace, 'data'))
  // The same rows as the export of BEFORE, written by another tool.
  const rewritten = '\uFEFFrating,name,place_id\n4.5,"Cafe ""A""",p1\n"4.0","two\nlines",p2\n3.9,Closed,"p3"\n'
  writeFileSync(path.join(workspace, 'data', 'places.csv'), rewritten)
  const result = await exportRun('BEFORE')
  expect(comparisonOutputs(result)).toEqual({ changed: 'false', added: '0', removed: '0', rowsChanged: '' })
})

test('CSV: a column the earlier file had is reported removed, and a row it had twice counts once removed', async () => {
  mkdirSync(path.join(workspace, 'data'))
  const earlier =
    'place_id,name,rating,closed\np1,"Cafe ""A""",4.5,no\np2,"two\nlines",4.0,no\np3,Closed,3.9,yes\np3,Closed,3.9,yes\n'
  writeFileSync(path.join(workspace, 'data', 'places.csv'), earlier)
  const result = await exportRun('BEFORE')
  expect(comparisonOutputs(result)).toEqual({ changed: 'true', added: '0', removed: '1', rowsChanged: '' })
  expect(result.stdout).toContain('Compared with data/places.csv, rows: 0 added, 1 removed, column closed removed.')
})

test('key-fields that are not columns of both files: a notice, and rows compared whole', async () => {
  await exportRun('BEFORE')
  const result = await exportRun('AFTER', { 'key-fields': 'nope' })
  expect(comparisonOutputs(result)).toEqual({ changed: 'true', added: '2', removed: '2', rowsChanged: '' })
  expect(result.stdout).toMatch(
    /^::notice title=Rows compared whole::The key field nope is not a column of both files, so rows were compared whole\.$/m
  )
})

test('compare-with names an earlier export elsewhere (restored from a cache, say); the destination is new', async () => {
  const earlier = path.join(workspace, 'cache', 'places.csv')
  mkdirSync(path.dirname(earlier))
  const first = await exportRun('BEFORE')
  writeFileSync(earlier, readFileSync(first.outputs.path))
  const result = await exportRun('AFTER', {
    path: 'out/new.csv',
    'compare-with': 'cache/places.csv',
    'key-fields': 'place_id'
  })
  expect(comparisonOutputs(result)).toEqual({ changed: 'true', added: '1', removed: '1', rowsChanged: '1' })
  expect(verdictOf(result.summary)).toContain('since `cache/places.csv`.')
})

test('a file in RUNNER_TEMP may be compared with', async () => {
  const temp = makeTempDir('coreclaw-runner-temp-')
  writeFileSync(path.join(temp, 'earlier.csv'), 'place_id,name,rating\np1,x,1\n')
  const result = await exportRun('BEFORE', { 'compare-with': path.join(temp, 'earlier.csv') }, { RUNNER_TEMP: temp })
  expect(result.code).toBe(0)
  expect(result.outputs.changed).toBe('true')
})

describe('a compare-with that cannot be read fails before any request, so nothing is billed', () => {
  /** A file beside the workspace, as ../<folder>/outside.csv from it. */
  const outside = () => {
    const file = path.join(makeTempDir('coreclaw-outside-'), 'outside.csv')
    writeFileSync(file, 'a\n1\n')
    return path.relative(workspace, file)
  }

  test.each([
    ['missing', () => 'cache/nowhere.csv', "Input 'compare-with' names a file that does not exist: cache/nowhere.csv"],
    ['a folder', () => 'data', "Input 'compare-with' is not a regular file: data"],
    ['outside the workspace', outside, "Input 'compare-with' leads outside the workspace: ../coreclaw-outside-"]
  ])('%s', async (_, name, message) => {
    mkdirSync(path.join(workspace, 'data'))
    const result = await exportRun('BEFORE', { 'compare-with': name() })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(message)
    expect(sandbox.requests).toEqual([])
  })
})

test('compare-with: none compares nothing; key-fields then gets a warning', async () => {
  await exportRun('BEFORE')
  const result = await exportRun('AFTER', { 'compare-with': 'none', 'key-fields': 'place_id' })
  expect(result.code).toBe(0)
  expect(comparisonOutputs(result)).toEqual({ changed: '', added: '', removed: '', rowsChanged: '' })
  expect(result.stdout).toMatch(
    /^::warning::'key-fields' is only used to compare exports, and 'compare-with: none'; ignoring it\.$/m
  )
})

test('formats without rows are compared by their bytes: changed, and no row counts', async () => {
  await exportRun('BEFORE', { format: 'xml' })
  const same = await exportRun('BEFORE', { format: 'xml' })
  expect(comparisonOutputs(same)).toEqual({ changed: 'false', added: '', removed: '', rowsChanged: '' })
  expect(verdictOf(same.summary)).toContain(': the same bytes as the previous export.')
  const other = await exportRun('AFTER', { format: 'xml' })
  expect(other.outputs.changed).toBe('true')
})

test('an earlier file that is not the format (JSON where CSV is exported): a notice, and changed by bytes', async () => {
  mkdirSync(path.join(workspace, 'data'))
  writeFileSync(path.join(workspace, 'data', 'places.csv'), JSON.stringify(BEFORE))
  const result = await exportRun('BEFORE')
  expect(result.code).toBe(0)
  expect(comparisonOutputs(result)).toEqual({ changed: 'true', added: '', removed: '', rowsChanged: '' })
  expect(result.stdout).toMatch(
    /^::notice title=Compared by bytes::The earlier export is not CSV whose rows can be compared \(.*\), so rows were not compared: the files were compared by their bytes\.$/m
  )
})

withCmark(
  'the summary shows the rows added, removed and changed, each escaped, a changed one as old → new',
  async () => {
    await exportRun('BEFORE')
    const result = await exportRun('AFTER', { 'key-fields': 'place_id' })
    const html = renderedSummary(result.summary)
    expect(html).toMatch(/<h4>1 row added<\/h4>/)
    expect(html).toMatch(/<h4>1 row removed<\/h4>/)
    expect(html).toMatch(/<h4>1 row changed<\/h4>/)
    expect(html).not.toContain('<b>place</b>')
    const cells = summaryCells(result.summary)
    expect(cells).toContain('New <b>place</b>')
    expect(cells).toContain('Closed')
    // Only the field that changed (the new phone column is reported as a column, not as a change).
    expect(cells[cells.indexOf('p2') + 1]).toBe('rating: 4.0 → 4.1')
  }
)

test('a million rows, keyed: exact counts (peak memory is the bench figure, BENCHMARKS.md)', async () => {
  const rows = 1_000_000
  const line = (i: number, rating: number) => `p${i},Shop number ${i},${rating},"Street ${i}, City"\n`
  const header = 'place_id,name,rating,address\n'
  const before: string[] = [header]
  const after: string[] = [header]
  for (let i = 0; i < rows; i++) {
    before.push(line(i, i % 50))
    if (i % 1000 === 5) continue
    after.push(line(i, i % 1000 === 7 ? 99 : i % 50))
  }
  for (let i = 0; i < 300; i++) after.push(line(rows + i, 1))
  mkdirSync(path.join(workspace, 'data'))
  writeFileSync(path.join(workspace, 'data', 'places.csv'), before.join(''))
  const bytes = Buffer.from(after.join(''))
  sandbox.fail('download', { bytes, headers: { 'content-type': 'text/csv' } })
  const result = await exportRun('BEFORE', { 'key-fields': 'place_id' })
  expect(result.code).toBe(0)
  expect(result.outputs.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  expect(comparisonOutputs(result)).toEqual({ changed: 'true', added: '300', removed: '1000', rowsChanged: '1000' })
  expect(verdictOf(result.summary)).toContain(': 300 added, 1,000 removed, 1,000 changed since the previous export.')
}, 120_000)
