/**
 * CoreClaw API v2: credentials, and the calls the action makes (their envelope is
 * coreclaw-envelope.ts): read, start, watch and abort a run, and export it. Every call goes through the
 * shared retry policy, under the rule that fits it.
 */
import { isRunSlug, type AuthMethod, type Format, type Subject } from './coreclaw-contract.js'
import { CoreClawError } from './coreclaw-errors.js'
import { TimeoutError } from './http-errors.js'
import { parseEnvelope, type Answer } from './coreclaw-envelope.js'

import { readText, request, type Signed } from './http.js'
import { BY_ERROR, type RetryPolicy, type RetryRule } from './retry.js'
import { countOf, downloadUrlOf, keepSecret, textOf, timeOf, wordOf } from './server-text.js'

export interface ClientOptions {
  baseUrl: URL
  apiKey: string
  authMethod: AuthMethod
  timeoutMs: number
  userAgent: string
  retry: RetryPolicy
  /** The step's cancellation. */
  signal?: AbortSignal
}

/** A run as the action uses it: every field checked by type, whatever the server sent. */
export interface RunDetail {
  /** The run's slug, when it is a string (the caller checks its shape). */
  slug?: string
  /** Lowercase status word; 'unknown' when the server sent none or something that is not one. */
  status: string
  /** The row count, when it is a non-negative whole number. */
  results?: number
  errMsg?: string
  /** How long the run took or has taken, in seconds, when it is a non-negative number. */
  durationSeconds?: number
  /** What the run cost, as CoreClaw reports it (a decimal such as "1.00"). */
  usage?: string
}

/** A run as the list of runs gives it: its slug and times (ms, from unix seconds), each checked by type. */
export interface ListedRun {
  slug: string
  /** The worker the run belongs to (`scraper_slug`), when it is a worker id or slug. */
  worker?: string
  finishedAt?: number
  startedAt?: number
}

/** One entry of a run's log: CoreClaw sends plain strings or `{content, timestamp (ms), …}`. */
export interface LogEntry {
  content: string
  timestampMs?: number
}

/** The body of a start request, exactly as CoreClaw's OpenAPI allows it (`additionalProperties: false`). */
export type StartRequest =
  | { kind: 'worker'; workerId: string; body: { is_async: true; input?: unknown; version?: string } }
  | { kind: 'task'; taskId: string; body: { is_async: true } }

interface CallOptions {
  query?: URLSearchParams
  method?: 'GET' | 'POST'
  body?: unknown
  /** The retry rule; `once` makes a single attempt (decorations such as the log, and the abort). */
  rule?: RetryRule | 'once'
  /** Overrides the client's timeout. */
  timeoutMs?: number
  /** Overrides the step's signal: an abort must still go out after the step was cancelled. */
  signal?: AbortSignal | null
}

export interface ExportLink {
  downloadUrl: string
  requestId?: string
}

export class CoreClawClient {
  constructor(private readonly options: ClientOptions) {}

  async getRun(runId: string): Promise<Answer<RunDetail>> {
    const answer = await this.call('run detail request', `worker-runs/${encodeURIComponent(runId)}`, { runId })
    return { ...answer, data: runDetail(answer.data) }
  }

  /** The account's latest run, or the latest run of `workerId` (owner/name). */
  async getLastRun(workerId?: string): Promise<Answer<RunDetail>> {
    const path = workerId ? `workers/${workerPath(workerId)}/runs/last` : 'worker-runs/last'
    const answer = await this.call('latest run request', path, { workerId, about: 'run' })
    return { ...answer, data: runDetail(answer.data) }
  }

  /** Starts a run; the caller's rule decides what may be retried. Returns the new run's slug. */
  async startRun(start: StartRequest, rule: RetryRule): Promise<Answer<string>> {
    const [operation, path, subject] =
      start.kind === 'worker'
        ? ['start request', `workers/${workerPath(start.workerId)}/runs`, { workerId: start.workerId }]
        : ['start request', `worker-tasks/${encodeURIComponent(start.taskId)}/runs`, { taskId: start.taskId }]
    const answer = await this.call(operation, path, subject, { method: 'POST', body: start.body, rule })
    const slug = field(answer.data, 'run_slug')
    if (typeof slug !== 'string' || !isRunSlug(slug)) {
      throw new CoreClawError({
        operation,
        status: answer.status,
        appCode: 0,
        requestId: answer.requestId,
        problem: 'the answer has no valid data.run_slug',
        subject
      })
    }
    return { ...answer, data: slug }
  }

