// One GET with our rules, against a local server: redirects are capped and judged hop by hop,
// credentials are added per hop only where `sign` allows, timeouts fire, and no error message
// ever carries a query string.
import * as http from 'node:http'
import * as net from 'node:net'
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

  test('a body cut short of Content-Length fails with ECONNRESET, without the query', async () => {
    answer = socket => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this')
    const error = await fetchText('/file?sig=secret').catch(e => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe('probe failed: ECONNRESET (the connection closed before the whole body arrived)')
  })

  test('a connection closed without an answer, and an answer that is not HTTP, are retryable errors', async () => {
    answer = socket => socket.end()
    expect(await fetchText().catch(e => e)).toMatchObject({ code: 'ECONNRESET', retryable: true })
    answer = socket => socket.end('220 mail.example ESMTP\r\n\r\n')
    const error = await fetchText().catch(e => e)
    expect(error).toMatchObject({ code: 'EBADRESPONSE', retryable: true })
    expect(error.message).toContain('not an HTTP/1.x answer: "220 mail.example ESMTP"')
  })

  test('a sink that pauses stops the reading, and a pause longer than the timeout is not a stall', async () => {
    const size = 8 * 1024 * 1024
    answer = socket =>
      socket.end(
        Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`), Buffer.alloc(size, 7)])
      )
    const response = await get(new URL(rawOrigin), options({ timeoutMs: 200 }))
    let received = 0
    let paused = true
    const done = response.body.pipe({
      write: bytes => {
        received += bytes.length
        return !paused
      }
    })
    await new Promise(resolve => setTimeout(resolve, 500))
    // Reading stopped at the first read: far less than the 8 MiB the server has sent.
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThanOrEqual(256 * 1024)
    paused = false
    response.body.resume()
    await done
    expect(received).toBe(size)
  })

  test('a sink that offers space gets the body read straight into it', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'x')
    answer = socket =>
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]))
    const memory = Buffer.alloc(body.length)
    let filled = 0
    let inPlace = 0
    const response = await get(new URL(rawOrigin), options())
    await response.body.pipe({
      space: () => memory.subarray(filled),
      write: bytes => {
        if (bytes.buffer === memory.buffer && bytes.byteOffset === memory.byteOffset + filled) inPlace += bytes.length
        else bytes.copy(memory, filled)
        filled += bytes.length
        return true
      }
    })
    expect(memory.equals(body)).toBe(true)
    // Only what came with the head (at most one read) was copied.
    expect(inPlace).toBeGreaterThanOrEqual(body.length - 256 * 1024)
  })
})
