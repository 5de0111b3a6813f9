/**
 * SHA-256 of a download, computed beside it. SHA-256 (about 1 GB/s here) is the slowest stage of a
 * download, so for a big file it runs on a worker thread, in parallel with receiving on this
 * thread and writing on libuv's. A small file is hashed on this thread, where starting a thread
 * would cost more than it saves.
 */
import { createHash } from 'node:crypto'
import { Worker } from 'node:worker_threads'

export interface Hasher {
  /** Adds the next bytes; resolves when they may be overwritten. */
  update(bytes: Buffer): Promise<void>
  digest(): Promise<string>
  /** Stops the worker, if any. Safe to call more than once. */
  close(): void
}

export function mainThreadHasher(): Hasher {
  const hash = createHash('sha256')
  return {
    update: async bytes => void hash.update(bytes),
    digest: async () => hash.digest('hex'),
    close: () => undefined
  }
}

// The worker's whole program, run as an eval'd CommonJS script so that the bundle needs no second
// file. It reads the blocks in the shared memory where the socket put them: nothing is copied.
const WORKER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads')
const hash = require('node:crypto').createHash('sha256')
const memory = Buffer.from(workerData)
parentPort.on('message', ([offset, length]) => {
  if (offset < 0) return parentPort.postMessage(hash.digest('hex'))
  hash.update(memory.subarray(offset, offset + length))
  parentPort.postMessage(offset)
})`

/** Hashes on a worker thread. Every `update` must be a view of `memory`. */
export function workerHasher(memory: SharedArrayBuffer): Hasher {
  const worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: memory })
  // Answers come back in the order the requests went out.
  const waiting: { resolve(value: unknown): void; reject(reason: unknown): void }[] = []
  let broken: unknown
  const breakAll = (reason: unknown) => {
    broken ??= reason
    for (const pending of waiting.splice(0)) pending.reject(broken)
  }
  worker.on('message', value => waiting.shift()?.resolve(value))
  worker.on('error', breakAll)
  worker.on('exit', code => breakAll(new Error(`the hashing thread stopped (exit code ${code})`)))
  const ask = (offset: number, length: number) =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken)
      waiting.push({ resolve, reject })
      worker.postMessage([offset, length])
    })
  return {
    update: async bytes => {
      if (bytes.buffer !== memory) throw new TypeError('workerHasher hashes views of its shared memory only')
      await ask(bytes.byteOffset, bytes.length)
    },
    digest: async () => String(await ask(-1, 0)),
    close: () => void worker.terminate()
  }
}