  /** The newest succeeded runs (up to 100), of the account or of `workerId`, in the server's order. */
  async listSucceededRuns(workerId?: string): Promise<Answer<ListedRun[]>> {
    const query = new URLSearchParams({ status: 'succeeded', limit: '100' })
    if (workerId) query.set('worker_id', workerId.replace('/', '~'))
    const answer = await this.call('run list request', 'worker-runs', { workerId, about: 'run' }, { query })
    const list = field(answer.data, 'list')
    const runs = (Array.isArray(list) ? list : []).flatMap(listedRun)
    return { ...answer, data: runs }
  }

  /** The worker's input schema, or undefined when the answer holds no JSON Schema object. One attempt. */
  async getInputSchema(workerId: string): Promise<Answer<Record<string, unknown> | undefined>> {
    const answer = await this.call(
      'input schema request',
      `workers/${workerPath(workerId)}/input-schema`,
      { workerId },
      { rule: 'once' }
    )
    const schema = field(answer.data, 'input_schema')
    const usable = schema !== null && typeof schema === 'object' && !Array.isArray(schema)
    return { ...answer, data: usable ? (schema as Record<string, unknown>) : undefined }
  }

  /** A saved task, to see that it exists (a dry run): CoreClaw answers 60001 for one it does not know. */
  async getTask(taskId: string): Promise<Answer<unknown>> {
    return this.call('task request', `worker-tasks/${encodeURIComponent(taskId)}`, { taskId })
  }

  /**
   * The run's log entries, in order. One attempt: the log is shown, never needed. `signal` replaces
   * the step's (the caller's joins it), and `timeoutMs` bounds a read the caller waits for.
   */
  async getLog(runId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LogEntry[]> {
    const answer = await this.call(
      'log request',
      `worker-runs/${encodeURIComponent(runId)}/log`,
      { runId },
      { rule: 'once', ...options }
    )
    const list = field(answer.data, 'list')
    return Array.isArray(list) ? list.flatMap(logEntry) : []
  }

  /**
   * Asks CoreClaw to abort a run. One attempt with its own short timeout and no step signal: it is
   * sent while the step is being cancelled. Success means "accepted"; the run then shows `aborting`.
   */
  async abortRun(runId: string, timeoutMs: number): Promise<Answer<unknown>> {
    return this.call(
      'abort request',
      `worker-runs/${encodeURIComponent(runId)}/abort`,
      { runId },
      {
        method: 'POST',
        rule: 'once',
        timeoutMs,
        signal: null
      }
    )
  }

  async requestExport(runId: string, format: Format, filterKeys: string[]): Promise<ExportLink> {
    const query = new URLSearchParams({ format })
    if (filterKeys.length > 0) query.set('filter_keys', filterKeys.join(','))
    const operation = 'export request'
    const answer = await this.call(
      operation,
      `worker-runs/${encodeURIComponent(runId)}/result/export`,
      { runId },
      { query }
    )
    const downloadUrl = downloadUrlOf(field(answer.data, 'download_url'))
    if (!downloadUrl) {
      throw new CoreClawError({
        operation,
        status: answer.status,
        appCode: 0,
        requestId: answer.requestId,
        problem: 'the answer has no usable data.download_url (an http(s) URL)',
        subject: { runId }
      })
    }
    // A signature that a later answer echoes is shown as *** (server-text.ts), like the key.
    for (const value of new URL(downloadUrl).searchParams.values()) if (value.length >= 16) keepSecret(value)
    return { downloadUrl, requestId: answer.requestId }
  }

  private call(operation: string, path: string, subject: Subject, options: CallOptions = {}): Promise<Answer<unknown>> {
    const { baseUrl, userAgent, retry } = this.options
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs
    const signal = options.signal === null ? undefined : (options.signal ?? this.options.signal)
    const prefix = baseUrl.pathname.replace(/\/+$/, '')
    const url = new URL(`${prefix}/api/v2/${path}`, baseUrl.origin)
    if (options.query) url.search = options.query.toString()
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const attempt = async () => {
      // An answer is small: all of it, redirects included, must arrive within the timeout.
      const deadline = new AbortController()
      const timer = setTimeout(() => deadline.abort(TimeoutError.incomplete(operation, timeoutMs)), timeoutMs)
      try {
        const response = await request(url, {
          operation,
          method: options.method,
          body,
          userAgent,
          timeoutMs,
          sameOriginOnly: true,
          headers: {
            accept: 'application/json',
            // Small answers need no compression, and an uncompressed one is what a message can quote.
            'accept-encoding': 'identity',
            ...(body !== undefined && { 'content-type': 'application/json' })
          },
          sign: hop => this.sign(hop),
          signal: signal ? AbortSignal.any([deadline.signal, signal]) : deadline.signal
        })
        const text = await readText(response, operation)
        return parseEnvelope(operation, response.status, response.headers, text, subject)
      } finally {
        clearTimeout(timer)
      }
    }
    if (options.rule === 'once') return attempt()
    return retry.run(operation, attempt, options.rule ?? BY_ERROR)
  }

  /** Credentials for one request to the API origin; `sameOriginOnly` keeps them there. */
  private sign(url: URL): Signed {
    const { apiKey, authMethod } = this.options
    switch (authMethod) {
      case 'bearer':
        return { url, headers: { authorization: `Bearer ${apiKey}` } }
      case 'header':
        return { url, headers: { 'api-key': apiKey } }
      case 'query': {
        const signed = new URL(url)
        signed.searchParams.set('token', apiKey)
        return { url: signed, headers: {} }
      }
    }
  }
}

function field(data: unknown, name: string): unknown {
  return data && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined
}

/** Worker ids `owner/name` travel as `owner~name` (a `%2F` fails); a slug travels as it is. */
function workerPath(workerId: string): string {
  return encodeURIComponent(workerId.replace('/', '~'))
}

/** The run detail's fields we use, each checked by type. */
function runDetail(data: unknown): RunDetail {
  const slug = field(data, 'slug')
  const duration = field(data, 'duration')
  const usage = field(data, 'usage')
  return {
    slug: typeof slug === 'string' ? slug : undefined,
    status: wordOf(field(data, 'status')) ?? 'unknown',
    results: countOf(field(data, 'results')),
    errMsg: textOf(field(data, 'err_msg')),
    durationSeconds: typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : undefined,
    usage: usageOf(usage)
  }
}

/** A cost: a decimal number, as a string ("1.00") or a number; anything else is unknown. */
function usageOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return String(value)
  return typeof value === 'string' && /^\d{1,12}(\.\d{1,8})?$/.test(value) ? value : undefined
}

