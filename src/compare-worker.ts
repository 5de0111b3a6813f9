/**
 * Compares two exports (row-diff.ts) in a worker thread of its own (see compare.ts): a million
 * rows make a lot of short-lived garbage, and in the step's own heap Node 24 lets the young
 * generation grow past 100 MB for it. Here its size is bounded, and a file that fills the heap
 * ends this thread, not the step.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { compareExports, type CompareJob } from './row-diff.js'

// A file that can't be read fails this thread, and the step hears it as the thread's error (threads.ts).
parentPort?.postMessage(await compareExports(workerData as CompareJob))
