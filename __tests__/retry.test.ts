import { CoreClawError } from '../src/coreclaw-errors.js'
import { DownloadError } from '../src/download-errors.js'
import { AttemptsExhaustedError, CancelledError } from '../src/errors.js'
import { NetworkError, TimeoutError, TlsError } from '../src/http-errors.js'
import {
  MAX_DELAY_MS,
  parseRetryAfter,
  provablyNotStarted,
  RetryPolicy,
  startRule,
  type RetryNotice
} from '../src/retry.js'
import { fakeClock } from './fakes.js'

const serverError = (status: number, retryAfterMs?: number) =>
  new CoreClawError({ operation: 'export request', status, appCode: 10000, retryAfterMs })

async function attempts(errors: Error[], maxAttempts = 5, random = () => 0.5) {
  const clock = fakeClock()
  const notices: RetryNotice[] = []
  const policy = new RetryPolicy({ maxAttempts, clock, random, onRetry: n => notices.push(n) })
  let calls = 0
  const outcome = await policy
    .run('export request', async () => {
      const error = errors[calls++]
      if (error) throw error
      return 'ok'
    })
    .catch((error: Error) => error)
  return { outcome, calls, sleeps: clock.sleeps, notices, policy }
}

describe('the retry policy', () => {
  test('502, then 500, then success: three attempts with growing, jittered waits', async () => {
    const { outcome, calls, sleeps, notices } = await attempts([serverError(502), serverError(500)])
    expect(outcome).toBe('ok')
    expect(calls).toBe(3)
    expect(sleeps).toEqual([750, 1500])
    expect(notices.map(n => `${n.attempt}/${n.maxAttempts}`)).toEqual(['1/5', '2/5'])
  })

  test('the wait is between half and all of the exponential ceiling, capped at 30 s', async () => {
    const low = await attempts(Array(8).fill(serverError(503)), 9, () => 0)
    const high = await attempts(Array(8).fill(serverError(503)), 9, () => 0.999999)
    expect(low.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000])
    expect(high.sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
    expect(Math.max(...high.sleeps)).toBeLessThanOrEqual(MAX_DELAY_MS)
  })

  test('Retry-After is waited exactly, plus at most 250 ms of jitter', async () => {
    const { sleeps } = await attempts([serverError(429, 3000), serverError(503, 0)], 5, () => 0.999)
    expect(sleeps).toEqual([3250, 250])
  })

  test('Retry-After is capped at two minutes', async () => {
    const { sleeps } = await attempts([serverError(429, 3_600_000)], 5, () => 0)
    expect(sleeps).toEqual([120_000])
  })

  test.each([400, 401, 403, 404, 422])('HTTP %i is never retried', async status => {
    const { outcome, calls, sleeps } = await attempts([serverError(status)])
    expect(outcome).toBeInstanceOf(CoreClawError)
    expect(calls).toBe(1)
    expect(sleeps).toEqual([])
  })

  test('code != 0 on HTTP 200 is never retried', async () => {
    const { calls } = await attempts([serverError(200)])
    expect(calls).toBe(1)
  })

  test('network errors and cut downloads are retried; expired links are not', async () => {
    expect((await attempts([new NetworkError('download', 'ECONNRESET', '')])).calls).toBe(2)
    expect((await attempts([new DownloadError({ problem: 'truncated', detail: 'cut' })])).calls).toBe(2)
    expect((await attempts([new DownloadError({ problem: 'expired', detail: 'gone', status: 403 })])).calls).toBe(1)
  })

  test('when attempts run out, the error says how many and what the last failure was', async () => {
    const { outcome, calls } = await attempts([serverError(502), serverError(502), serverError(504)], 3)
    expect(calls).toBe(3)
    expect(outcome).toBeInstanceOf(AttemptsExhaustedError)
    expect((outcome as Error).message).toBe(
      'gave up after 3 attempts; the last one: export request failed: HTTP 504: app code 10000 (system error)'
    )
  })

  test('max-attempts 1 makes one attempt and reports the error itself', async () => {
    const { outcome, calls } = await attempts([serverError(502)], 1)
    expect(calls).toBe(1)
    expect(outcome).toBeInstanceOf(CoreClawError)
  })

  test('attempts are counted per operation', async () => {
    const { policy } = await attempts([serverError(502)])
    expect(Object.fromEntries(policy.attempts)).toEqual({ 'export request': 2 })
  })
})

