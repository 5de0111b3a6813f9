/**
 * The run's own log, shown in the step's log while the step waits: each entry a line marked `| `,
 * in no group, so that a few lines never hide behind collapsed groups and the status lines between
 * them stay in order. CoreClaw's log call returns a list that may be the whole log or only its
 * tail (the docs don't say), so each read prints only what follows the longest overlap with the
 * previous list: every entry once, either way.
 *
 * The log is display only: it can never fail or slow the run. A read runs beside the status polls
 * (`poll` never waits for it, and starts none while one is under way), the last read after the run
 * ended is bounded to a few seconds (`last`), and what is printed is capped in lines and bytes,
 * per read and in all, whatever one entry holds.
 * Entries are server text: each is redacted whole, each line then goes through `forLog`, and
 * `all_logs_url` (signed) is never read.
 */
import type { CoreClawClient, LogEntry } from './coreclaw.js'
import type { Log } from './log.js'
import { forLog, redact } from './server-text.js'

export interface LogCaps {
  /** Lines and bytes printed in all: enough to follow a run; a worker that logs more is summarised. */
  lines: number
  bytes: number
  /** Lines and bytes one read may print, so that one huge answer can't flood the step's log at once. */
  readLines: number
  readBytes: number
}

export const LOG_CAPS: LogCaps = { lines: 3000, bytes: 1024 * 1024, readLines: 500, readBytes: 128 * 1024 }
/** The last read, after the run ended, waits this long at most. */
export const LAST_READ_MS = 3000
/** How far back an overlap is looked for: a tail longer than this is compared by its end only. */
const REMEMBERED = 2000
/** One log line shows at most this many characters of an entry's line. */
const LINE_CHARS = 1024

export interface LogLines {
  shown: number
  leftOut: number
}

export class RunLogFollower {
  private previous: string[] = []
  private shown = 0
  private shownBytes = 0
  private leftOut = 0
  private reading?: Promise<void>
  private readonly stopped = new AbortController()

  constructor(
    private readonly client: CoreClawClient,
    private readonly runId: string,
    private readonly log: Log,
    private readonly caps: LogCaps = LOG_CAPS,
    private readonly signal?: AbortSignal
  ) {}

  /** Starts a read unless one is under way, and returns it; the caller need not wait for it. */
  poll(timeoutMs?: number): Promise<void> {
    this.reading ??= this.read(timeoutMs).finally(() => (this.reading = undefined))
    return this.reading
  }

  /** After the run ended: its last entries, read within LAST_READ_MS whatever the log endpoint does. */
  async last(): Promise<void> {
    const until = Date.now() + LAST_READ_MS
    if (this.reading) {
      // A read still under way from the wait: it shares the few seconds, then one more read.
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>(resolve => (timer = setTimeout(() => resolve('late'), LAST_READ_MS)))
      const outcome = await Promise.race([this.reading, late])
      clearTimeout(timer)
      if (outcome === 'late') return
    }
    const left = until - Date.now()
    if (left > 0) await this.poll(left)
  }

  get lines(): LogLines {
    return { shown: this.shown, leftOut: this.leftOut }
  }

  /** Stops any read under way, and says how many lines were left out, if any. */
  finish(): void {
    this.stopped.abort()
    if (this.leftOut > 0) {
      this.log.info(
        `… ${this.leftOut} more log ${this.leftOut === 1 ? 'line was' : 'lines were'} left out (the step shows at most ${this.caps.lines} lines); the whole log is in the CoreClaw console.`
      )
    }
  }

  /** Reads the log once and prints what is new. A failed read is only a debug line: the log is a view. */
  private async read(timeoutMs?: number): Promise<void> {
    let entries: LogEntry[]
    try {
      const signal = this.signal ? AbortSignal.any([this.stopped.signal, this.signal]) : this.stopped.signal
      entries = await this.client.getLog(this.runId, { timeoutMs, signal })
    } catch (error) {
      this.log.debug(`could not read the log of run ${this.runId}: ${(error as Error).message}`)
      return
    }
    if (this.stopped.signal.aborted) return
    const lines = this.printable(this.fresh(entries))
    this.shown += lines.length
    for (const line of lines) this.log.info(line)
  }

  /** The new entries as log lines, within the caps; what does not fit is counted. */
  private printable(entries: LogEntry[]): string[] {
    const lines: string[] = []
    let bytes = 0
    let full = false
    for (const entry of entries) {
      // Once a cap is reached, everything after it is counted, not shown: what shows stays in order.
      if (full) {
        this.leftOut += lineCount(entry.content)
        continue
      }
      // One entry may hold several lines; each becomes a line of its own, marked as the run's and
      // escaped. Secrets are replaced in the whole entry first: one split across two lines is no
      // longer the text the runner's mask looks for, in either line.
      const parts = redact(entry.content).split(/\r?\n/)
      const time = clockTime(entry.timestampMs)
      for (let i = 0; i < parts.length; i++) {
        const line = `| ${time}${forLog(parts[i], LINE_CHARS)}`
        const size = Buffer.byteLength(line) + 1
        full =
          lines.length >= this.caps.readLines ||
          bytes + size > this.caps.readBytes ||
          this.shown + lines.length >= this.caps.lines ||
          this.shownBytes + bytes + size > this.caps.bytes
        if (full) {
          this.leftOut += parts.length - i
          break
        }
        lines.push(line)
        bytes += size
      }
    }
    this.shownBytes += bytes
    return lines
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
}

/** "07:08:09 " for a timestamp that is a real date; nothing otherwise. */
function clockTime(ms: number | undefined): string {
  const date = ms === undefined ? undefined : new Date(ms)
  return date && Number.isFinite(date.getTime()) ? `${date.toISOString().slice(11, 19)} ` : ''
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

/** The lines `content.split(/\r?\n/)` would give, counted without making them. */
function lineCount(content: string): number {
  let lines = 1
  for (let feed = content.indexOf('\n'); feed >= 0; feed = content.indexOf('\n', feed + 1)) lines++
  return lines
}
