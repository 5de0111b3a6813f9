/**
 * The job summary: a table of what was exported and a collapsible block with request ids,
 * timings and attempts. It shows the file name, never the URL or its query string.
 */
import * as path from 'node:path'
import type { ActionError } from './errors.js'
import type { ExportResult } from './main.js'
import { formatBytes } from './progress.js'

export function renderSummary(result: ExportResult): string {
  const rows: Array<[string, string]> = [
    ['Run', code(result.runId)],
    ['Format', code(result.format)],
    ['Filter keys', result.filterKeys.length ? result.filterKeys.map(code).join(', ') : 'all fields'],
    ['Rows', result.resultCount === undefined ? 'unknown' : String(result.resultCount)],
    ['File', code(path.basename(result.path))],
    ['Size', `${formatBytes(result.size)} (${result.size} bytes)`],
    ['SHA-256', code(result.sha256)]
  ]
  const { timings, attempts, requestIds, freshLink } = result.details
  const detail: Array<[string, string]> = [
    ['Run detail request id', requestIds.run ? code(requestIds.run) : '–'],
    ['Export request id', requestIds.export ? code(requestIds.export) : '–'],
    ['Waited for the run', seconds(timings.waitMs)],
    ['Export and download', seconds(timings.exportMs)],
    ['Total', seconds(timings.totalMs)],
    [
      'Attempts',
      Object.entries(attempts)
        .map(([operation, count]) => `${operation}: ${count}`)
        .join(', ') || '–'
    ],
    ['Fresh download link', freshLink ? 'yes, the first one expired' : 'no']
  ]
  return [
    '### CoreClaw export',
    '',
    table(rows),
    '',
    '<details><summary>Details</summary>',
    '',
    table(detail),
    '',
    '</details>',
    ''
  ].join('\n')
}

/** On failure: what happened and what to do, where people look first. */
export function renderFailureSummary(error: ActionError): string {
  const rows: Array<[string, string]> = [
    ['What happened', escape(error.message)],
    ['What to do', escape(error.hint)]
  ]
  if (error.requestId) rows.push(['CoreClaw request id', code(error.requestId)])
  return ['### CoreClaw export failed', '', table(rows), ''].join('\n')
}

/** Table cells hold one line; a pipe would end the cell. */
function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function table(rows: Array<[string, string]>): string {
  return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n')
}

/** Inline code that survives any text: backticks and table pipes can't break out. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}
