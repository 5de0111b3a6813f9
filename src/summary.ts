/**
 * The job summary. Its first line is the verdict, a sentence that answers "did it work, and what
 * changed?" at a glance; then the facts as a short list; then the rows added, removed and changed
 * since the previous export; the first rows; and a collapsed block of request ids, timings and
 * retries. It names the file by its path in the workspace, never by the URL or its query string.
 * Server text and data go through `forCell`, and everything is bounded, so a summary stays a few
 * kilobytes whatever the server or the data hold (the runner drops summaries over 1 MiB).
 */
import * as path from 'node:path'
import type { ActionError } from './errors.js'
import type { DryRun, ExportResult, KnownRun, Outcome, StartedOnly, StartTarget } from './outcome.js'
import { cellText, objectsTable, type Preview } from './preview.js'
import { formatBytes, thousands } from './progress.js'
import type { ChangedRow } from './row-diff.js'
import { changesInWords } from './compare.js'
import { forCell, redact } from './server-text.js'

/** `workspace`: the file is named relative to it. */
export function renderSummary(outcome: Outcome, workspace: string): string {
  if (outcome.kind === 'started') return startedSummary(outcome)
  if (outcome.kind === 'dry-run') return dryRunSummary(outcome)
  return exportSummary(outcome, workspace)
}

/** Start only: the run, and how to export it later. */
function startedSummary({ runId, startedBy, requestId }: StartedOnly): string {
  const later =
    'workerId' in startedBy
      ? `with ${code('run-id: last-succeeded')} and ${code(`worker-id: ${startedBy.workerId}`)}, or ${code(`run-id: ${runId}`)}`
      : `with ${code(`run-id: ${runId}`)}`
  return [
    '### CoreClaw run started',
    '',
    `**Started run ${code(runId)}** of ${target(startedBy)} and left it running: nothing was exported (start only, ${code('wait-timeout: 0')}).`,
    '',
    list([
      ['Export it', `once it has finished, ${later}`],
      ['Start request id', requestId && code(requestId)]
    ]),
    ''
  ].join('\n')
}

/** Dry run: what would have been started, and what was checked. */
function dryRunSummary({ target: what, version, inputChecked }: DryRun): string {
  const verdict =
    'workerId' in what && inputChecked
      ? `**Dry run: the input matches the input schema of ${target(what)}**; nothing was started.`
      : `**Dry run: ${target(what)} exists**; nothing was started.`
  return [
    '### CoreClaw dry run',
    '',
    verdict,
    '',
    list([
      ['Would start', target(what)],
      ['Version', version && `${code(version)} (not checked: CoreClaw lists no versions)`],
      [
        'Input',
        'workerId' in what ? (inputChecked ? "checked against the worker's input schema" : 'none given') : undefined
      ]
    ]),
    ''
  ].join('\n')
}

function exportSummary(result: ExportResult, workspace: string): string {
  const file = shownPath(result.path, workspace)
  const { startedBy, durationSeconds, usage, logLines, waited } = result.run
  const comparison = result.comparison
  const changes = changesSection(result)
  const facts = list([
    [
      'Run',
      [code(result.runId), startedBy && `started by this step (${target(startedBy)})`].filter(Boolean).join(', ')
    ],
    ['Run duration', durationSeconds !== undefined ? `${number(durationSeconds)} s` : undefined],
    // CoreClaw calls it "platform-recorded resource usage" and gives no unit; so does the summary.
    ['Resource usage (as CoreClaw records it)', usage !== undefined ? code(usage) : undefined],
    [
      'Run log',
      logLines &&
        `${number(logLines.shown)} lines shown${logLines.leftOut > 0 ? `, ${number(logLines.leftOut)} more left out` : ''}`
    ],
    ['Waited for the run', startedBy || waited ? seconds(result.details.timings.waitMs) : undefined],
    ['File', `${code(file)}: ${result.format}, ${size(result.size)}`],
    ['Rows', rowCounts(result)],
    ['Fields', result.filterKeys.length ? result.filterKeys.map(code).join(', ') : undefined],
    [
      'SHA-256',
      `${code(result.sha256)}${result.verified ? `, and the storage checksum verified (${result.verified})` : ''}`
    ],
    ['Compared with', comparison && comparedWith(comparison)]
  ])
  return [
    '### CoreClaw export',
    '',
    // An empty file must not read like a success at a glance: that comes first.
    ...(emptyBecause(result) ? [`**Empty export**: ${emptyBecause(result)}.`, ''] : []),
    verdict(result, file),
    '',
    facts,
    '',
    // The rows that changed, or else the first rows: a reader wants one table of data, not two.
    ...(changes.length > 0 ? changes : result.preview ? previewSection(result.preview) : []),
    '<details><summary>Details</summary>',
    '',
    detailsList(result),
    '',
    '</details>',
    ''
  ].join('\n')
}

