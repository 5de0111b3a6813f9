/** CoreClaw's API answered with an error: an HTTP status, an app code, or a body that is not its envelope. */
import { CODE_ADVICE, codeName, notFound, type Subject } from './coreclaw-contract.js'
import { ActionError } from './errors.js'
import { isRetryableStatus } from './http-errors.js'
import type { Vocabulary } from './log.js'
import { forLog, jsonOf } from './server-text.js'

export interface CoreClawErrorFields {
  operation: string
  status?: number
  appCode?: number
  serverMessage?: string
  details?: unknown
  requestId?: string
  /** A short, sanitised start of a body that was not the JSON envelope. */
  bodyStart?: string
  /** What was wrong with the answer when it was not an error envelope. */
  problem?: string
  /** The answer was not CoreClaw's envelope at all (a gateway's page, a wrong URL). */
  notEnvelope?: boolean
  retryAfterMs?: number
  subject?: Subject
}

/** CoreClaw's API answered with an error: an HTTP status, an app code, or an unreadable body. */
export class CoreClawError extends ActionError {
  override readonly name: string = 'CoreClawError'
  readonly operation: string
  readonly status?: number
  readonly appCode?: number
  readonly serverMessage?: string
  readonly details?: unknown
  override readonly requestId?: string
  readonly bodyStart?: string
  readonly problem?: string
  readonly notEnvelope: boolean
  readonly subject: Subject
  override readonly retryable: boolean
  override readonly retryAfterMs?: number

  constructor(fields: CoreClawErrorFields) {
    super(describeCoreClawError(fields))
    this.operation = fields.operation
    this.status = fields.status
    this.appCode = fields.appCode
    this.serverMessage = fields.serverMessage
    this.details = fields.details
    this.requestId = fields.requestId
    this.bodyStart = fields.bodyStart
    this.problem = fields.problem
    this.notEnvelope = fields.notEnvelope ?? false
    this.subject = fields.subject ?? {}
    this.retryAfterMs = fields.retryAfterMs
    // A code != 0 on a 2xx is a business error, never transient.
    this.retryable = fields.status !== undefined && isRetryableStatus(fields.status)
  }

  advice(say: Vocabulary): string {
    const { appCode, status, subject } = this
    if (appCode !== undefined && CODE_ADVICE[appCode]) return CODE_ADVICE[appCode](say, subject)
    if (status === 404) {
      const elsewhere = this.notEnvelope
        ? ` The answer was not CoreClaw's own: check ${say.input('base-url')} too.`
        : ''
      return notFound(say, subject) + elsewhere
    }
    if (this.notEnvelope) {
      return `The answer did not come from CoreClaw's API (a gateway, a proxy or another server answered): check ${say.input('base-url')} and the runner's proxy settings.`
    }
    if (status === 401 || status === 403) return CODE_ADVICE[12001](say, subject)
    if (status === 429) return CODE_ADVICE[13000](say, subject)
    if (status !== undefined && status >= 500)
      return 'CoreClaw or a gateway in front of it failed; run the job again later.'
    return 'CoreClaw answered in a way the action does not understand: contact CoreClaw support with the request id.'
  }
}

function describeCoreClawError(f: CoreClawErrorFields): string {
  const parts = [`${f.operation} failed`]
  if (f.status !== undefined) parts.push(`HTTP ${f.status}`)
  const name = f.appCode === undefined ? undefined : codeName(f.appCode)
  if (f.appCode !== undefined) parts.push(`app code ${f.appCode}${name ? ` (${name})` : ''}`)
  let text = parts.join(': ')
  // Server text: each piece escaped and capped, so the line holds well under 4 KiB of it. A message
  // that only repeats the code's name ("invalid token") is said once.
  const repeatsName = name !== undefined && f.serverMessage?.trim().toLowerCase() === name.toLowerCase()
  if (f.serverMessage && !repeatsName) text += `: ${forLog(f.serverMessage, 1024)}`
  // Nested as deep as a hostile server likes: jsonOf cuts it, where JSON.stringify would overflow the stack.
  if (f.details !== undefined && f.details !== null) text += ` (details: ${forLog(jsonOf(f.details, 1024), 1024)})`
  if (f.problem) text += `: ${f.problem}`
  if (f.bodyStart !== undefined) text += `; body starts: "${forLog(f.bodyStart, 120)}"`
  if (f.requestId) text += ` [request_id: ${f.requestId}]`
  return text
}
