/**
 * The action, as a story: inputs → (start) → wait → export → download → outputs and summary.
 * `exportRun` is the part shared with the CLI; `run` is the GitHub Actions wrapper.
 */
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import { cancelOnSignals } from './cancellation.js'
import { CoreClawClient, type ExportLink } from './coreclaw.js'
import { checkFolder, resolveDestination } from './destination.js'
import { proxySpellingWarnings } from './environment.js'
import { downloadFile, removeTemporaryFiles, type DownloadedFile } from './download.js'
import {
  asActionError,
  DestinationExistsError,
  DownloadError,
  sentence,
  type ActionError,
  type StartTarget,
  type Vocabulary
} from './errors.js'
import { loggable } from './http.js'
import { forLog, keepSecret } from './server-text.js'
import { isGivenSlug, NEW, parseInputs, type Inputs } from './inputs.js'
import { actionLog, type Log } from './log.js'
import { compareRows, refuseEmpty, reportEmpty, warnOfExtension } from './file-checks.js'
import { count, progressReporter } from './progress.js'
import { readWorkerInput } from './run-input.js'
import { RunLogFollower, type LogLines } from './run-log.js'
import { rowCounterFor, type Preview, type RowsReport } from './rows.js'
import { RetryPolicy, realClock, type Clock, type RetryNotice } from './retry.js'
import { checkStart, startRun, stopUnfinishedRun, type StartedRun } from './start.js'
import { asStrings, outputsOf } from './outputs.js'
import { renderFailureSummary, renderSummary } from './summary.js'
import { USER_AGENT } from './version.js'
import { waitForRun, type ReadyRun } from './wait.js'
import { resolveRun } from './which-run.js'

export interface Host {
  log: Log
  clock: Clock
  /** Relative paths are resolved against it. */
  workspace: string
  /** How often to report download progress. */
  progressEveryMs: number
  /** The step's cancellation. */
  signal?: AbortSignal
  /** Called once the run is known (given, resolved from `last`, or started here), before any waiting. */
  onRun?: (run: KnownRun) => void
}

/** The run the step is about, as soon as it is known. */
export interface KnownRun {
  runId: string
  /** Set when this step started the run. */
  started?: StartTarget
}

/** What the step did: exported a run (the usual story), only started one, or checked a start (dry run). */
export type Outcome = ExportResult | StartedOnly | DryRun

/** `run-id: new` with `wait-timeout: 0`: the run was started and left running; nothing was exported. */
export interface StartedOnly {
  kind: 'started'
  runId: string
  started: StartTarget
  requestId?: string
}

/** `dry-run: true`: what would be started, checked; nothing was started. */
export interface DryRun {
  kind: 'dry-run'
  target: StartTarget
  version?: string
  /** Whether the input was checked against the worker's schema (a notice said why not). */
  inputChecked: boolean
}

