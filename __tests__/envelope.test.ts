import { bodyStart, parseEnvelope } from '../src/coreclaw-envelope.js'
import { CoreClawError } from '../src/coreclaw-errors.js'

const op = 'export request'
function failure(status: number, body: string, headers = {}): CoreClawError {
  try {
    parseEnvelope(op, status, headers, body)
  } catch (error) {
    expect(error).toBeInstanceOf(CoreClawError)
    return error as CoreClawError
  }
  throw new Error('expected a CoreClawError')
}

describe('the CoreClaw envelope', () => {
  test('code 0 on HTTP 200 gives data and request id', () => {
    const answer = parseEnvelope(
      op,
      200,
      {},
      '{"code":0,"data":{"download_url":"https://x"},"message":"success","request_id":"req-1"}'
    )
    expect(answer).toEqual({ data: { download_url: 'https://x' }, requestId: 'req-1', status: 200 })
  })

  test('code != 0 is a failure even on HTTP 200, and is not retried', () => {
    const error = failure(200, '{"code":30001,"message":"insufficient balance","details":null,"request_id":"req-2"}')
    expect(error).toMatchObject({
      status: 200,
      appCode: 30001,
      serverMessage: 'insufficient balance',
      requestId: 'req-2',
      retryable: false
    })
    expect(error.message).toBe(
      'export request failed: HTTP 200: app code 30001 (insufficient balance) [request_id: req-2]'
    )
    expect(error.hint).toMatch(/balance/)
  })

  test('the error names status, app code, message, details and request id', () => {
    const error = failure(
      400,
      '{"code":11000,"message":"invalid argument","details":[{"field":"format"}],"request_id":"req-3"}'
    )
    expect(error.message).toContain('HTTP 400')
    expect(error.message).toContain('app code 11000 (invalid argument)')
    expect(error.message).toContain('details: [{"field":"format"}]')
    expect(error.message).toContain('request_id: req-3')
    expect(error.hint).toMatch(/'format' and 'filter-keys'/)
  })

  test.each([
    [401, 12001, /check that the secret passed as 'api-key' .* holds your key/],
    [401, 12002, /new key/],
    [404, 11004, /'run-id'/],
    [400, 70001, /'run-id'/],
    [429, 13000, /rate limiting/],
    [400, 30003, /concurrency/],
    [404, 50001, /'worker-id'/]
  ])('HTTP %i app code %i has a hint', (status, code, hint) => {
    expect(failure(status, JSON.stringify({ code, message: 'x', request_id: 'r' })).hint).toMatch(hint)
  })

  test('an HTML gateway page quotes the status and a sanitised start of the body', () => {
    const html = '<html><head><style>body{}</style></head><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>'
    const error = failure(502, html)
    expect(error.message).toBe(
      'export request failed: HTTP 502: the answer is not a JSON envelope; body starts: "502 Bad Gateway nginx"'
    )
    expect(error.retryable).toBe(true)
  })

  test('malformed JSON on 200 is a failure that is not retried', () => {
    const error = failure(200, '{"code":0,"data":')
    expect(error.message).toContain('not a JSON envelope')
    expect(error.retryable).toBe(false)
  })

  test('a JSON body without a numeric code is a failure', () => {
    expect(failure(200, '{"data":{}}').message).toContain('no numeric code')
  })

  test.each([408, 429, 500, 502, 503, 504])('HTTP %i is retryable', status => {
    expect(failure(status, '{"code":10000,"message":"x"}').retryable).toBe(true)
  })

  test.each([400, 401, 403, 404, 409, 422])('HTTP %i is never retried', status => {
    expect(failure(status, '{"code":11000,"message":"x"}').retryable).toBe(false)
  })

  test('Retry-After is carried on the error', () => {
    expect(failure(429, '{"code":13000}', { 'retry-after': '7' }).retryAfterMs).toBe(7000)
  })

  test('the request id falls back to the x-request-id header', () => {
    expect(failure(503, 'Service Unavailable', { 'x-request-id': 'req-h' }).requestId).toBe('req-h')
  })

  test('bodyStart is short and has no quotes or control characters', () => {
    const start = bodyStart(`"quoted"\u0007 ${'x'.repeat(500)}`)
    expect(start.length).toBeLessThanOrEqual(121)
    expect(start).not.toMatch(/["\u0007]/)
  })
})
