// The download's pipeline on its own, with a file whose writes finish when the test says so: the
// bytes land at their places in order, the hash covers them all, memory is bounded by pausing,
// bytes that arrive anyway wait their turn, and a failed write stops everything.
import { BlockSink, BLOCK_BYTES, BLOCKS } from '../src/block-sink.js'
import { sha256 } from './helpers.js'

/** A file that keeps what is written where, and finishes each write when told to (or at once). */
class FakeFile {
  readonly bytes = Buffer.alloc(32 * 1024 * 1024)
  size = 0
  pending: { finish(): void; fail(error: Error): void }[] = []
  constructor(private readonly atOnce: boolean) {}
  write(buffer: Buffer, offset: number, length: number, position: number) {
    return new Promise<{ bytesWritten: number; buffer: Buffer }>((resolve, reject) => {
      const finish = () => {
        buffer.copy(this.bytes, position, offset, offset + length)
        this.size = Math.max(this.size, position + length)
        resolve({ bytesWritten: length, buffer })
      }
      if (this.atOnce) finish()
      else this.pending.push({ finish, fail: reject })
    })
  }
  content = () => this.bytes.subarray(0, this.size)
}

function fakeBody() {
  return {
    resumed: 0,
    cancelled: [] as unknown[],
    resume() {
      this.resumed++
    },
    cancel(reason?: unknown) {
      this.cancelled.push(reason)
    }
  }
}

/** Distinct bytes, so that anything out of place shows. */
const pattern = (size: number) => {
  const bytes = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 16)) & 0xff
  return bytes
}
const flush = () => new Promise(resolve => setImmediate(resolve))

test('bytes in uneven pieces land at their places, and the hash covers them all in order', async () => {
  const file = new FakeFile(true)
  const sink = new BlockSink(file, fakeBody(), () => undefined)
  const data = pattern(3 * BLOCK_BYTES + 12345)
  for (let at = 0, piece = 1; at < data.length; at += piece, piece = (piece * 31 + 7) % (256 * 1024) || 1) {
    sink.write(data.subarray(at, Math.min(at + piece, data.length)))
    await flush()
  }
  expect(await sink.finish()).toEqual({ size: data.length, sha256: sha256(data) })
  expect(file.content().equals(data)).toBe(true)
})

test('with every block on its way to disk, reading pauses; what still arrives waits, then goes first', async () => {
  const file = new FakeFile(false)
  const body = fakeBody()
  const sink = new BlockSink(file, body, () => undefined)
  const data = pattern(BLOCKS * BLOCK_BYTES + 300_000)
  const all = data.subarray(0, BLOCKS * BLOCK_BYTES)
  // Every block filled and shipped: nothing left to read into.
  expect(sink.write(all.subarray(0, all.length - 1))).toBe(true)
  expect(sink.write(all.subarray(all.length - 1))).toBe(false)
  expect(sink.space()).toBeUndefined()
  expect(file.pending).toHaveLength(BLOCKS)
  // A read that was already under way still arrives: it is kept, not lost.
  expect(sink.write(data.subarray(all.length, all.length + 100_000))).toBe(false)
  expect(body.resumed).toBe(0)
  // The first block is on disk: the waiting bytes go into it before reading resumes.
  file.pending.shift()?.finish()
  await flush()
  expect(body.resumed).toBe(1)
  expect(sink.write(data.subarray(all.length + 100_000))).toBe(true)
  let finished = false
  const done = sink.finish().finally(() => (finished = true))
  while (!finished) {
    for (const write of file.pending.splice(0)) write.finish()
    await flush()
  }
  expect((await done).size).toBe(data.length)
  expect(file.content().equals(data)).toBe(true)
})

test('bytes read into space() after chunk framing are moved to where the body continues', async () => {
  const file = new FakeFile(true)
  const sink = new BlockSink(file, fakeBody(), () => undefined)
  sink.write(Buffer.from('title,'))
  const space = sink.space()!
  // One read brought the end of a chunk, the next chunk's size line, and its data.
  const read = Buffer.from('address\r\n9\r\n\nBlue,1 F')
  read.copy(space)
  expect(sink.write(space.subarray(0, 7))).toBe(true)
  expect(sink.write(space.subarray(12, read.length))).toBe(true)
  expect(await sink.finish()).toEqual({ size: 22, sha256: sha256(Buffer.from('title,address\nBlue,1 F')) })
  expect(file.content().toString()).toBe('title,address\nBlue,1 F')
})

test('a failed write stops the download: the body is cancelled with the error, and finish() fails with it', async () => {
  const file = new FakeFile(false)
  const body = fakeBody()
  const sink = new BlockSink(file, body, () => undefined)
  sink.write(pattern(BLOCK_BYTES + 10))
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
  file.pending.shift()?.fail(full)
  await flush()
  expect(body.cancelled).toEqual([full])
  await expect(sink.finish()).rejects.toBe(full)
})
