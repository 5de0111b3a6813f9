/**
 * CoreClaw's envelope, `{code, data, message, details, request_id}`: both layers must agree, HTTP
 * 2xx *and* code 0, or the answer is a CoreClawError with every field checked by type. An answer
 * that is not the envelope at all (a gateway's page) is one too, with the start of its body.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Subject } from './coreclaw-contract.js'
import { CoreClawError } from './coreclaw-errors.js'
import { parseRetryAfter } from './retry.js'
import { redact, requestIdOf, textOf } from './server-text.js'

/** What a call returns: its data, and what CoreClaw said about the answer. */
export interface Answer<T> {
  data: T
  requestId?: string
  /** The HTTP status (a 2xx) that carried it. */
  status: number
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
    // A UTF-8 BOM is how some servers and gateways start a body; JSON.parse calls it a syntax error.
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''))
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

/** A list header's first value: Node joins repeated fields such as X-Request-Id with ", ". */
function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return first?.split(',')[0]?.trim() || undefined
}

/**
 * The first 120 visible characters of a body, tags and control characters removed. Secrets are
 * replaced in the whole body first: a key that straddled the cut would otherwise show in part.
 */
export function bodyStart(text: string): string {
  const visible = redact(text)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[\u0000-\u001f\u007f"\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return visible.length > 120 ? `${visible.slice(0, 120)}…` : visible
}
