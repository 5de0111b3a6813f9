// Stand-ins the unit tests share: a clock whose sleeps are recorded and pass at once, and a log
// that records its lines. Kept here once, so that every suite fakes time and the log the same way.
import type { Log } from '../src/log.js'
import type { Clock } from '../src/retry.js'
import { STEP_INPUTS } from '../src/log.js'

/** Time starts at `start` (ms) and moves only by what is slept; every sleep is recorded. */
export function fakeClock(start = 0): Clock & { sleeps: number[] } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async ms => {
      sleeps.push(ms)
      now += ms
    }
  }
}

/** A log that keeps every line (warnings and notices marked), speaking step inputs; `onInfo` sees each info line. */
export function recordingLog(onInfo: (line: string) => void = () => undefined): Log & {
  lines: string[]
  debugLines: string[]
} {
  const lines: string[] = []
  const debugLines: string[] = []
  return {
    lines,
    debugLines,
    info: line => {
      lines.push(line)
      onInfo(line)
    },
    warning: line => void lines.push(`warning: ${line}`),
    notice: line => void lines.push(`notice: ${line}`),
    debug: line => void debugLines.push(line),
    group: (_title, work) => work(),
    say: STEP_INPUTS
  }
}
