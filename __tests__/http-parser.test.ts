// HTTP/1.1 response framing (RFC 9112) as the download and the API calls rely on it: every way a
// body can be delimited, every place a read can split a response, and the malformed answers that
// must fail instead of being guessed at.
import { ResponseFormatError, ResponseParser, type ResponseHead } from '../src/http-parser.js'

interface Parsed {
  heads: ResponseHead[]
  body: string
  done: boolean
  /** Bytes push() reported as part of the response. */
  used: number
}

/** Feeds `pieces` one push() each, scribbling over every piece afterwards like a reused buffer. */
function parse(pieces: (string | Buffer)[], method: 'GET' | 'CONNECT' = 'GET'): Parsed {
  const result: Parsed = { heads: [], body: '', done: false, used: 0 }
  const parser = new ResponseParser(method, {
    onHead: head => result.heads.push(head),
    onBody: bytes => (result.body += bytes.toString('latin1'))
  })
  for (const piece of pieces) {
    const bytes = Buffer.from(piece)
    result.used += parser.push(bytes)
    bytes.fill('#')
  }
  result.done = parser.done
  return result
}

/** Every way of cutting `text` into two reads. */
function everySplit(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)])
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/csv\r\n\r\n' +
  '5;ext=1\r\ntitle\r\n' +
  '1B\r\n,address\nBlue Bottle,1 Ferr\r\n' +
  '0\r\nX-Checksum: abc\r\n\r\n'

describe('bodies delimited by Content-Length', () => {
  test('the body is exactly Content-Length bytes, and what follows is not part of it', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA'
    const result = parse([text])
    expect(result).toMatchObject({ body: 'hello', done: true, used: text.length - 'EXTRA'.length })
    expect(result.heads).toEqual([{ status: 200, headers: { 'content-length': '5' }, length: 5 }])
  })

  test('split anywhere, even inside the blank line, the result is the same', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: "x"\r\n\r\nhello world'
    for (const pieces of everySplit(text)) {
      expect(parse(pieces)).toMatchObject({ body: 'hello world', done: true, heads: [{ status: 200 }] })
    }
  })

  test('a body cut short is not done, and closing does not complete it', () => {
    const parser = new ResponseParser('GET', { onHead: () => undefined, onBody: () => undefined })
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'))
    expect(parser.done).toBe(false)
    expect(parser.close()).toBe(false)
  })

  test('Content-Length: 0, 204 and 304 have no body', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'])).toMatchObject({ body: '', done: true })
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n'])).toMatchObject({ body: '', done: true })
    expect(parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n'])).toMatchObject({ done: true })
  })

  test('repeated equal Content-Length values are one length; different ones are refused', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'])).toMatchObject({
      body: 'ok',
      done: true
    })
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok'])).toThrow(
      'invalid Content-Length "2, 3"'
    )
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'])).toThrow(ResponseFormatError)
  })
})

describe('chunked bodies', () => {
  test('chunks, extensions and trailers, split at every byte', () => {
    for (const pieces of everySplit(CHUNKED)) {
      expect(parse(pieces)).toMatchObject({ body: 'title,address\nBlue Bottle,1 Ferr', done: true })
    }
  })

  test('one byte per read', () => {
    expect(parse([...CHUNKED])).toMatchObject({ body: 'title,address\nBlue Bottle,1 Ferr', done: true })
  })

  test('Transfer-Encoding wins over Content-Length', () => {
    const text =
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
    const result = parse([text])
    expect(result).toMatchObject({ body: 'hello', done: true })
    // The length the framing states, not the header's: a chunked body has none.
    expect(result.heads[0]).toHaveProperty('length', undefined)
  })

  test('a body that ends before the last chunk is not done', () => {
    expect(parse([CHUNKED.slice(0, CHUNKED.indexOf('0\r\n'))])).toMatchObject({ done: false })
  })

  test('a bad chunk size, or chunk data longer than its size, is refused', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
    expect(() => parse([`${head}zz\r\n`])).toThrow('invalid chunk size "zz"')
    expect(() => parse([`${head}2\r\nabc\r\n0\r\n\r\n`])).toThrow('chunk data is longer than its size')
  })
})

describe('bodies delimited by closing the connection', () => {
  test('no length and no chunking: the body runs until the connection closes', () => {
    const parser = new ResponseParser('GET', { onHead: () => undefined, onBody: () => undefined })
    parser.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nall of it'))
    expect(parser.done).toBe(false)
    expect(parser.close()).toBe(true)
    expect(parser.done).toBe(true)
  })

  test('a Transfer-Encoding that does not end in chunked also runs until close', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc'])).toMatchObject({
      body: 'abc',
      done: false
    })
  })
})

describe('heads', () => {
  test('1xx answers before the real one are skipped', () => {
    const text = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    const result = parse([text])
    expect(result.heads.map(head => head.status)).toEqual([200])
    expect(result).toMatchObject({ body: 'ok', done: true })
  })

  test('a 101 we never asked for is refused', () => {
    expect(() => parse(['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'])).toThrow(
      'the server switched protocols'
    )
  })

  test('names are lower-cased, values trimmed, repeated fields joined', () => {
    const text = 'HTTP/1.1 302 Found\nLocation:  /next \nX-Request-Id: a\nx-request-id: b\nContent-Length: 0\n\n'
    expect(parse([text]).heads).toEqual([
      { status: 302, headers: { location: '/next', 'x-request-id': 'a, b', 'content-length': '0' }, length: 0 }
    ])
  })

  test('what is not an HTTP/1.x answer is refused, quoting its start', () => {
    expect(() => parse(['SSH-2.0-OpenSSH_9.2\r\n\r\n'])).toThrow('not an HTTP/1.x answer: "SSH-2.0-OpenSSH_9.2"')
    expect(() => parse(['HTTP/2 200\r\n\r\n'])).toThrow(ResponseFormatError)
  })

  test('folded lines and whitespace before the colon are refused (response smuggling)', () => {
    expect(() => parse(['HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n'])).toThrow('invalid header line')
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello'])).toThrow('invalid header line')
  })

  test('a head that never ends is refused after 64 KiB', () => {
    const endless = `HTTP/1.1 200 OK\r\n${'X-Pad: 0123456789abcdef\r\n'.repeat(3000)}`
    expect(() => parse([endless.slice(0, 40_000), endless.slice(40_000)])).toThrow('the head is over 65536 bytes')
  })
})

describe('CONNECT', () => {
  test('a 2xx answer has no body: bytes after it belong to the tunnel', () => {
    const head = 'HTTP/1.1 200 Connection established\r\n\r\n'
    expect(parse([`${head}\x16\x03\x01`], 'CONNECT')).toMatchObject({ done: true, used: head.length, body: '' })
  })

  test('a refusal has a body like any answer', () => {
    const text = 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 6\r\n\r\ndenied'
    expect(parse([text], 'CONNECT')).toMatchObject({ body: 'denied', done: true, heads: [{ status: 407 }] })
  })
})
