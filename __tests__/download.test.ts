// The download's pipeline with a real response from a local server: whatever fails after the body,
// the pipeline settles with that failure and the response is ended.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { pipeResponse } from '../src/download.js'
import { request, type Response } from '../src/http.js'
import { until } from './helpers.js'

let server: http.Server
let origin: string

beforeAll(async () => {
  // 100 KiB with a Content-Length, in two parts 100 ms apart: the response is paused behind a file
  // that is still writing the first part when the second arrives, the body is complete, and the
  // connection closes.
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': 100 * 1024 }).write(Buffer.alloc(64 * 1024, 'x'))
    setTimeout(() => res.end(Buffer.alloc(36 * 1024, 'x')), 100)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise(resolve => server.close(resolve))
})

test('a file that fails after the whole body arrived: the pipeline rejects with its error, at once', async () => {
  const response: Response = await request(new URL(`${origin}/export.csv`), {
    operation: 'download',
    userAgent: 'test',
    timeoutMs: 60_000,
    headers: {}
  })
  // A file that never finishes its first write, then fails, as one under `ulimit -f` does (EFBIG).
  // Before pipeResponse, this hung on Node 24 (a step, until its stall watchdog). Node 20's pipeline
  // settled, but left the body paused and open.
  const file = new Writable({ write: () => undefined })
  const piped = pipeResponse(response.body, [file])
  const settled = piped.then(
    () => 'resolved',
    (error: NodeJS.ErrnoException) => error.code
  )
  await until(() => response.body.complete && response.body.isPaused() && response.body.socket.destroyed)
  file.destroy(Object.assign(new Error('file too large'), { code: 'EFBIG' }))

  const never = new Promise(resolve => setTimeout(() => resolve('still waiting after 5 s'), 5000).unref())
  expect(await Promise.race([settled, never])).toBe('EFBIG')
  expect(response.body.destroyed).toBe(true)
  response.close()
})
