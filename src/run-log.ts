/**
 * The run's own log, shown in the step's log while the step waits, each poll's new entries in a
 * group of their own, so that the status lines between them stay visible without expanding
 * anything. CoreClaw's log call returns a list that may be the whole log or only its tail (the docs
 * don't say), so each poll prints only what follows the longest overlap with the previous list:
 * every entry once, either way.
 * Entries are server text: each goes through `forLog`, and `all_logs_url` (signed) is never read.
 */
import type { CoreClawClient, LogEntry } from './coreclaw.js'
import type { Log } from './log.js'
import { forLog } from './server-text.js'

/** Enough to follow a run; a worker that logs more is summarised, not copied. */
export const MAX_LOG_LINES = 3000
/** How far back an overlap is looked for: a tail longer than this is compared by its end only. */
const REMEMBERED = 2000

export interface LogLines {
  shown: number
  leftOut: number
}

export class RunLogFollower {
  private previous: string[] = []
  private shown = 0
  private leftOut = 0

  constructor(
    private readonly client: CoreClawClient,
    private readonly runId: string,
    private readonly log: Log,
    private readonly cap = MAX_LOG_LINES
  ) {}

  /** Reads the log once and prints what is new. A failed read is only a debug line: the log is a view. */
  async poll(): Promise<void> {
    let entries: LogEntry[]
    try {
      entries = await this.client.getLog(this.runId)
    } catch (error) {
      this.log.debug(`could not read the log of run ${this.runId}: ${(error as Error).message}`)
      return
    }
    const fresh = this.fresh(entries)
    const shown = fresh.slice(0, Math.max(0, this.cap - this.shown))
    this.leftOut += fresh.length - shown.length
    if (shown.length === 0) return
    const first = this.shown + 1
    this.shown += shown.length
    const which = shown.length === 1 ? `entry ${first}` : `entries ${first}–${this.shown}`
    await this.log.group(`Log of run ${this.runId}: ${which}`, async () => shown.forEach(entry => this.print(entry)))
  }

  get lines(): LogLines {
    return { shown: this.shown, leftOut: this.leftOut }
  }

  /** Says how many entries were left out, if any. */
  finish(): void {
    if (this.leftOut > 0) {
      this.log.info(
        `… ${this.leftOut} more log ${this.leftOut === 1 ? 'line was' : 'lines were'} left out (the step shows at most ${this.cap}); the whole log is in the CoreClaw console.`
      )
    }
  }

  /** The entries after the longest run that ends the previous list and starts this one. */
  private fresh(entries: LogEntry[]): LogEntry[] {
    // An empty answer is a glitch or a log not started yet: keep what we know.
    if (entries.length === 0) return []
    const keys = entries.map(key)
    const overlap = longestOverlap(this.previous, keys)
    this.previous = keys.slice(-REMEMBERED)
    return entries.slice(overlap)
  }

  private print(entry: LogEntry): void {
    const time = entry.timestampMs === undefined ? '' : `${new Date(entry.timestampMs).toISOString().slice(11, 19)} `
    // One entry may hold several lines; each becomes a line of its own, marked as the run's and escaped.
    for (const line of entry.content.split(/\r?\n/)) this.log.info(`| ${time}${forLog(line, 1024)}`)
  }
}

function key(entry: LogEntry): string {
  return `${entry.timestampMs ?? ''}\u0000${entry.content}`
}

/** The largest k such that the last k of `before` equal the first k of `now`. */
export function longestOverlap(before: string[], now: string[]): number {
  for (let k = Math.min(before.length, now.length); k > 0; k--) {
    let same = true
    for (let i = 0; i < k && same; i++) same = before[before.length - k + i] === now[i]
    if (same) return k
  }
  return 0
}