/**
 * A listed run: a string slug, times that are real dates, and the worker it belongs to. The list
 * was asked for succeeded runs, but that is checked, not trusted: a run without the status
 * `succeeded` is dropped.
 */
function listedRun(item: unknown): ListedRun[] {
  const slug = field(item, 'slug')
  if (typeof slug !== 'string' || wordOf(field(item, 'status')) !== 'succeeded') return []
  const worker = field(item, 'scraper_slug')
  return [
    {
      slug,
      worker: typeof worker === 'string' && WORKER_NAME.test(worker) ? worker : undefined,
      finishedAt: timeOf(field(item, 'finished_at'), 1000),
      startedAt: timeOf(field(item, 'started_at'), 1000)
    }
  ]
}

const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.~-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/

/**
 * Whether a run's worker (`scraper_slug`) is the worker the user named. Either may be owner/name
 * (owner~name on the wire) or the worker's name alone; a run whose worker is unknown is not a match.
 */
export function sameWorker(runWorker: string | undefined, workerId: string): boolean {
  if (!runWorker) return false
  const spellings = (id: string) => {
    const full = id.replace('~', '/').toLowerCase()
    return [full, full.split('/').at(-1) ?? full]
  }
  const [runFull, runName] = spellings(runWorker)
  const [givenFull, givenName] = spellings(workerId)
  return runFull === givenFull || (runFull.includes('/') !== givenFull.includes('/') && runName === givenName)
}

/** A log entry as CoreClaw sends it, a string or an object with `content`; anything else is skipped. */
function logEntry(item: unknown): LogEntry[] {
  if (typeof item === 'string') return [{ content: item }]
  const content = field(item, 'content')
  if (typeof content !== 'string') return []
  return [{ content, timestampMs: timeOf(field(item, 'timestamp'), 1) }]
}
