// The run's log is shown entry by entry, each once, whether CoreClaw sends the whole log or a
// moving tail, and never more than the cap.
import type { CoreClawClient, LogEntry } from '../src/coreclaw.js'
import { LOG_CAPS, longestOverlap, RunLogFollower } from '../src/run-log.js'
import { recordingLog } from './fakes.js'

function follower(answers: Array<LogEntry[] | Error>, cap?: number) {
  const log = recordingLog()
  const { lines, debugLines: debug } = log
  let call = 0
  const client = {
    getLog: async () => {
      const answer = answers[Math.min(call++, answers.length - 1)]
      if (answer instanceof Error) throw answer
      return answer
    }
  } as unknown as CoreClawClient
  const caps = cap === undefined ? undefined : { ...LOG_CAPS, lines: cap }
  return { follow: new RunLogFollower(client, 'RUN', log, caps), lines, debug }
}

const entries = (...contents: string[]) => contents.map(content => ({ content }))

test('the whole log, growing: each entry once', async () => {
  const { follow, lines } = follower([
    entries('a'),
    entries('a', 'b', 'c'),
    entries('a', 'b', 'c'),
    entries('a', 'b', 'c', 'd')
  ])
  for (let i = 0; i < 4; i++) await follow.poll()
  expect(lines).toEqual(['| a', '| b', '| c', '| d'])
  expect(follow.lines).toEqual({ shown: 4, leftOut: 0 })
})

test('a moving tail: what follows the overlap, even with repeated lines', async () => {
  const { follow, lines } = follower([entries('x', 'x', 'y'), entries('x', 'y', 'x'), entries('y', 'x', 'z')])
  for (let i = 0; i < 3; i++) await follow.poll()
  expect(lines).toEqual(['| x', '| x', '| y', '| x', '| z'])
})

test('an empty answer between two full ones prints nothing twice', async () => {
  const { follow, lines } = follower([entries('a', 'b'), [], entries('a', 'b', 'c')])
  for (let i = 0; i < 3; i++) await follow.poll()
  expect(lines).toEqual(['| a', '| b', '| c'])
})

test('objects with timestamps show the time; several lines in one entry are several log lines, each escaped', async () => {
  const { follow, lines } = follower([
    [{ content: 'one\n::warning::two', timestampMs: Date.UTC(2026, 10, 30, 7, 8, 9) }]
  ])
  await follow.poll()
  expect(lines).toEqual(['| 07:08:09 one', '| 07:08:09 \\::warning::two'])
})

test('the cap: entries past it are counted, and finish() says how many', async () => {
  const { follow, lines } = follower([entries('1', '2', '3', '4', '5')], 3)
  await follow.poll()
  follow.finish()
  expect(lines.slice(0, 3)).toEqual(['| 1', '| 2', '| 3'])
  expect(lines[3]).toMatch(/^… 2 more log lines were left out \(the step shows at most 3 lines\)/)
  expect(follow.lines).toEqual({ shown: 3, leftOut: 2 })
})

test('lines are capped, not only entries: one entry of many lines prints up to the cap, and the rest is counted', async () => {
  const { follow, lines } = follower([[{ content: 'x\n'.repeat(1_500_000) }]])
  await follow.poll()
  follow.finish()
  expect(lines.filter(line => line === '| x')).toHaveLength(LOG_CAPS.readLines)
  expect(follow.lines).toEqual({ shown: LOG_CAPS.readLines, leftOut: 1_500_001 - LOG_CAPS.readLines })
  expect(lines.at(-1)).toMatch(/^… 1499501 more log lines were left out/)
})

test('bytes are capped too: long lines stop at the per-read byte cap', async () => {
  const { follow, lines } = follower([entries(...Array.from({ length: 400 }, (_, i) => `${i}`.padEnd(1000, 'y')))])
  await follow.poll()
  const printed = lines.filter(line => line.startsWith('| '))
  expect(printed.join('\n').length).toBeLessThanOrEqual(LOG_CAPS.readBytes)
  expect(printed.length + follow.lines.leftOut).toBe(400)
})

test('after a cap is reached, nothing later shows out of order: a short entry after a long one is counted too', async () => {
  const long = 'z'.repeat(1000)
  const { follow, lines } = follower([entries(...Array.from({ length: 200 }, () => long), 'short')])
  await follow.poll()
  const printed = lines.filter(line => line.startsWith('| '))
  expect(printed.at(-1)).toMatch(/^\| z+/)
  expect(printed).not.toContain('| short')
  expect(printed.length + follow.lines.leftOut).toBe(201)
})

test('entries counted after a cap count their lines as they would have shown: CRLF and LF each end one', async () => {
  const long = 'z'.repeat(1000)
  const { follow, lines } = follower([entries(...Array.from({ length: 200 }, () => long), 'one\r\ntwo\nthree')])
  await follow.poll()
  const printed = lines.filter(line => line.startsWith('| '))
  expect(printed.some(line => /one|two|three/.test(line))).toBe(false)
  expect(printed.length + follow.lines.leftOut).toBe(203)
})

test('a timestamp beyond what Date can show prints no time, and never throws', async () => {
  const { follow, lines } = follower([[{ content: 'late', timestampMs: 9e15 }]])
  await follow.poll()
  expect(lines).toEqual(['| late'])
})

test('a read under way is not started twice', async () => {
  const { follow } = follower([entries('a')])
  expect(follow.poll()).toBe(follow.poll())
})

test('a failed read is a debug line, never an error', async () => {
  const { follow, lines, debug } = follower([new Error('boom'), entries('a')])
  await follow.poll()
  await follow.poll()
  expect(lines).toEqual(['| a'])
  expect(debug[0]).toMatch(/could not read the log of run RUN: boom/)
})

test('longestOverlap', () => {
  expect(longestOverlap([], ['a'])).toBe(0)
  expect(longestOverlap(['a', 'b'], ['a', 'b', 'c'])).toBe(2)
  expect(longestOverlap(['a', 'b', 'c'], ['b', 'c', 'd'])).toBe(2)
  expect(longestOverlap(['a', 'b'], ['c', 'd'])).toBe(0)
})
