// Our rules on top of @actions/http-client, against a local server: redirects are judged hop by
// hop (only http(s), never https → http, at most 10, API calls on their origin), credentials are
// added per hop only where `sign` allows, the head has a deadline, cancellation aborts, and no
// error message ever carries a query string.
import * as http from 'node:http'
import * as net from 'node:net'
import type { AddressInfo } from 'node:net'
import { CancelledError } from '../src/errors.js'
import { NetworkError, RedirectError, TimeoutError } from '../src/http-errors.js'
import { readText, request as get, type RequestOptions as GetOptions } from '../src/http.js'

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
  userAgent: 'test',
  timeoutMs: 2000,
  headers: {},
  ...extra
})
const redirectTo =
  (location: (req: http.IncomingMessage) => string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(302, { location: location(req) })
    res.end()
  }
const refusal = (url: string, extra: Partial<GetOptions> = {}) =>
  get(new URL(url), options(extra)).then(
    () => {
      throw new Error('expected a refusal')
    },
    (error: unknown) => error as RedirectError
  )

test('follows up to 10 redirects; the 11th is refused as final, without the query', async () => {
  handler = redirectTo(req => `/hop${Number(req.url?.slice(4, req.url.indexOf('?')) || 0) + 1}?sig=secret`)
  const error = await refusal(`${origin}/hop0?sig=secret`)
  expect(error).toBeInstanceOf(RedirectError)
  expect(error).toMatchObject({ kind: 'too-many', retryable: false })
  expect(seen).toHaveLength(11)
  expect(error.message).toBe(
    `probe refused a redirect: more than 10 redirects, the last from ${new URL(origin).host} to ${origin}/hop11`
  )
})

test('ten redirects then an answer is fine', async () => {
  handler = (req, res) => {
    const hop = Number(req.url?.slice(4))
    if (hop < 10) return redirectTo(() => `/hop${hop + 1}`)(req, res)
    res.end('done')
  }
  const response = await get(new URL(`${origin}/hop0`), options())
  expect(await readText(response, 'probe')).toBe('done')
  expect(response.url.pathname).toBe('/hop10')
})

test('a relative Location is resolved against the URL that sent it', async () => {
  handler = (req, res) => (req.url === '/a/b' ? redirectTo(() => '../c?x=1')(req, res) : res.end(req.url))
  const response = await get(new URL(`${origin}/a/b`), options())
  expect(await readText(response, 'probe')).toBe('/c?x=1')
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

test('the Host header leaves out the default port and keeps any other', async () => {
  handler = (_req, res) => res.end('ok')
  await readText(await get(new URL(`${origin}/`), options()), 'probe')
  expect(seen[0].host).toBe(new URL(origin).host)
})

test('API calls refuse a redirect to another origin, naming it without its query', async () => {
  handler = redirectTo(() => 'http://elsewhere.example/api/v2/x?token=k')
  const error = await refusal(`${origin}/api`, { sameOriginOnly: true })
  expect(error).toMatchObject({ kind: 'cross-origin', retryable: false })
  expect(error.message).toBe(
    `probe refused a redirect: ${new URL(origin).host} redirected the API call to another origin, http://elsewhere.example/api/v2/x; the API key is only sent to the API's own origin`
  )
  expect(seen).toHaveLength(1)
})

test.each(['ftp://files.example/x.csv?sig=1', 'file:///etc/passwd', 'gopher://g.example/1', 'javascript:alert(1)'])(
  'a redirect to %s is refused before any request goes there',
  async location => {
    handler = redirectTo(() => location)
    const error = await refusal(`${origin}/file`)
    expect(error).toMatchObject({ kind: 'scheme', retryable: false })
    expect(error.message).toContain('only http and https are followed')
    expect(error.message).not.toContain('sig=')
    expect(seen).toHaveLength(1)
  }
)

test('a Location that is not a URL is refused and blames the host that sent it', async () => {
  handler = redirectTo(() => 'http://[not-an-ip')
  const error = await refusal(`${origin}/file`)
  expect(error).toMatchObject({ kind: 'unparseable', retryable: false })
  expect(error.message).toBe(
    `probe refused a redirect: ${new URL(origin).host} sent a redirect whose Location is not a URL`
  )
})

test('no answer within the timeout is a TimeoutError, and the query is not in it', async () => {
  handler = () => undefined
  const error = await get(new URL(`${origin}/slow?token=k`), options({ timeoutMs: 300 })).catch(e => e)
  expect(error).toBeInstanceOf(TimeoutError)
  expect(error.message).toBe('probe failed: ETIMEDOUT (no answer for 0.3 s)')
  expect(error.retryable).toBe(true)
})

test('cancelling aborts a request that waits for its answer', async () => {
  handler = () => undefined
  const controller = new AbortController()
  const pending = get(new URL(`${origin}/slow`), options({ signal: controller.signal })).catch(e => e)
  setTimeout(() => controller.abort(new CancelledError('SIGINT')), 50)
  const error = await pending
  expect(error).toBeInstanceOf(CancelledError)
  expect(error.retryable).toBe(false)
})

test('cancelling after the head ends the body too', async () => {
  handler = (_req, res) => res.write('part of it')
  const controller = new AbortController()
  const response = await get(new URL(`${origin}/half`), options({ signal: controller.signal }))
  setTimeout(() => controller.abort(new CancelledError('SIGTERM')), 50)
  expect(await readText(response, 'probe').catch(e => e)).toBeInstanceOf(CancelledError)
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

describe('on the wire (a raw server sends exact bytes)', () => {
  let raw: net.Server
  let rawOrigin: string
  let answer: (socket: net.Socket) => void
  beforeAll(async () => {
    raw = net.createServer(socket => socket.once('data', () => answer(socket)))
    await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve))
    rawOrigin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise(resolve => raw.close(resolve)))

  const fetchText = async (path = '/') => readText(await get(new URL(`${rawOrigin}${path}`), options()), 'probe')

  test('a chunked answer and an answer delimited by closing are read whole', async () => {
    answer = socket =>
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n')
    expect(await fetchText()).toBe('abcde')
    answer = socket => socket.end('HTTP/1.0 200 OK\r\n\r\nuntil the end')
    expect(await fetchText()).toBe('until the end')
  })

  test('a body cut short of Content-Length fails as a retryable network error, without the query', async () => {
    answer = socket => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this')
    const error = await fetchText('/file?sig=secret').catch(e => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'ECONNRESET', retryable: true })
    expect(error.message).not.toContain('secret')
  })

  test('a connection closed without an answer, and an answer that is not HTTP, are retryable errors', async () => {
    answer = socket => socket.end()
    expect(await fetchText().catch(e => e)).toMatchObject({ code: 'ECONNRESET', retryable: true })
    answer = socket => socket.end('220 mail.example ESMTP\r\n\r\n')
    expect(await fetchText().catch(e => e)).toMatchObject({ code: 'HPE_INVALID_CONSTANT', retryable: true })
  })
})
