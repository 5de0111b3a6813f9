// The two pipeline stages of our own, fed directly: what the meter hands on, and what the guard refuses.
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { getDefaultHighWaterMark, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FileGuard, Meter, storageChecksum } from '../src/download-stages.js'
import { DownloadError, FileSystemError } from '../src/download-errors.js'

async function through(chunks: Buffer[], ...stages: Array<Meter | FileGuard>): Promise<number[]> {
  const sizes: number[] = []
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => void (sizes.push(chunk.length), done()) })
  await pipeline([Readable.from(chunks), ...stages, sink])
  return sizes
}

const meter = (checksum?: Parameters<typeof storageChecksum>[0]) => {
  const stage = new Meter(60_000, () => undefined, checksum ? storageChecksum(checksum) : undefined, 'storage')
  return stage
}

describe('the meter', () => {
  test('a byte at a time is handed on in 64 KiB pieces, and nothing is lost', async () => {
    const stage = meter()
    const sizes = await through(
      Array.from({ length: 150_000 }, () => Buffer.from('x')),
      stage
    )
    stage.stop()
    expect(sizes).toEqual([65_536, 65_536, 150_000 - 2 * 65_536])
    expect(stage.bytes).toBe(150_000)
  })

  test('chunks of 16 KiB and more pass as they are, after what was gathered before them', async () => {
    const stage = meter()
    const sizes = await through([Buffer.alloc(10), Buffer.alloc(20_000), Buffer.alloc(5)], stage)
    stage.stop()
    expect(sizes).toEqual([10, 20_000, 5])
  })

  test('once a host sends tiny chunks, the response it reads may queue only 1 KiB of them', async () => {
    // Each tiny chunk waits in the response as an ArrayBuffer of its own (BENCHMARKS.md, the burst).
    const queueOf = async (chunks: Buffer[]) => {
      // A byte stream with Node's default queue, as a response is.
      const source = new Readable({ read: () => undefined })
      for (const chunk of chunks) source.push(chunk)
      source.push(null)
      const stage = new Meter(60_000, () => undefined, undefined, 'storage', source)
      await pipeline([source, stage, new Writable({ write: (_c, _e, done) => done() })])
      stage.stop()
      return source.readableHighWaterMark
    }
    // Node's default: 16 KiB on Node 20, 64 KiB from Node 22.
    expect(await queueOf(Array.from({ length: 100 }, () => Buffer.alloc(2000)))).toBe(getDefaultHighWaterMark(false))
    expect(await queueOf(Array.from({ length: 100 }, () => Buffer.from('x')))).toBe(1024)
  })

  test('a response the file keeps waiting is held back one chunk at a time, not in batches', async () => {
    // Paused until the meter's whole queue has gone on, a socket stands still for as long as that
    // takes (the figures are in the Meter's constructor).
    const source = new Readable({ read: () => undefined })
    for (let i = 0; i < 64; i++) source.push(Buffer.alloc(64 * 1024))
    source.push(null)
    let pauses = 0
    source.on('pause', () => pauses++)
    const stage = new Meter(60_000, () => undefined, undefined, 'storage', source)
    // A file that takes each chunk in a later turn of the event loop, as a disk does.
    const file = new Writable({ highWaterMark: 64 * 1024, write: (_c, _e, done) => void setImmediate(done) })
    await pipeline([source, stage, file])
    stage.stop()
    expect(stage.bytes).toBe(64 * 64 * 1024)
    // One pause for every chunk or two; a queue of 16 paused the response once per 16 chunks.
    expect(pauses).toBeGreaterThanOrEqual(32)
  })

  test("the storage host's Content-MD5: a match passes, a mismatch is a retryable corrupt transfer", async () => {
    const body = Buffer.from('the,file\n1,2\n')
    const md5 = createHash('md5').update(body).digest('base64')
    const good = meter({ 'content-md5': md5 })
    await expect(through([body], good)).resolves.toEqual([body.length])
    good.stop()
    const bad = meter({ 'x-goog-hash': `crc32c=AAAAAA==, md5=${createHash('md5').update('other').digest('base64')}` })
    const error = await through([body], bad).catch(e => e)
    bad.stop()
    expect(error).toBeInstanceOf(DownloadError)
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/does not match the storage host's x-goog-hash/)
  })
})

describe('the file guard', () => {
  test('more than 1,000 times the encoded bytes is a decompression bomb: final', async () => {
    const encoded = meter()
    await through([Buffer.alloc(1000)], encoded)
    encoded.stop()
    const guard = new FileGuard({ watchers: [], encoded, folder: tmpdir(), where: 'storage' })
    const error = await through(
      Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024)),
      guard
    ).catch(e => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/expanded to more than 1000 times its 1000 compressed bytes/)
  })

  test('the disk: writing on stops before the reserve is reached, as a "disk full" error', async () => {
    const guard = new FileGuard({
      watchers: [],
      folder: tmpdir(),
      where: 'storage',
      reserveBytes: Number.MAX_SAFE_INTEGER
    })
    const error = await through(
      Array.from({ length: 300 }, () => Buffer.alloc(64 * 1024)),
      guard
    ).catch(e => e)
    expect(error).toBeInstanceOf(FileSystemError)
    expect(error.message).toMatch(/ENOSPC \(the runner's disk is full: stopped with 16777216 bytes written/)
    expect(error.hint).toMatch(/disk is full/)
  })

  test('progress counts the bytes written, and every byte reaches the watchers', async () => {
    const seen: number[] = []
    let watched = 0
    const guard = new FileGuard({
      watchers: [{ update: b => void (watched += b.length) }],
      onProgress: b => void seen.push(b),
      folder: tmpdir(),
      where: 'storage'
    })
    await through([Buffer.alloc(3), Buffer.alloc(4)], guard)
    expect(seen).toEqual([3, 7])
    expect(watched).toBe(7)
  })
})
