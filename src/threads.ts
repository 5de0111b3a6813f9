/**
 * Work that runs in a worker thread of its own, a bundle beside the action's (dist/<name>.js):
 * the schema check and the comparison. A thread has its own heap, with limits, so work on data
 * from elsewhere (a server's schema, a big export) can fail or be stopped without the step: its
 * own event loop and signals stay free, and an export that needs neither never loads their code.
 */
import { existsSync } from 'node:fs'
import type { ResourceLimits } from 'node:worker_threads'

/** What a thread gave back: its one message, or why there was none. */
export type ThreadOutcome<T> = { kind: 'answer'; answer: T } | { kind: 'failed'; why: string }

export interface ThreadOptions {
  resourceLimits: ResourceLimits
  /** Terminated, and `failed`, after this long. */
  deadlineMs?: number
  /** Terminated, and rejected with the signal's reason, when the step is cancelled. */
  signal?: AbortSignal
}

/** Runs dist/<name>.js with `data` and waits for its one message. */
export async function inThread<T>(name: string, data: unknown, options: ThreadOptions): Promise<ThreadOutcome<T>> {
  const { resourceLimits, deadlineMs, signal } = options
  // Loaded by the steps that use a thread: worker_threads costs every step's start-up some 2 ms.
  const { Worker } = await import('node:worker_threads')
  return new Promise((resolve, reject) => {
    const thread = new Worker(threadFile(name), { workerData: data, resourceLimits })
    const settle = (outcome: () => void) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      void thread.terminate()
      outcome()
    }
    const timer =
      deadlineMs === undefined
        ? undefined
        : setTimeout(
            () => settle(() => resolve({ kind: 'failed', why: `it took longer than ${deadlineMs / 1000} s` })),
            deadlineMs
          )
    const onAbort = () => settle(() => reject(signal?.reason))
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    thread.once('message', (answer: T) => settle(() => resolve({ kind: 'answer', answer })))
    thread.once('error', error => settle(() => resolve({ kind: 'failed', why: `it failed (${error.message})` })))
    thread.once('exit', () => settle(() => resolve({ kind: 'failed', why: 'it ended without an answer' })))
  })
}

/**
 * The thread's code, wherever the action runs from: beside the bundle (dist/<name>.js, the action
 * and the CLI); run from the sources (`@github/local-action`, a test in jest), the bundle in the
 * checkout's dist/, or else this file's TypeScript sibling, for a runtime that loads it. The name
 * is a parameter on purpose: a literal `new URL('./x.js', import.meta.url)` makes ncc copy the
 * source file it finds as an asset.
 */
function threadFile(name: string): URL {
  const candidates = [`./${name}.js`, `../dist/${name}.js`, `./${name}.ts`].map(file => new URL(file, import.meta.url))
  return candidates.find(file => existsSync(file)) ?? candidates[0]
}
