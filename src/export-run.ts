/**
 * The story shared by the action and the CLI: validated inputs → (start) → wait → export →
 * download, and what became of it (an `Outcome`). It knows nothing of the Actions runner: no
 * `@actions/core` here. main.ts is the action's wrapper around it, cli.ts the terminal's.
 */
import {
  compareSpecOf,
  compareWithEarlier,
  reportComparison,
  type CompareSpec,
  type ComparisonReport
} from './compare.js'
import { CoreClawClient, type ExportLink } from './coreclaw.js'
import { checkFolder, fileFor, planDestination, refuseExisting } from './destination.js'
import { proxySpellingWarnings } from './environment.js'
import { downloadFile, type DownloadedFile } from './download.js'
import { DownloadError } from './download-errors.js'
import type { KnownRun, Outcome, StartedOnly } from './outcome.js'
import { type Vocabulary } from './log.js'
import { loggable } from './http.js'
import { isGivenSlug, NEW, type Inputs } from './inputs.js'
import type { Log } from './log.js'
import { compareRows, refuseEmpty, reportEmpty, warnOfExtension } from './file-checks.js'
import { count, progressReporter } from './progress.js'
import { readWorkerInput } from './worker-input.js'
import { RunLogFollower, type LogLines } from './run-log.js'
import { rowCounterFor, type RowsReport } from './rows.js'
import { RetryPolicy, type Clock, type RetryNotice } from './retry.js'
import { dryRun, startRun, stopUnfinishedRun, type StartedRun, type StartSpec } from './start.js'
import { USER_AGENT } from './version.js'
import { waitForRun, type ReadyRun } from './wait.js'
import { resolveRun } from './which-run.js'

export interface Host {
  log: Log
  clock: Clock
  /** Relative paths are resolved against it. */
  workspace: string
  /**
   * The folders the files a workflow names for reading (`input-file`, `compare-with`) must really be
   * in, symlinks resolved: the workspace and the runner's temporary folder for the action; none
   * (anywhere) for the CLI, where a person names their own files.
   */
  readableRoots?: string[]
  /** How often to report download progress. */
  progressEveryMs: number
  /** The step's cancellation. */
  signal?: AbortSignal
  /** Called once the run is known (given, resolved from `last`, or started here), before any waiting. */
  onRun?: (run: KnownRun) => void
}

