/**
 * The one retry policy for every request the action makes. For reads and the download, what is
 * retried is decided by the error itself (`retryable`). Starting a run is the exception, because
 * it costs money and has no idempotency key: `startRule` retries only what provably started nothing.
 */
import { CoreClawError } from './coreclaw-errors.js'
import { ActionError, AttemptsExhaustedError, asActionError, CancelledError } from './errors.js'
import { NetworkError } from './http-errors.js'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}

export interface RetryNotice {
  operation: string
  attempt: number
  maxAttempts: number
  delayMs: number
  error: ActionError
  /** A 'wait' verdict: the server asked us to come back later, and we wait up to a deadline. */
  waiting?: { untilMs: number }
}

/** After a failed attempt: try again (counts against max-attempts), wait for the server (until a deadline), or stop. */
export type Verdict = 'retry' | 'wait' | 'final'

export interface RetryRule {
  verdict(error: ActionError): Verdict
  /** 'wait' verdicts are retried until this time (clock ms), without counting against max-attempts. */
  waitUntilMs?: number
}

/** Reads and downloads: the error says whether another attempt can help. */
export const BY_ERROR: RetryRule = { verdict: error => (error.retryable ? 'retry' : 'final') }

/**
 * Whether a failed start request provably started no run. Only then may it be retried, or reported
 * as a plain failure. Proof is one of two things. The request never left: it failed before its
 * connection was made (DNS, a refused connection, a proxy's refusal, the TLS handshake, a
 * cancellation while a proxy's CONNECT waited), judged by
 * phase in http.ts, never by error code, since a TLS error can also come after the request was
 * written. Or CoreClaw's own envelope refused it with a 4xx (429/13000 rate limited, 30003 plan
 * limit, 30001 balance, 50001 no such worker, …). Anything after the connection was made (a
 * timeout, a reset, a TLS error), any 5xx, a gateway page or an unreadable answer proves nothing:
 * the run may exist.
 */
export function provablyNotStarted(error: ActionError): boolean {
  const last = error instanceof AttemptsExhaustedError ? error.last : error
  if (last instanceof CoreClawError) {
    if (last.status === 429) return true
    return (
      !last.notEnvelope &&
      last.appCode !== undefined &&
      last.appCode !== 0 &&
      last.status !== undefined &&
      last.status >= 400 &&
      last.status < 500
    )
  }
  return (
    (last instanceof NetworkError && last.unsent) ||
    (last instanceof CancelledError && last.unsentOperation !== undefined)
  )
}

/** Starting a run: retried only when CoreClaw provably started nothing; a full plan is waited for. */
export function startRule(waitUntilMs: number): RetryRule {
  return {
    waitUntilMs,
    verdict(error) {
      if (!provablyNotStarted(error)) return 'final'
      if (error instanceof CoreClawError && error.appCode === 30003) return 'wait'
      const rateLimited = error instanceof CoreClawError && (error.status === 429 || error.appCode === 13000)
      const neverSent = error instanceof NetworkError && error.unsent && error.retryable
      return rateLimited || neverSent ? 'retry' : 'final'
    }
  }
}

export interface RetryOptions {
  maxAttempts: number
  clock: Clock
  /** 0 ≤ random() < 1, injectable so tests can pin the jitter. */
  random?: () => number
  onRetry?: (notice: RetryNotice) => void
  /** The step's cancellation: no new attempt, and no waiting, once it is aborted. */
  signal?: AbortSignal
}

/** The first back-off is 0.5–1 s, doubling up to 15–30 s. */
export const BASE_DELAY_MS = 1000
export const MAX_DELAY_MS = 30_000
/** We honour Retry-After, but a job should not sleep for hours on a server's say-so. */
export const MAX_RETRY_AFTER_MS = 120_000

export class RetryPolicy {
  /** Requests made per operation (status polls included), for debug lines. */
  readonly attempts = new Map<string, number>()
  /** Retries after failures per operation, for the summary: polls are not retries. */
  readonly retries = new Map<string, number>()
  private readonly random: () => number

  constructor(private readonly options: RetryOptions) {
    this.random = options.random ?? Math.random
  }

  async run<T>(operation: string, attempt: () => Promise<T>, rule: RetryRule = BY_ERROR): Promise<T> {
    const { maxAttempts, clock, onRetry, signal } = this.options
    let waits = 0
    for (let n = 1; ;) {
      signal?.throwIfAborted()
      this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1)
      try {
        return await attempt()
      } catch (thrown) {
        const error = asActionError(thrown)
        const verdict = rule.verdict(error)
        if (verdict === 'final') throw error
        let delayMs: number
        if (verdict === 'wait') {
          // A wait for a full plan can last hours: at least the back-off between tries, whatever
          // Retry-After says (a 0 would mean a start request in a tight loop).
          waits++
          delayMs = Math.max(this.delayBefore(waits, error), this.backOff(waits))
          const untilMs = rule.waitUntilMs ?? 0
          if (clock.now() + delayMs > untilMs) throw error
          onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error, waiting: { untilMs } })
        } else {
          if (n >= maxAttempts) throw maxAttempts > 1 ? new AttemptsExhaustedError(n, error) : error
          delayMs = this.delayBefore(n, error)
          onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error })
          n++
        }
        this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1)
        await clock.sleep(delayMs, signal)
      }
    }
  }

  /** How long to wait after failed attempt `n` (1-based). */
  delayBefore(n: number, error: ActionError): number {
    if (error.retryAfterMs !== undefined) {
      // The server said when; add at most 250 ms so that many clients don't come back at once.
      return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) + Math.round(this.random() * 250)
    }
    return this.backOff(n)
  }

  /** "Equal jitter": half fixed, half random, so waits grow but never collapse to zero. */
  private backOff(n: number): number {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (n - 1))
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2)
  }
}

/** Retry-After is either delta-seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}
