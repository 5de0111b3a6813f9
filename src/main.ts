/**
 * The action, as a story: inputs → run status → export → download → outputs and summary.
 * `exportRun` is the part shared with the CLI; `run` is the GitHub Actions wrapper.
 */
import { existsSync } from 'node:fs'
import * as core from '@actions/core'
import { cancelOnSignals } from './cancellation.js'
import { CoreClawClient, type ExportLink } from './coreclaw.js'
import { resolveDestination } from './destination.js'
import { downloadFile, removeTemporaryFiles, type DownloadedFile } from './download.js'
import { asActionError, CoreClawError, DestinationExistsError, DownloadError, sentence } from './errors.js'
import { loggable } from './http.js'
import { isRunSlug, LAST, parseInputs, type Inputs } from './inputs.js'
import { actionLog, type Log } from './log.js'
import { progressReporter } from './progress.js'
import { rowCounterFor, type Preview, type RowsReport } from './rows.js'
import { RetryPolicy, realClock, type Clock, type RetryNotice } from './retry.js'
import { renderFailureSummary, renderSummary } from './summary.js'
import { USER_AGENT } from './version.js'
import { waitForRun } from './wait.js'

export interface Host {
  log: Log
  clock: Clock
  /** Relative paths are resolved against it. */
  workspace: string
  /** How often to report download progress. */
  progressEveryMs: number
  /** The step's cancellation. */
  signal?: AbortSignal
}

export interface ExportResult {
  runId: string
  format: string
  filterKeys: string[]
  path: string
  url: string
  size: number
  sha256: string
  /** CoreClaw's row count for the run (`results`). */
  resultCount?: number
  /** Rows counted in the file, where the format has rows to count. */
  rows?: number
  preview?: Preview
  requestId?: string
  details: {
    requestIds: { run?: string; export?: string }
    /** Retries after failures, per operation. */
    retries: Record<string, number>
    timings: { waitMs: number; exportMs: number; totalMs: number }
    freshLink: boolean
  }
}

const FAILURE_TITLE = 'CoreClaw export failed'
const EXIT_BACKSTOP_MS = 5000

/** The GitHub Action. */
export async function run(): Promise<void> {
  const cancellation = cancelOnSignals(removeTemporaryFiles)
  try {
    // Masked before anything, a validation error included, could print it.
    const apiKey = core.getInput('api-key')
    if (apiKey) core.setSecret(apiKey)
    const inputs = parseInputs(name => core.getInput(name))
    const result = await exportRun(inputs, {
      log: actionLog,
      clock: realClock,
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      progressEveryMs: 10_000,
      signal: cancellation.signal
    })
    setOutputs(result)
    await writeSummary(renderSummary(result))
  } catch (thrown) {
    const error = asActionError(thrown)
    if (error.requestId) core.setOutput('request-id', error.requestId)
    core.error(`${sentence(error.message)} ${error.hint}`, { title: FAILURE_TITLE })
    process.exitCode = 1
    await writeSummary(renderFailureSummary(error))
  } finally {
    cancellation.end()
    // The process ends by itself once everything is closed. Node 24 can deadlock inside
    // process.exit() (nodejs/node#54918), so this is only a backstop: unref'd, it fires only if
    // something still holds the event loop seconds later.
    setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref()
  }
}

/** Everything between validated inputs and a verified file on disk. */
export async function exportRun(inputs: Inputs, host: Host): Promise<ExportResult> {
  const { log, clock, signal } = host
  const started = clock.now()
  const retry = new RetryPolicy({
    maxAttempts: inputs.maxAttempts,
    clock,
    signal,
    onRetry: notice => log.info(describeRetry(notice))
  })
  const client = new CoreClawClient({
    baseUrl: inputs.baseUrl,
    apiKey: inputs.apiKey,
    authMethod: inputs.authMethod,
    timeoutMs: inputs.timeoutSeconds * 1000,
    userAgent: USER_AGENT,
    retry,
    signal
  })

  if (inputs.workerId && inputs.runId !== LAST) {
    log.warning("'worker-id' is only used with 'run-id: last'; ignoring it.")
  }
  const runId = inputs.runId === LAST ? await resolveLastRun(client, inputs.workerId, log) : inputs.runId

  const destination = resolveDestination({ path: inputs.path, runId, format: inputs.format, workspace: host.workspace })
  if (!inputs.overwrite && existsSync(destination)) throw new DestinationExistsError(destination)

  const ready = await log.group(`Run ${runId}`, () =>
    waitForRun(client, runId, { waitTimeoutSeconds: inputs.waitTimeoutSeconds, clock, log, signal })
  )
  log.info(`Run ${runId} succeeded with ${ready.run.results ?? 'an unknown number of'} rows.`)

  const exportStarted = clock.now()
  const { link, file, rows, freshLink } = await log.group(`Export ${inputs.format} to ${destination}`, () =>
    exportAndDownload({ client, retry, runId, destination, inputs, host })
  )
  if (file.size === 0) log.warning(`The export of run ${runId} is empty (0 bytes); ${destination} was written anyway.`)
  if (file.decoded) log.info(`The storage host sent the file ${file.decoded}-compressed; it was decoded.`)
  log.info(`Saved ${file.size} bytes to ${file.path} (sha256 ${file.sha256}).`)
  const results = ready.run.results
  if (rows.rows !== undefined && results !== undefined && rows.rows !== results) {
    log.warning(
      `The file has ${rows.rows} rows, but CoreClaw reports ${results} for run ${runId}. The export may be incomplete, or the run may still have been writing results.`,
      'Row count differs'
    )
  }

  const finished = clock.now()
  const timings = { waitMs: exportStarted - started, exportMs: finished - exportStarted, totalMs: finished - started }
  log.debug(
    `request ids: run ${ready.requestId ?? '-'}, export ${link.requestId ?? '-'}; timings (ms): ${JSON.stringify(timings)}; requests: ${JSON.stringify(Object.fromEntries(retry.attempts))}`
  )
  return {
    runId,
    format: inputs.format,
    filterKeys: inputs.filterKeys,
    path: file.path,
    url: link.downloadUrl,
    size: file.size,
    sha256: file.sha256,
    resultCount: results,
    rows: rows.rows,
    preview: rows.preview,
    requestId: link.requestId,
    details: {
      requestIds: { run: ready.requestId, export: link.requestId },
      retries: Object.fromEntries(retry.retries),
      timings,
      freshLink
    }
  }
}

