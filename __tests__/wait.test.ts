// Waiting for runs and pinning `last`, in-process against the sandbox with a fake clock, so the
// poll schedule can be checked exactly without waiting for it.
import { startSandbox } from '../sandbox/coreclaw.js'
import * as path from 'node:path'
import { makeTempDir } from '../sandbox/runner.js'
import { CoreClawClient } from '../src/coreclaw.js'
import { RunStateError } from '../src/run-errors.js'
import { parseInputs } from '../src/inputs.js'
import { exportRun } from '../src/export-run.js'
import { RetryPolicy, type Clock } from '../src/retry.js'
import { waitForRun } from '../src/wait.js'
import { fakeClock, recordingLog } from './fakes.js'
import type { Sandbox } from './helpers.js'

let sandbox: Sandbox
beforeEach(async () => {
  sandbox = await startSandbox()
})
afterEach(() => sandbox.close())

function client(clock: Clock): CoreClawClient {
  return new CoreClawClient({
    baseUrl: new URL(sandbox.apiUrl),
    apiKey: sandbox.apiKey,
    authMethod: 'bearer',
    timeoutMs: 5000,
    userAgent: 'test',
    retry: new RetryPolicy({ maxAttempts: 1, clock })
  })
}

describe('waitForRun', () => {
  test('running → running → succeeded: polls after 2 s, then 5 s', async () => {
    sandbox.addRun({ slug: 'R1', statuses: ['running', 'running', 'succeeded'], results: 42 })
    const clock = fakeClock(1_000_000)
    const ready = await waitForRun(client(clock), 'R1', { waitTimeoutSeconds: 600, clock, log: recordingLog() })
    expect(ready.run.status).toBe('succeeded')
    expect(ready.run.results).toBe(42)
    expect(clock.sleeps).toEqual([2000, 5000])
    expect(sandbox.seen('run')).toHaveLength(3)
  })

  test('the poll interval backs off to 15 s and progress is logged at most every 15 s', async () => {
    sandbox.addRun({ slug: 'R2', statuses: [...Array(8).fill('running'), 'succeeded'] })
    const clock = fakeClock(1_000_000)
    const log = recordingLog()
    await waitForRun(client(clock), 'R2', { waitTimeoutSeconds: 600, clock, log })
    expect(clock.sleeps).toEqual([2000, 5000, 10000, 15000, 15000, 15000, 15000, 15000])
    expect(log.lines).toEqual([
      'Run R2 is running, 1 row so far; waited 0 s of 600 s.',
      'Run R2 is running, 1 row so far; waited 17 s of 600 s.',
      'Run R2 is running, 1 row so far; waited 32 s of 600 s.',
      'Run R2 is running, 1 row so far; waited 47 s of 600 s.',
      'Run R2 is running, 1 row so far; waited 62 s of 600 s.',
      'Run R2 is running, 1 row so far; waited 77 s of 600 s.'
    ])
  })

  test('never finishing: the last sleep stops at the deadline, then it fails with the status and the wait', async () => {
    sandbox.addRun({ slug: 'R3', status: 'running' })
    const clock = fakeClock(1_000_000)
    const error = await waitForRun(client(clock), 'R3', { waitTimeoutSeconds: 20, clock, log: recordingLog() }).catch(
      e => e
    )
    expect(error).toBeInstanceOf(RunStateError)
    expect(error.message).toBe('run R3 is still running after 20 s')
    expect(error.hint).toBe("Raise 'wait-timeout' above 20 to wait longer, or export once the run has finished.")
    expect(clock.sleeps).toEqual([2000, 5000, 10000, 3000])
  })

  test('status is compared case-insensitively', async () => {
    sandbox.addRun({ slug: 'R4', status: 'SUCCEEDED' })
    const clock = fakeClock(1_000_000)
    await expect(
      waitForRun(client(clock), 'R4', { waitTimeoutSeconds: 0, clock, log: recordingLog() })
    ).resolves.toBeTruthy()
  })
})

test('`last` is pinned: a run started after it was resolved does not change what is exported', async () => {
  sandbox.addRun({ slug: 'FIRST', statuses: ['running', 'succeeded'] })
  const workspace = makeTempDir('coreclaw-pinned-')
  const inputs = parseInputs(
    name => ({ 'run-id': 'last', 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl })[name as string] ?? ''
  )
  // As soon as `last` is resolved, another run starts and becomes the account's latest.
  const log = recordingLog(line => line.startsWith("run-id 'last'") && sandbox.addRun({ slug: 'SECOND' }))
  const result = await exportRun(inputs, { log, clock: fakeClock(1_000_000), workspace, progressEveryMs: 1000 })
  if (result.kind !== 'exported') throw new Error(`not exported: ${result.kind}`)
  expect(result.runId).toBe('FIRST')
  expect(result.path).toBe(path.join(workspace, 'FIRST.csv'))
  expect(sandbox.requests.map(r => r.path).filter(p => p.startsWith('/api'))).toEqual([
    '/api/v2/worker-runs/last',
    '/api/v2/worker-runs/FIRST',
    '/api/v2/worker-runs/FIRST/log',
    '/api/v2/worker-runs/FIRST',
    '/api/v2/worker-runs/FIRST/log',
    '/api/v2/worker-runs/FIRST/result/export'
  ])
})
