/**
 * CoreClaw API v2: credentials, the `{code, data, message, request_id}` envelope, and the three
 * calls the action needs. Every call goes through the shared retry policy.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { CoreClawError, TimeoutError, type Subject } from './errors.js'
import { get, readText, type Signed } from './http.js'
import type { AuthMethod, Format } from './inputs.js'
import { parseRetryAfter, type RetryPolicy } from './retry.js'
import { countOf, downloadUrlOf, requestIdOf, textOf, wordOf } from './server-text.js'

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
}

export interface Answer<T> {
  data: T
  requestId?: string
  /** The HTTP status (a 2xx) that carried it. */
  status: number
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
    const path = workerId ? `workers/${encodeURIComponent(workerId.replace('/', '~'))}/runs/last` : 'worker-runs/last'
    const answer = await this.call('latest run request', path, { workerId })
    return { ...answer, data: runDetail(answer.data) }
  }

  async requestExport(runId: string, format: Format, filterKeys: string[]): Promise<ExportLink> {
    const query = new URLSearchParams({ format })
    if (filterKeys.length > 0) query.set('filter_keys', filterKeys.join(','))
    const operation = 'export request'
    const answer = await this.call(
      operation,
      `worker-runs/${encodeURIComponent(runId)}/result/export`,
      { runId },
      query
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
    return { downloadUrl, requestId: answer.requestId }
  }

  private call(operation: string, path: string, subject: Subject, query?: URLSearchParams): Promise<Answer<unknown>> {
    const { baseUrl, timeoutMs, userAgent, retry, signal } = this.options
    const prefix = baseUrl.pathname.replace(/\/+$/, '')
    const url = new URL(`${prefix}/api/v2/${path}`, baseUrl.origin)
    if (query) url.search = query.toString()
    return retry.run(operation, async () => {
      // An answer is small: all of it, redirects included, must arrive within the timeout.
      const deadline = new AbortController()
      const timer = setTimeout(() => deadline.abort(TimeoutError.incomplete(operation, timeoutMs)), timeoutMs)
      try {
        const response = await get(url, {
          operation,
          userAgent,
          timeoutMs,
          sameOriginOnly: true,
          headers: { accept: 'application/json' },
          sign: hop => this.sign(hop),
          signal: signal ? AbortSignal.any([deadline.signal, signal]) : deadline.signal
        })
        const text = await readText(response, operation)
        return parseEnvelope(operation, response.status, response.headers, text, subject)
      } finally {
        clearTimeout(timer)
      }
    })
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

interface Envelope {
  code?: unknown
  data?: unknown
  message?: unknown
  details?: unknown
  request_id?: unknown
}

/** Both layers must agree: HTTP 2xx *and* code 0. Anything else is a CoreClawError. */
export function parseEnvelope(
  operation: string,
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  subject: Subject = {}
): Answer<unknown> {
  // Node keeps one Retry-After (duplicates are dropped); an HTTP date has a comma of its own.
  const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now())
  const headerRequestId = requestIdOf(firstHeader(headers['x-request-id']))
  let envelope: Envelope | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as Envelope
  } catch {
    envelope = undefined
  }
  if (!envelope) {
    throw new CoreClawError({
      operation,
      status,
      requestId: headerRequestId,
      problem: 'the answer is not a JSON envelope',
      notEnvelope: true,
      bodyStart: bodyStart(text),
      retryAfterMs,
      subject
    })
  }
  const requestId = requestIdOf(envelope.request_id) ?? headerRequestId
  const appCode = Number.isSafeInteger(envelope.code) ? (envelope.code as number) : undefined
  const ok = status >= 200 && status < 300 && appCode === 0
  if (ok) return { data: envelope.data, requestId, status }
  throw new CoreClawError({
    operation,
    status,
    appCode,
    serverMessage: textOf(envelope.message),
    details: envelope.details ?? undefined,
    requestId,
    problem: appCode === undefined ? 'the answer has no numeric code' : undefined,
    notEnvelope: appCode === undefined,
    retryAfterMs,
    subject
  })
}

function field(data: unknown, name: string): unknown {
  return data && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined
}

/** The run detail's fields we use, each checked by type. */
function runDetail(data: unknown): RunDetail {
  const slug = field(data, 'slug')
  return {
    slug: typeof slug === 'string' ? slug : undefined,
    status: wordOf(field(data, 'status')) ?? 'unknown',
    results: countOf(field(data, 'results')),
    errMsg: textOf(field(data, 'err_msg'))
  }
}

/** A list header's first value: Node joins repeated fields such as X-Request-Id with ", ". */
function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return first?.split(',')[0]?.trim() || undefined
}

/** The first 120 visible characters of a body, tags and control characters removed. */
export function bodyStart(text: string): string {
  const visible = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[\u0000-\u001f\u007f"\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return visible.length > 120 ? `${visible.slice(0, 120)}…` : visible
}