interface ExportStep {
  client: CoreClawClient
  retry: RetryPolicy
  runId: string
  destination: string
  inputs: Inputs
  host: Host
}

interface Downloaded {
  file: DownloadedFile
  rows: RowsReport
}

/** Asks for a signed link and downloads it; a link the storage host refuses is replaced once. */
async function exportAndDownload(step: ExportStep): Promise<Downloaded & { link: ExportLink; freshLink: boolean }> {
  const { client, runId, inputs, host } = step
  const first = await client.requestExport(runId, inputs.format, inputs.filterKeys)
  try {
    return { link: first, ...(await download(first, step)), freshLink: false }
  } catch (error) {
    // A refused signed link is dead: one fresh export, never a retry of the dead link.
    if (!(error instanceof DownloadError && error.problem === 'expired')) throw error
    host.log.info(`The storage host refused the link (HTTP ${error.status}); asking CoreClaw for a fresh one.`)
    const fresh = await client.requestExport(runId, inputs.format, inputs.filterKeys)
    return { link: fresh, ...(await download(fresh, step)), freshLink: true }
  }
}

function download(link: ExportLink, { retry, destination, inputs, host }: ExportStep): Promise<Downloaded> {
  host.log.info(`Downloading ${loggable(link.downloadUrl)}`)
  return retry.run('download', async () => {
    // Counted while it streams; each attempt starts from the first byte again.
    const counter = rowCounterFor(inputs.format)
    const file = await downloadFile(link.downloadUrl, destination, {
      timeoutMs: inputs.timeoutSeconds * 1000,
      userAgent: USER_AGENT,
      overwrite: inputs.overwrite,
      onProgress: progressReporter(host.log.info, host.progressEveryMs, host.clock),
      watchers: counter ? [counter] : [],
      signal: host.signal
    })
    return { file, rows: counter?.finish() ?? {} }
  })
}

/** `last` moves as runs start, so it is pinned to one slug before anything else happens. */
async function resolveLastRun(client: CoreClawClient, workerId: string | undefined, log: Log): Promise<string> {
  const { data, requestId, status } = await client.getLastRun(workerId)
  const slug = data.slug
  if (slug === undefined || !isRunSlug(slug)) {
    throw new CoreClawError({
      operation: 'latest run request',
      status,
      appCode: 0,
      requestId,
      problem: 'the answer has no valid run slug'
    })
  }
  log.info(`run-id 'last'${workerId ? ` of worker ${workerId}` : ''} is run ${slug}.`)
  return slug
}

function setOutputs(result: ExportResult): void {
  core.setOutput('path', result.path)
  core.setOutput('url', result.url)
  core.setOutput('run-id', result.runId)
  core.setOutput('format', result.format)
  core.setOutput('size', String(result.size))
  core.setOutput('sha256', result.sha256)
  core.setOutput('result-count', result.resultCount === undefined ? '' : String(result.resultCount))
  core.setOutput('rows', result.rows === undefined ? '' : String(result.rows))
  core.setOutput('request-id', result.requestId ?? '')
}

/** The job summary, where there is one (a local run has none). */
async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown).write()
}

function describeRetry({ attempt, maxAttempts, delayMs, error }: RetryNotice): string {
  return `${error.message} (attempt ${attempt} of ${maxAttempts}); retrying in ${(delayMs / 1000).toFixed(1)} s.`
}
