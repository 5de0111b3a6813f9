/**
 * The job summary: what was exported, a preview of the first rows, and a collapsible block with
 * request ids, timings and retries. It shows the file name, never the URL or its query string.
 * Server text goes through `forCell`, and everything in it is bounded, so a summary stays a few
 * kilobytes whatever the server sends (the runner drops summaries over 1 MiB).
 */
import * as path from 'node:path'
import type { ActionError } from './errors.js'
import type { StartTarget } from './outcome.js'
import type { DryRun, ExportResult, KnownRun, Outcome, StartedOnly } from './outcome.js'
import { count, formatBytes } from './progress.js'
import type { Preview } from './preview.js'
import { forCell } from './server-text.js'

export function renderSummary(outcome: Outcome): string {
  if (outcome.kind === 'started') return startedSummary(outcome)
  if (outcome.kind === 'dry-run') return dryRunSummary(outcome)
  return exportSummary(outcome)
}

/** Start only: the run and how to export it later. */
function startedSummary({ runId, startedBy: started, requestId }: StartedOnly): string {
  const later =
    'workerId' in started
      ? `with ${code('run-id: last-succeeded')} and ${code(`worker-id: ${started.workerId}`)}, or ${code(`run-id: ${runId}`)}`
      : `with ${code(`run-id: ${runId}`)}`
  const rows: Array<[string, string]> = [
    ['Run', code(runId)],
    ['Started by this step', startedBy(started)],
    ['Status', "started and left running (start only: 'wait-timeout: 0'); nothing was exported"],
    ['Export it', `once it has finished, ${later}`],
    ...(requestId ? [['Start request id', code(requestId)] as [string, string]] : [])
  ]
  return ['### CoreClaw run started', '', table(rows), ''].join('\n')
}

/** Dry run: what would have been started, and what was checked. */
function dryRunSummary({ target, version, inputChecked }: DryRun): string {
  const rows: Array<[string, string]> = [
    ['Would start', startedBy(target).replace(/^yes, /, '')],
    ...(version ? [['Version', `${code(version)} (not checked: CoreClaw lists no versions)`] as [string, string]] : []),
    ...('workerId' in target
      ? [['Input', inputChecked ? "matches the worker's input schema" : 'none given'] as [string, string]]
      : []),
    ['Started', 'nothing: dry run']
  ]
  return ['### CoreClaw dry run', '', table(rows), ''].join('\n')
}

function exportSummary(result: ExportResult): string {
  const { startedBy: started, durationSeconds, usage, logLines } = result.run
  const rows: Array<[string, string]> = [
    ['Run', code(result.runId)],
    ...(started ? [['Started by this step', startedBy(started)] as [string, string]] : []),
    ...(durationSeconds !== undefined ? [['Run duration', `${durationSeconds} s`] as [string, string]] : []),
    // CoreClaw calls it "platform-recorded resource usage" and gives no unit; so does the summary.
    ...(usage !== undefined ? [['Resource usage (as CoreClaw records it)', code(usage)] as [string, string]] : []),
    ...(logLines ? [['Run log lines shown', logLinesText(logLines)] as [string, string]] : []),
    ['Format', code(result.format)],
    ['Filter keys', result.filterKeys.length ? result.filterKeys.map(code).join(', ') : 'all fields'],
    ['Rows in the file', result.rows === undefined ? 'not counted for this format' : String(result.rows)],
    ["CoreClaw's row count", result.resultCount === undefined ? 'unknown' : String(result.resultCount)],
    ['File', code(path.basename(result.path))],
    ['Size', result.size < 1024 ? count(result.size, 'byte') : `${formatBytes(result.size)} (${result.size} bytes)`],
    ['SHA-256', code(result.sha256)],
    ...(result.verified ? [['Storage checksum', `verified (${result.verified})`] as [string, string]] : [])
  ]
  const { timings, retries, requestIds, freshLink } = result.details
  const detail: Array<[string, string]> = [
    ...(requestIds.start ? [['Start request id', code(requestIds.start)] as [string, string]] : []),
    ['Run detail request id', requestIds.run ? code(requestIds.run) : '–'],
    ['Export request id', requestIds.export ? code(requestIds.export) : '–'],
    ['Waited for the run', seconds(timings.waitMs)],
    ['Export and download', seconds(timings.exportMs)],
    ['Total', seconds(timings.totalMs)],
    [
      'Retries after failures',
      Object.entries(retries)
        .map(([operation, count]) => `${operation}: ${count}`)
        .join(', ') || 'none'
    ],
    ['Fresh download link', freshLink ? 'yes, the first one expired' : 'no']
  ]
  const empty = result.size === 0 || result.rows === 0 || result.resultCount === 0
  return [
    '### CoreClaw export',
    '',
    // An empty file must not read like a success at a glance.
    ...(empty ? [`**Empty export**: ${emptyBecause(result)}.`, ''] : []),
    table(rows),
    '',
    ...(result.preview ? previewSection(result.preview) : []),
    '<details><summary>Details</summary>',
    '',
    table(detail),
    '',
    '</details>',
    ''
  ].join('\n')
}

/** The first rows as a table of their own: the data, escaped cell by cell. */
function previewSection({ columns, rows, moreColumns }: Preview): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell => forCell(cell) || ' ').join(' | ')} |`
  return [
    `#### First ${rows.length === 1 ? 'row' : `${rows.length} rows`}`,
    '',
    // A column without a name gets one: an empty header would render as a blank bar.
    line(columns.map((name, index) => name.trim() || `column ${index + 1}`)),
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map(line),
    '',
    ...(moreColumns > 0
      ? [`${moreColumns} more ${moreColumns === 1 ? 'column is' : 'columns are'} in the file.`, '']
      : [])
  ]
}

/** On failure: which run, what happened and what to do, where people look first. */
export function renderFailureSummary(error: ActionError, known?: KnownRun): string {
  const rows: Array<[string, string]> = [
    ...(known ? [['Run', code(known.runId)] as [string, string]] : []),
    ...(known?.startedBy ? [['Started by this step', startedBy(known.startedBy)] as [string, string]] : []),
    ['What happened', forCell(error.message, 4096)],
    ['What to do', forCell(error.hint, 1024)]
  ]
  if (error.requestId) rows.push(['CoreClaw request id', code(error.requestId)])
  return ['### CoreClaw export failed', '', table(rows), ''].join('\n')
}

function emptyBecause({ size, rows, resultCount }: ExportResult): string {
  if (size === 0) return 'the file has no bytes'
  if (rows === 0) return 'the file has no rows'
  return `CoreClaw reports ${resultCount} results for the run`
}

/** Our own, validated ids: shown as code. */
function startedBy(target: StartTarget): string {
  return 'workerId' in target ? `yes, worker ${code(target.workerId)}` : `yes, task ${code(target.taskId)}`
}

function logLinesText({ shown, leftOut }: { shown: number; leftOut: number }): string {
  return leftOut > 0 ? `${shown} (${leftOut} more left out)` : String(shown)
}

/** A two-column table, with a header: an empty one renders as a blank bar. */
function table(rows: Array<[string, string]>): string {
  return ['| Item | Value |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n')
}

/** Inline code for our own short values (ids, hashes, keys): backticks and table pipes can't break out. */
function code(text: string): string {
  return `\`${text
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]/g, ' ')}\``
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}