/** "Exported 1,204 rows of run `X` to `exports/X.csv` (8.7 KiB): 12 added, 3 removed, 40 changed since the previous export." */
function verdict(result: ExportResult, file: string): string {
  const rows = result.rows === undefined ? '' : `${number(result.rows)} ${result.rows === 1 ? 'row' : 'rows'} of `
  const exported = `**Exported ${rows}run ${code(result.runId)} to ${code(file)}** (${formatBytes(result.size)})`
  const comparison = result.comparison
  if (!comparison) return `${exported}.`
  const earlier = comparison.previous ? 'the previous export' : code(comparison.with)
  if (!comparison.rows) {
    return comparison.changed
      ? `${exported}: changed since ${earlier} (compared by bytes).`
      : `${exported}: the same bytes as ${earlier}.`
  }
  return `${exported}: ${changesInWords(comparison.rows, dataCode)} since ${earlier}.`
}

function comparedWith({
  with: shown,
  previous,
  previousSha256,
  notice
}: NonNullable<ExportResult['comparison']>): string {
  const which = previous ? `the previous export, ${code(shown)}` : code(shown)
  return `${which} (SHA-256 ${code(previousSha256)})${notice ? `: ${forCell(notice, 300)}` : ''}`
}

/** The rows added, removed and changed, the first few of each. */
function changesSection({ comparison }: ExportResult): string[] {
  const rows = comparison?.rows
  if (!rows) return []
  const { added, removed, changed, examples } = rows
  return [
    ...rowsTable(`${countOf(added, 'row')} added`, added, examples.added),
    ...rowsTable(`${countOf(removed, 'row')} removed`, removed, examples.removed),
    ...changedTable(changed ?? 0, examples.changed)
  ]
}

function rowsTable(title: string, total: number, examples: unknown[]): string[] {
  const table = objectsTable(examples)
  if (!table || total === 0) return []
  return [`#### ${title}${total > examples.length ? `: the first ${examples.length}` : ''}`, '', ...gridOf(table), '']
}

/** A changed row: its key, then only the fields that changed, as old → new. */
function changedTable(total: number, examples: ChangedRow[]): string[] {
  if (total === 0 || examples.length === 0) return []
  const keyNames = Object.keys(examples[0].key)
  const columns = [...keyNames, 'what changed']
  const rows = examples.map(({ key, fields }) => [
    ...keyNames.map(name => cellText(key[name])),
    fields
      .slice(0, 8)
      .map(({ name, before, after }) => `${name}: ${shownValue(before)} → ${shownValue(after)}`)
      .join('; ') + (fields.length > 8 ? `; ${fields.length - 8} more` : '')
  ])
  const title = `${countOf(total, 'row')} changed${total > examples.length ? `: the first ${examples.length}` : ''}`
  return [`#### ${title}`, '', ...gridOf({ columns, rows, moreColumns: 0 }, 400), '']
}

function shownValue(value: unknown): string {
  return value === undefined ? '(none)' : cellText(value) || '(empty)'
}

/** The first rows as a table of their own: the data, escaped cell by cell. */
function previewSection(preview: Preview): string[] {
  const { rows } = preview
  return [`#### First ${rows.length === 1 ? 'row' : `${rows.length} rows`}`, '', ...gridOf(preview), '']
}

