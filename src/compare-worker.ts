/**
 * Compares two exports (row-diff.ts) in a worker thread of its own (see compare.ts): a million
 * rows make a lot of short-lived garbage, and in the step's own heap Node 24 lets the young
 * generation grow past 100 MB for it. Here its size is bounded, and a file that fills the heap
 * ends this thread, not the step.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { compareExports, type Comparison, type CompareJob } from './row-diff.js'

/** What the thread answers: the comparison, or why there is none (a file that could not be read). */
export type CompareVerdict = { kind: 'compared'; comparison: Comparison } | { kind: 'failed'; why: string }

try {
  parentPort?.postMessage({ kind: 'compared', comparison: await compareExports(workerData as CompareJob) })
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  parentPort?.postMessage({ kind: 'failed', why: code ?? (error as Error).message } satisfies CompareVerdict)
}