/** Everything between validated inputs and a verified file on disk (or a started run, or a dry run). */
export async function exportRun(inputs: Inputs, host: Host): Promise<Outcome> {
  const { log, clock, signal } = host
  const stepStartedMs = clock.now()
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

  const { workerInput, destinationOf, compareWith } = checkBeforeAnyRequest(inputs, host)
  if (inputs.runId === NEW && inputs.dryRun) return dryRun(client, startSpecOf(inputs), workerInput, { log, signal })

  const waitUntilMs = stepStartedMs + inputs.waitTimeoutSeconds * 1000
  const startedRun =
    inputs.runId === NEW
      ? await startRun(client, startSpecOf(inputs), workerInput, { log, clock, waitUntilMs, signal })
      : undefined
  const runId =
    startedRun?.runId ??
    (isGivenSlug(inputs.runId) ? inputs.runId : await resolveRun(client, inputs.runId, inputs.workerId, log))
  host.onRun?.({ runId, startedBy: startedRun?.target })
  if (startedRun && inputs.waitTimeoutSeconds === 0) return leaveRunning(startedRun, log)

  const destination = destinationOf(runId)
  let watched: Awaited<ReturnType<typeof watchRun>>
  try {
    refuseExisting(destination, inputs.overwrite)
    const { showLog, waitTimeoutSeconds } = inputs
    watched = await watchRun(
      client,
      runId,
      { showLog, waitTimeoutSeconds },
      host,
      stepStartedMs,
      startedRun !== undefined
    )
  } catch (error) {
    // The step fails before the run it started has finished: the run is stopped, and the error says so.
    throw startedRun ? await stopUnfinishedRun(client, runId, error, inputs.abortOnStop, log) : error
  }
  const { ready, logLines } = watched
  const results = ready.run.results
  log.info(
    `Run ${runId} succeeded with ${results === undefined ? 'an unknown number of rows' : count(results, 'row')}.`
  )
  // Nothing to download: with `if-empty: error` the step fails here, the destination untouched.
  refuseEmpty(inputs.ifEmpty, runId, { results })

  const exportStartedMs = clock.now()
  const { link, file, rows, freshLink, comparison } = await log.group(`Export ${inputs.format} to ${destination}`, () =>
    exportAndDownload({
      client,
      retry,
      runId,
      results,
      destination,
      request: exportRequestOf(inputs),
      compare: compareWith,
      host
    })
  )
  if (file.decoded) log.info(`The storage host sent the file ${file.decoded}-compressed; it was decoded.`)
  for (const warning of file.warnings) log.warning(warning)
  log.info(`Saved ${count(file.size, 'byte')} to ${file.path} (sha256 ${file.sha256}).`)
  reportEmpty(inputs.ifEmpty, runId, destination, { results, rows: rows.rows, size: file.size }, log)
  compareRows(rows.rows, results, runId, log)
  if (comparison) reportComparison(comparison, log)

  const finished = clock.now()
  const timings = {
    waitMs: exportStartedMs - stepStartedMs,
    exportMs: finished - exportStartedMs,
    totalMs: finished - stepStartedMs
  }
  log.debug(
    `request ids: start ${startedRun?.requestId ?? '-'}, run ${ready.requestId ?? '-'}, export ${link.requestId ?? '-'}; timings (ms): ${JSON.stringify(timings)}; requests: ${JSON.stringify(Object.fromEntries(retry.attempts))}`
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
    comparison,
    requestId: link.requestId,
    run: {
      startedBy: startedRun?.target,
      durationSeconds: ready.run.durationSeconds,
      usage: ready.run.usage,
      waited: ready.waited,
      // The log and the wait are news only when this step started the run or waited for it.
      logLines: startedRun || ready.waited ? logLines : undefined
    },
    details: {
      requestIds: { start: startedRun?.requestId, run: ready.requestId, export: link.requestId },
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
function checkBeforeAnyRequest(inputs: Inputs, { log, workspace, readableRoots }: Host) {
  for (const warning of proxySpellingWarnings(process.env, process.platform)) {
    log.warning(warning, 'Proxy settings disagree')
  }
  if (inputs.workerId && isGivenSlug(inputs.runId)) {
    const { say } = log
    log.warning(
      `${say.input('worker-id')} is only used with ${say.set('run-id', 'last')}, ${say.set('run-id', 'last-succeeded')} or ${say.set('run-id', 'new')}; ignoring it.`
    )
  }
  const workerInput = inputs.input ? readWorkerInput(inputs.input, workspace, readableRoots) : undefined
  const plan = planDestination({ path: inputs.path, workspace })
  const destinationOf = (runId: string) => fileFor(plan, runId, inputs.format)
  // A dry run, or a start only, writes no file: nothing about the destination can stop it.
  if (inputs.runId === NEW && (inputs.dryRun || inputs.waitTimeoutSeconds === 0)) {
    return { workerInput, destinationOf, compareWith: undefined }
  }
  const compareWith = compareSpecOf(inputs.compareWith, inputs.keyFields, { workspace, readableRoots })
  if (inputs.keyFields.length > 0 && !compareWith) {
    log.warning(
      `${log.say.input('key-fields')} is only used to compare exports, and ${log.say.set('compare-with', 'none')}; ignoring it.`
    )
  }
  // A file the user named is refused before a billed run starts, not after it finished.
  if (inputs.runId === NEW && plan.file) refuseExisting(plan.file, inputs.overwrite)
  warnOfExtension(destinationOf(inputs.runId), inputs.format, log)
  checkFolder(plan.folder)
  return { workerInput, destinationOf, compareWith }
}

/**
 * Waits for the run, showing its log. Status lines stay outside any group, so a long wait shows its
 * progress; the run's log comes in groups.
 */
async function watchRun(
  client: CoreClawClient,
  runId: string,
  { showLog, waitTimeoutSeconds }: Pick<Inputs, 'showLog' | 'waitTimeoutSeconds'>,
  { log, clock, signal }: Host,
  since: number,
  startedHere: boolean
): Promise<{ ready: ReadyRun; logLines?: LogLines }> {
  const follower = showLog ? new RunLogFollower(client, runId, log, undefined, signal) : undefined
  try {
    const ready = await waitForRun(client, runId, {
      waitTimeoutSeconds,
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

/** What a start needs of the inputs: which worker or task, the version, and the input as given. */
function startSpecOf({ workerId, taskId, workerVersion, input }: Inputs): StartSpec {
  return { workerId, taskId, workerVersion, input }
}

function exportRequestOf({ format, filterKeys, timeoutSeconds, overwrite, ifEmpty }: Inputs): ExportRequest {
  return { format, filterKeys, timeoutSeconds, overwrite, ifEmpty }
}

/** `wait-timeout: 0` with `run-id: new`: the run is started and left to run; a later workflow exports it. */
function leaveRunning(begun: StartedRun, log: Log): StartedOnly {
  const { say } = log
  const worker = 'workerId' in begun.target ? ` and ${say.set('worker-id', begun.target.workerId)}` : ''
  log.info(
    `Run ${begun.runId} was started and is left running: with ${say.set('wait-timeout', '0')}, ${say.set('run-id', 'new')} only starts a run. Export it once it has finished, e.g. later with ${say.set('run-id', 'last-succeeded')}${worker}.`
  )
  return { kind: 'started', runId: begun.runId, startedBy: begun.target, requestId: begun.requestId }
}

/** What the export asks for and how the file is written: the inputs it needs, and no credentials. */
type ExportRequest = Pick<Inputs, 'format' | 'filterKeys' | 'timeoutSeconds' | 'overwrite' | 'ifEmpty'>

interface ExportStep {
  client: CoreClawClient
  retry: RetryPolicy
  runId: string
  /** CoreClaw's row count for the run. */
  results?: number
  destination: string
  request: ExportRequest
  /** What to compare the new file with, before it replaces the destination. */
  compare?: CompareSpec
  host: Host
}

interface Downloaded {
  file: DownloadedFile
  rows: RowsReport
  comparison?: ComparisonReport
}

/** Asks for a signed link and downloads it; a link the storage host refuses is replaced once. */
async function exportAndDownload(step: ExportStep): Promise<Downloaded & { link: ExportLink; freshLink: boolean }> {
  const { client, runId, request, host } = step
  const first = await client.requestExport(runId, request.format, request.filterKeys)
  try {
    return { link: first, ...(await download(first, step)), freshLink: false }
  } catch (error) {
    // A refused signed link is dead: one fresh export, never a retry of the dead link.
    if (!(error instanceof DownloadError && error.problem === 'expired')) throw error
    host.log.info(`The storage host refused the link (HTTP ${error.status}); asking CoreClaw for a fresh one.`)
    const fresh = await client.requestExport(runId, request.format, request.filterKeys)
    return { link: fresh, ...(await download(fresh, step)), freshLink: true }
  }
}

function download(
  link: ExportLink,
  { retry, runId, results, destination, request, compare, host }: ExportStep
): Promise<Downloaded> {
  host.log.info(`Downloading ${loggable(link.downloadUrl)}`)
  return retry.run('download', async () => {
    // Counted while it streams; each attempt starts from the first byte again.
    const counter = rowCounterFor(request.format)
    let rows: RowsReport = {}
    let comparison: Downloaded['comparison']
    const file = await downloadFile(link.downloadUrl, destination, {
      timeoutMs: request.timeoutSeconds * 1000,
      userAgent: USER_AGENT,
      overwrite: request.overwrite,
      onProgress: progressReporter(host.log.info, host.progressEveryMs, host.clock),
      watchers: counter ? [counter] : [],
      signal: host.signal,
      // Judged before the file replaces the destination, so that a refusal leaves it as it was.
      beforeCommit: async ({ temporary, size, sha256 }) => {
        rows = counter?.finish() ?? {}
        refuseEmpty(request.ifEmpty, runId, { results, rows: rows.rows, size })
        // Here, while the destination still holds the file this one replaces.
        if (compare) {
          comparison = await compareWithEarlier(
            compare,
            { destination, temporary, sha256, format: request.format },
            host
          )
        }
      }
    })
    return { file, rows, comparison }
  })
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
