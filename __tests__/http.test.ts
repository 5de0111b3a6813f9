// One GET with our rules, against a local server: redirects are capped and judged hop by hop,
// credentials are added per hop only where `sign` allows, timeouts fire, and no error message
// ever carries a query string.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { NetworkError, TimeoutError } from '../src/errors.js'
import { get, readText, type GetOptions } from '../src/http.js'

type Seen = { host: string; url: string; authorization?: string }
let server: http.Server
let origin: string
let seen: Seen[]
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ host: req.headers.host ?? '', url: req.url ?? '', authorization: req.headers.authorization })
    handler(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
beforeEach(() => {
  seen = []
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise(resolve => server.close(resolve))
})

const options = (extra: Partial<GetOptions> = {}): GetOptions => ({
  operation: 'probe',
  timeoutMs: 2000,
  maxRedirects: 10,
  headers: {},
  ...extra
})
const redirectTo =
  (location: (req: http.IncomingMessage) => string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(302, { location: location(req) })
    res.end()
  }

test('follows up to 10 redirects, then fails with ETOOMANYREDIRECTS', async () => {
  handler = redirectTo(req => `/hop${Number(req.url?.slice(4) || 0) + 1}?sig=secret`)
  const error = await get(new URL(`${origin}/hop0?sig=secret`), options()).catch(e => e)
  expect(error).toBeInstanceOf(NetworkError)
  expect(error.code).toBe('ETOOMANYREDIRECTS')
  expect(seen).toHaveLength(11)
  expect(error.message).not.toContain('secret')
})

test('nine redirects then an answer is fine', async () => {
  handler = (req, res) => {
    const hop = Number(req.url?.slice(4, 5))
    if (hop < 9) return redirectTo(() => `/hop${hop + 1}`)(req, res)
    res.end('done')
  }
  const response = await get(new URL(`${origin}/hop0`), options())
  expect(await readText(response, 'probe')).toBe('done')
  expect(response.url.pathname).toBe('/hop9')
})

test('credentials are signed per hop, and only where sign allows', async () => {
  // 127.0.0.1 and localhost are different host names for the same server.
  const other = origin.replace('127.0.0.1', 'localhost')
  handler = (req, res) => (req.url === '/start' ? redirectTo(() => `${other}/end`)(req, res) : res.end('ok'))
  const sign = (url: URL) => ({
    url,
    headers: url.hostname === '127.0.0.1' ? { authorization: 'Bearer k' } : ({} as Record<string, string>)
  })
  await readText(await get(new URL(`${origin}/start`), options({ sign })), 'probe')
  expect(seen.map(s => [s.url, s.authorization])).toEqual([
    ['/start', 'Bearer k'],
    ['/end', undefined]
  ])
})

test('API calls refuse a redirect to another origin, naming it without its query', async () => {
  handler = redirectTo(() => 'http://elsewhere.example/api/v2/x?token=k')
  const error = await get(new URL(`${origin}/api`), options({ sameOriginOnly: true })).catch(e => e)
  expect(error.code).toBe('ECROSSORIGINREDIRECT')
  expect(error.message).toBe(
    "probe failed: ECROSSORIGINREDIRECT (the API redirected to http://elsewhere.example/api/v2/x; set 'base-url' to that origin)"
  )
})

test('no answer within the timeout is a TimeoutError, and the query is not in it', async () => {
  handler = () => undefined
  const error = await get(new URL(`${origin}/slow?token=k`), options({ timeoutMs: 300 })).catch(e => e)
  expect(error).toBeInstanceOf(TimeoutError)
  expect(error.message).toBe('probe failed: ETIMEDOUT (no answer for 0.3 s)')
  expect(error.retryable).toBe(true)
})

test('a refused connection is a retryable NetworkError without the query', async () => {
  const error = await get(new URL('http://127.0.0.1:1/x?token=k'), options()).catch(e => e)
  expect(error).toBeInstanceOf(NetworkError)
  expect(error.code).toBe('ECONNREFUSED')
  expect(error.message).not.toContain('token')
})

test('an API answer larger than the cap is refused', async () => {
  handler = (_req, res) => res.end('x'.repeat(2048))
  const error = await readText(await get(new URL(`${origin}/big`), options()), 'probe', 1024).catch(e => e)
  expect(error.code).toBe('ETOOLARGE')
})