export interface ExportResult {
  kind: 'exported'
  runId: string
  format: string
  filterKeys: string[]
  path: string
  url: string
  size: number
  sha256: string
  /** The storage host's checksum the bytes were verified against, if it sent one. */
  verified?: string
  /** CoreClaw's row count for the run (`results`). */
  resultCount?: number
  /** Rows counted in the file, where the format has rows to count. */
  rows?: number
  preview?: Preview
  requestId?: string
  /** The run's own story: who started it, how long it took, what it cost, how much of its log was shown. */
  run: {
    started?: StartTarget
    durationSeconds?: number
    usage?: string
    logLines?: LogLines
  }
  details: {
    requestIds: { start?: string; run?: string; export?: string }
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
  quietDependencies()
  const cancellation = cancelOnSignals(removeTemporaryFiles)
  let known: KnownRun | undefined
  try {
    // Masked before anything, a validation error included, could print it.
    const apiKey = core.getInput('api-key')
    if (apiKey) {
      core.setSecret(apiKey)
      keepSecret(apiKey)
    }
    const inputs = parseInputs(name => core.getInput(name))
    const result = await exportRun(inputs, {
      log: actionLog,
      clock: realClock,
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      progressEveryMs: 10_000,
      signal: cancellation.signal,
      onRun: run => {
        known = run
        // Written the moment the run is known, so that an `if: failure()` or `if: cancelled()`
        // step can name a run this step started even when the step goes no further.
        core.setOutput('run-id', run.runId)
        core.setOutput('run-started', String(run.started !== undefined))
      }
    })
    for (const [name, value] of asStrings(outputsOf(result))) core.setOutput(name, value)
    await writeSummary(renderSummary(result))
  } catch (thrown) {
    const error = asActionError(thrown)
    if (error.requestId) core.setOutput('request-id', error.requestId)
    if (!known) core.setOutput('run-started', 'false')
    core.error(`${namingRun(error, known)}${sentence(error.message)} ${error.hint}`, { title: FAILURE_TITLE })
    process.exitCode = 1
    await writeSummary(renderFailureSummary(error, known))
  } finally {
    cancellation.end()
    // The process ends by itself once everything is closed. Node 24 can deadlock inside
    // process.exit() (nodejs/node#54918), so this is only a backstop: unref'd, it fires only if
    // something still holds the event loop seconds later.
    setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref()
  }
}

/**
 * `tunnel`, which http-client uses for proxies, calls the deprecated `Buffer()` when the proxy URL
 * has credentials, and Node prints DEP0005 into the user's log for it. The user can do nothing
 * about a bundled dependency's deprecation, so the step turns deprecation warnings off, the way
 * `--no-deprecation` would; other warnings still print.
 */
export function quietDependencies(): void {
  process.noDeprecation = true
}

/** "Run X: " before a message that does not name the run already. */
export function namingRun(error: ActionError, known: KnownRun | undefined): string {
  return known && !error.message.includes(known.runId) ? `Run ${known.runId}: ` : ''
}

/** Everything between validated inputs and a verified file on disk (or a started run, or a dry run). */
export async function exportRun(inputs: Inputs, host: Host): Promise<Outcome> {
  const { log, clock, signal } = host
  const started = clock.now()
  const retry = new RetryPolicy({
    maxAttempts: inputs.maxAttempts,
    clock,
    signal,
    onRetry: retryReporter(log, clock)
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

  const { workerInput, destinationOf } = checkBeforeAnyRequest(inputs, host)
  if (inputs.runId === NEW && inputs.dryRun) return checkStart(client, inputs, workerInput, { log, signal })

  const waitUntilMs = started + inputs.waitTimeoutSeconds * 1000
  const begun =
    inputs.runId === NEW ? await startRun(client, inputs, workerInput, { log, clock, waitUntilMs, signal }) : undefined
  const runId =
    begun?.runId ??
    (isGivenSlug(inputs.runId) ? inputs.runId : await resolveRun(client, inputs.runId, inputs.workerId, log))
  host.onRun?.({ runId, started: begun?.target })
  if (begun && inputs.waitTimeoutSeconds === 0) return leaveRunning(begun, log)

  const destination = destinationOf(runId)
  let watched: Awaited<ReturnType<typeof watchRun>>
  try {
    if (!inputs.overwrite && existsSync(destination)) throw new DestinationExistsError(destination)
    watched = await watchRun(client, runId, inputs, host, started, begun !== undefined)
  } catch (error) {
    // The step fails before the run it started has finished: the run is stopped, and the error says so.
    throw begun ? await stopUnfinishedRun(client, runId, error, inputs.abortOnStop, log) : error
  }
  const { ready, logLines } = watched
  const results = ready.run.results
  log.info(
    `Run ${runId} succeeded with ${results === undefined ? 'an unknown number of rows' : count(results, 'row')}.`
  )
  // Nothing to download: with `if-empty: error` the step fails here, the destination untouched.
  refuseEmpty(inputs.ifEmpty, runId, { results })

  const exportStarted = clock.now()
  const { link, file, rows, freshLink } = await log.group(`Export ${inputs.format} to ${destination}`, () =>
    exportAndDownload({ client, retry, runId, results, destination, inputs, host })
  )
  if (file.decoded) log.info(`The storage host sent the file ${file.decoded}-compressed; it was decoded.`)
  for (const warning of file.warnings) log.warning(warning)
  log.info(`Saved ${count(file.size, 'byte')} to ${file.path} (sha256 ${file.sha256}).`)
  reportEmpty(inputs.ifEmpty, runId, destination, { results, rows: rows.rows, size: file.size }, log)
  compareRows(rows.rows, results, runId, log)

  const finished = clock.now()
  const timings = { waitMs: exportStarted - started, exportMs: finished - exportStarted, totalMs: finished - started }
  log.debug(
    `request ids: start ${begun?.requestId ?? '-'}, run ${ready.requestId ?? '-'}, export ${link.requestId ?? '-'}; timings (ms): ${JSON.stringify(timings)}; requests: ${JSON.stringify(Object.fromEntries(retry.attempts))}`
  )
  return {
    kind: 'exported',
    runId,
    format: inputs.format,
    filterKeys: inputs.filterKeys,
    path: file.path,
    url: link.downloadUrl,
    size: file.size,
    sha256: file.sha256,
    verified: file.verified,
    resultCount: results,
    rows: rows.rows,
    preview: rows.preview,
    requestId: link.requestId,
    run: {
      started: begun?.target,
      durationSeconds: ready.run.durationSeconds,
      usage: ready.run.usage,
      logLines
    },
    details: {
      requestIds: { start: begun?.requestId, run: ready.requestId, export: link.requestId },
      retries: Object.fromEntries(retry.retries),
      timings,
      freshLink
    }
  }
}

/**
 * Everything a bad input can break, read and checked before the first request: the worker's input,
 * the destination's folder, and an existing file that `overwrite: false` keeps. And the warnings
 * about settings that will not do what they seem to.
 */
function checkBeforeAnyRequest(inputs: Inputs, { log, workspace }: Host) {
  for (const warning of proxySpellingWarnings(process.env, process.platform)) {
    log.warning(warning, 'Proxy settings disagree')
  }
  if (inputs.workerId && isGivenSlug(inputs.runId)) {
    const { say } = log
    log.warning(
      `${say.input('worker-id')} is only used with ${say.set('run-id', 'last')}, ${say.set('run-id', 'last-succeeded')} or ${say.set('run-id', 'new')}; ignoring it.`
    )
  }
  const workerInput = inputs.input ? readWorkerInput(inputs.input, workspace) : undefined
  const destinationOf = (runId: string) =>
    resolveDestination({ path: inputs.path, runId, format: inputs.format, workspace })
  if (inputs.runId === NEW) refuseExistingBeforeStart(inputs, destinationOf)
  // Any run id stands in: the folder, and a name the user gave, don't depend on it.
  const planned = destinationOf(inputs.runId)
  warnOfExtension(planned, inputs.format, log)
  checkFolder(path.dirname(planned))
  return { workerInput, destinationOf }
}

/**
 * Waits for the run, showing its log. Status lines stay outside any group, so a long wait shows its
 * progress; the run's log comes in groups.
 */
async function watchRun(
  client: CoreClawClient,
  runId: string,
  inputs: Inputs,
  { log, clock, signal }: Host,
  since: number,
  startedHere: boolean
): Promise<{ ready: ReadyRun; logLines?: LogLines }> {
  const follower = inputs.showLog ? new RunLogFollower(client, runId, log, undefined, signal) : undefined
  try {
    const ready = await waitForRun(client, runId, {
      waitTimeoutSeconds: inputs.waitTimeoutSeconds,
      since,
      clock,
      log,
      signal,
      follower,
      startedHere
    })
    return { ready, logLines: follower?.lines }
  } finally {
    follower?.finish()
  }
}

/** `wait-timeout: 0` with `run-id: new`: the run is started and left to run; a later workflow exports it. */
function leaveRunning(begun: StartedRun, log: Log): StartedOnly {
  const { say } = log
  const worker = 'workerId' in begun.target ? ` and ${say.set('worker-id', begun.target.workerId)}` : ''
  log.info(
    `Run ${begun.runId} was started and is left running: with ${say.set('wait-timeout', '0')}, ${say.set('run-id', 'new')} only starts a run. Export it once it has finished, e.g. later with ${say.set('run-id', 'last-succeeded')}${worker}.`
  )
  return { kind: 'started', runId: begun.runId, started: begun.target, requestId: begun.requestId }
}

interface ExportStep {
  client: CoreClawClient
  retry: RetryPolicy
  runId: string
  /** CoreClaw's row count for the run. */
  results?: number
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

function download(
  link: ExportLink,
  { retry, runId, results, destination, inputs, host }: ExportStep
): Promise<Downloaded> {
  host.log.info(`Downloading ${loggable(link.downloadUrl)}`)
  return retry.run('download', async () => {
    // Counted while it streams; each attempt starts from the first byte again.
    const counter = rowCounterFor(inputs.format)
    let rows: RowsReport = {}
    const file = await downloadFile(link.downloadUrl, destination, {
      timeoutMs: inputs.timeoutSeconds * 1000,
      userAgent: USER_AGENT,
      overwrite: inputs.overwrite,
      onProgress: progressReporter(host.log.info, host.progressEveryMs, host.clock),
      watchers: counter ? [counter] : [],
      signal: host.signal,
      // Judged before the file replaces the destination, so that a refusal leaves it as it was.
      beforeCommit: size => {
        rows = counter?.finish() ?? {}
        refuseEmpty(inputs.ifEmpty, runId, { results, rows: rows.rows, size })
      }
    })
    return { file, rows }
  })
}

/**
 * With `overwrite: false` and a `path` that names the file whatever the run (not `<run-id>.<format>`),
 * an existing file is refused before a billed run starts, not after it finished.
 */
function refuseExistingBeforeStart(inputs: Inputs, destinationOf: (runId: string) => string): void {
  const fixed = destinationOf('A') === destinationOf('B')
  if (!inputs.overwrite && fixed && existsSync(destinationOf('A'))) throw new DestinationExistsError(destinationOf('A'))
}

/** The job summary, where there is one. One that cannot be written is a warning, never a failed export. */
async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    core.warning(
      `The job summary could not be written (${forLog(String(code), 128)}); the outputs and the file are not affected.`,
      {
        title: 'No job summary'
      }
    )
  }
}

/** Every retry is a line; a long wait for a free slot is a line a minute, not one per try. */
export const WAIT_REPORT_EVERY_MS = 60_000

function retryReporter(log: Log, clock: Clock): (notice: RetryNotice) => void {
  let lastWaitReport = -Infinity
  return notice => {
    if (notice.waiting) {
      if (clock.now() - lastWaitReport < WAIT_REPORT_EVERY_MS) return
      lastWaitReport = clock.now()
    }
    log.info(describeRetry(notice, log.say))
  }
}

function describeRetry({ attempt, maxAttempts, delayMs, error, waiting }: RetryNotice, say: Vocabulary): string {
  const delay = `${(delayMs / 1000).toFixed(1)} s`
  if (waiting) {
    return `${error.message}. Waiting for a free slot: trying again in ${delay} (until ${say.input('wait-timeout')} runs out).`
  }
  return `${error.message} (attempt ${attempt} of ${maxAttempts}); retrying in ${delay}.`
}
