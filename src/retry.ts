/**
 * The one retry policy for every request the action makes: run detail, export and download.
 * What is retried is decided by the error itself (`retryable`), so this module only decides
 * how often and how long to wait.
 */
import { ActionError, AttemptsExhaustedError, asActionError } from './errors.js'

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

  async run<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    const { maxAttempts, clock, onRetry, signal } = this.options
    for (let n = 1; ; n++) {
      signal?.throwIfAborted()
      this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1)
      try {
        return await attempt()
      } catch (thrown) {
        const error = asActionError(thrown)
        if (!error.retryable) throw error
        if (n >= maxAttempts) throw maxAttempts > 1 ? new AttemptsExhaustedError(n, error) : error
        const delayMs = this.delayBefore(n, error)
        this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1)
        onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error })
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
    // "Equal jitter": half fixed, half random, so waits grow but never collapse to zero.
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