describe('Retry-After', () => {
  test('seconds', () => expect(parseRetryAfter('5', 0)).toBe(5000))
  test('an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:09 GMT', now)).toBe(9000)
  })
  test('a date in the past means now', () =>
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.now())).toBe(0))
  test('garbage is ignored', () => expect(parseRetryAfter('soon', 0)).toBeUndefined())
  test('absent', () => expect(parseRetryAfter(undefined, 0)).toBeUndefined())
})

describe('starting a run: retried only when CoreClaw provably started nothing', () => {
  const refusal = (status: number, appCode: number) =>
    new CoreClawError({ operation: 'start request', status, appCode })
  const notEnvelope = (status: number) => new CoreClawError({ operation: 'start request', status, notEnvelope: true })
  /** As http.ts marks a failure that came before the connection was made. */
  const beforeConnecting = <E extends NetworkError>(error: E): E => Object.assign(error, { unsent: true })

  test.each<[string, Error, boolean]>([
    ['429 / 13000 rate limited', refusal(429, 13000), true],
    ['a 429 gateway page', notEnvelope(429), true],
    ['400 / 30003 plan concurrency limit', refusal(400, 30003), true],
    ['400 / 30001 balance too low', refusal(400, 30001), true],
    ['404 / 50001 no such worker', refusal(404, 50001), true],
    ['connection refused', beforeConnecting(new NetworkError('start request', 'ECONNREFUSED', '')), true],
    ['no DNS answer', beforeConnecting(new NetworkError('start request', 'ENOTFOUND', '')), true],
    [
      'an untrusted certificate',
      beforeConnecting(new TlsError('start request', 'SELF_SIGNED_CERT_IN_CHAIN', '')),
      true
    ],
    ['a timeout before the connection was made', beforeConnecting(TimeoutError.noAnswer('start request', 1000)), true],
    ['a reset after sending', new NetworkError('start request', 'ECONNRESET', ''), false],
    [
      'a TLS error after the request was written: judged by phase, not code',
      new NetworkError('start request', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', ''),
      false
    ],
    ['a timeout', TimeoutError.noAnswer('start request', 1000), false],
    ['500 / 10000', refusal(500, 10000), false],
    ['a 502 gateway page', notEnvelope(502), false],
    ['a 400 page that is not an envelope', notEnvelope(400), false],
    ['code 0 without a run slug', new CoreClawError({ operation: 'start request', status: 200, appCode: 0 }), false],
    ['cancelled mid-request', new CancelledError('SIGINT'), false]
  ])('%s: provably nothing started = %s', (_, error, expected) => {
    expect(provablyNotStarted(error as never)).toBe(expected)
  })

  test('verdicts: 30003 waits, 429 and a refused connection retry, business refusals and anything unclear are final', () => {
    const { verdict } = startRule(0)
    expect(verdict(refusal(400, 30003))).toBe('wait')
    expect(verdict(refusal(429, 13000))).toBe('retry')
    expect(verdict(beforeConnecting(new NetworkError('start request', 'ECONNREFUSED', '')))).toBe('retry')
    expect(verdict(new NetworkError('start request', 'ERR_SSL_WRONG_VERSION_NUMBER', ''))).toBe('final')
    expect(verdict(refusal(400, 30001))).toBe('final')
    expect(verdict(beforeConnecting(new TlsError('start request', 'CERT_HAS_EXPIRED', '')))).toBe('final')
    expect(verdict(notEnvelope(502))).toBe('final')
    expect(verdict(TimeoutError.noAnswer('start request', 1000))).toBe('final')
  })

  test("'wait' is retried until the deadline without counting attempts, then the refusal is the error", async () => {
    const clock = fakeClock()
    const notices: RetryNotice[] = []
    const policy = new RetryPolicy({ maxAttempts: 2, clock, random: () => 0.5, onRetry: n => notices.push(n) })
    let calls = 0
    const outcome = await policy
      .run(
        'start request',
        async () => {
          calls++
          throw refusal(400, 30003)
        },
        startRule(60_000)
      )
      .catch((error: Error) => error)
    expect(outcome).toBeInstanceOf(CoreClawError)
    expect(calls).toBeGreaterThan(2)
    expect(clock.now()).toBeLessThanOrEqual(60_000)
    expect(notices.every(notice => notice.waiting?.untilMs === 60_000)).toBe(true)
  })
})