/** Rows as a Markdown table: a column without a name gets one (an empty header renders as a blank bar). */
function gridOf({ columns, rows, moreColumns }: Preview, cap = 200): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell => forCell(cell, cap) || ' ').join(' | ')} |`
  return [
    line(columns.map((name, index) => name.trim() || `column ${index + 1}`)),
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map(line),
    ...(moreColumns > 0
      ? ['', `${moreColumns} more ${moreColumns === 1 ? 'column is' : 'columns are'} in the file.`]
      : [])
  ]
}

function detailsList(result: ExportResult): string {
  const { timings, retries, requestIds, freshLink } = result.details
  return list([
    ['Start request id', requestIds.start && code(requestIds.start)],
    ['Run detail request id', requestIds.run ? code(requestIds.run) : '–'],
    ['Export request id', requestIds.export ? code(requestIds.export) : '–'],
    ['Export and download', seconds(timings.exportMs)],
    ['Total', seconds(timings.totalMs)],
    [
      'Retries after failures',
      Object.entries(retries)
        .map(([operation, count]) => `${operation}: ${count}`)
        .join(', ') || 'none'
    ],
    ['Fresh download link', freshLink ? 'yes, the first one expired' : 'no']
  ])
}

/** On failure: the verdict, then what to do, where people look first; then which run and the request id. */
export function renderFailureSummary(error: ActionError, known?: KnownRun): string {
  return [
    '### CoreClaw export failed',
    '',
    `**Failed:** ${forCell(error.message, 4096)}`,
    '',
    `**What to do:** ${forCell(error.hint, 1024)}`,
    '',
    list([
      [
        'Run',
        known &&
          [code(known.runId), known.startedBy && `started by this step (${target(known.startedBy)})`]
            .filter(Boolean)
            .join(', ')
      ],
      ['CoreClaw request id', error.requestId && code(error.requestId)]
    ]),
    ''
  ].join('\n')
}

function rowCounts({ rows, resultCount }: ExportResult): string {
  const inFile = rows === undefined ? 'not counted for this format' : `${number(rows)} in the file`
  const theirs = resultCount === undefined ? "CoreClaw's count unknown" : `CoreClaw counts ${number(resultCount)}`
  return `${inFile}; ${theirs}`
}

function emptyBecause({ size, rows, resultCount }: ExportResult): string | undefined {
  if (size === 0) return 'the file has no bytes'
  if (rows === 0) return 'the file has no rows'
  if (resultCount === 0) return `CoreClaw reports ${resultCount} results for the run`
  return undefined
}

/** Facts as a list of "**Name**: value" lines; a fact without a value is left out. */
function list(facts: Array<[string, string | undefined | false]>): string {
  return facts
    .filter((fact): fact is [string, string] => Boolean(fact[1]))
    .map(([name, value]) => `- **${name}**: ${value}`)
    .join('\n')
}

/** Our own, validated ids: shown as code. */
function target(what: StartTarget): string {
  return 'workerId' in what ? `worker ${code(what.workerId)}` : `task ${code(what.taskId)}`
}

/** Relative to the workspace when it is inside it, with forward slashes as on every runner's web page. */
function shownPath(file: string, workspace: string): string {
  const relative = path.relative(workspace, file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative.split(path.sep).join('/')
    : file
}

/** Inline code for our own short values (ids, hashes, keys, paths), outside tables: a backtick can't break out. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]/g, ' ')}\``
}

/** Data (a column's name) as inline code: redacted, cut, and with no backtick or line break to break out. */
function dataCode(text: string): string {
  const redacted = redact(text)
  return code(redacted.length > 64 ? `${redacted.slice(0, 63)}…` : redacted)
}

function size(bytes: number): string {
  return bytes < 1024
    ? `${number(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
    : `${formatBytes(bytes)} (${number(bytes)} bytes)`
}

function number(n: number): string {
  return thousands(n)
}

function countOf(n: number, noun: string): string {
  return `${number(n)} ${n === 1 ? noun : `${noun}s`}`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}
