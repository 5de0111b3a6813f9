// run(), the Actions wrapper, in this process, with @actions/core replaced by a recorder: what it asks
// the runner for and tells it, in order, against a real sandbox on loopback. The end-to-end suites
// check the same through the bundle; these run the sources, so they fail whatever dist/ holds.
import { jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { actionDefaults, makeTempDir } from '../sandbox/runner.js'
import { RUN, type Sandbox } from './helpers.js'

type Call = [string, ...unknown[]]
const calls: Call[] = []
let given: Record<string, string> = {}
let summaryFails: NodeJS.ErrnoException | undefined

jest.unstable_mockModule('@actions/core', () => ({
  // As the toolkit does: a missing input is '', and whitespace around a value is trimmed.
  getInput: (name: string) => (calls.push(['getInput', name]), (given[name] ?? '').trim()),
  setSecret: (secret: string) => calls.push(['setSecret', secret]),
  setOutput: (name: string, value: string) => calls.push(['setOutput', name, value]),
  info: (message: string) => calls.push(['info', message]),
  debug: (message: string) => calls.push(['debug', message]),
  notice: (message: string, properties: object) => calls.push(['notice', message, properties]),
  warning: (message: string, properties: object) => calls.push(['warning', message, properties]),
  error: (message: string, properties: object) => calls.push(['error', message, properties]),
  group: async <T>(title: string, work: () => Promise<T>) => (calls.push(['group', title]), work()),
  summary: {
    addRaw: (markdown: string) => ({
      write: async () => {
        if (summaryFails) throw summaryFails
        calls.push(['summary', markdown])
      }
    })
  }
}))
const { run } = await import('../src/main.js')

let sandbox: Sandbox
let workspace: string
const environment = { ...process.env }
const realSetTimeout = globalThis.setTimeout
const timers: NodeJS.Timeout[] = []

beforeEach(async () => {
  calls.length = 0
  summaryFails = undefined
  sandbox = await startSandbox({ runs: [{ slug: RUN }], workers: [DEMO_WORKER], runDurationMs: 300 })
  workspace = makeTempDir('coreclaw-workspace-')
  given = { ...actionDefaults(), 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl }
  process.env.GITHUB_WORKSPACE = workspace
  process.env.GITHUB_STEP_SUMMARY = path.join(workspace, 'not-written-by-the-fake')
  process.exitCode = undefined
  // run() ends with an unref'd backstop that calls process.exit() seconds later if something still
  // holds the event loop. In jest that would end the worker, and the suites after this one: every
  // timer made here is kept, and cleared once the test is over.
  timers.length = 0
  jest.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
    const timer = realSetTimeout(...args)
    timers.push(timer)
    return timer
  }) as typeof setTimeout)
})

afterEach(async () => {
  process.env = { ...environment }
  process.exitCode = undefined
  await sandbox.close()
  jest.restoreAllMocks()
  for (const timer of timers) clearTimeout(timer)
})

const named = (kind: string) => calls.filter(([what]) => what === kind)
const outputs = () => Object.fromEntries(named('setOutput').map(([, name, value]) => [name, value]))

test('the key is masked before any other input is read, and before anything is logged', async () => {
  await run()
  const firstOther = calls.findIndex(([what, name]) => what !== 'getInput' || name !== 'api-key')
  expect(calls[firstOther]).toEqual(['setSecret', sandbox.apiKey])
})

test('an export: every output set, the file in the workspace, one summary, exit code untouched', async () => {
  await run()
  expect(named('error')).toEqual([])
  expect(process.exitCode).toBeUndefined()
  const file = path.join(workspace, `${RUN}.csv`)
  expect(outputs()).toMatchObject({ path: file, 'run-id': RUN, format: 'csv', 'run-started': 'false' })
  expect(readFileSync(file)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  expect(named('summary')).toHaveLength(1)
  expect(String(named('summary')[0][1])).toContain(RUN)
})

test('invalid input: one annotation naming the input, exit code 1, no request; the only output says no run was started', async () => {
  given.format = 'pdf'
  await run()
  expect(sandbox.requests).toEqual([])
  expect(process.exitCode).toBe(1)
  expect(named('error')).toHaveLength(1)
  expect(named('error')[0][1]).toMatch(/^Input 'format' /)
  expect(named('error')[0][2]).toEqual({ title: 'CoreClaw export failed' })
  expect(outputs()).toEqual({ 'run-started': 'false' })
})

test("CoreClaw's refusal: the annotation and the request-id output carry its request id; no empty outputs", async () => {
  given['run-id'] = '01KKDXV2G26BT7NH4ZQR2R4NQ0'
  await run()
  expect(process.exitCode).toBe(1)
  const answered = sandbox.requests.find(request => request.route === 'run')
  expect(answered).toBeDefined()
  const requestId = outputs()['request-id']
  expect(requestId).toMatch(/^req-/)
  expect(named('error')[0][1]).toContain(requestId)
  expect(named('setOutput').every(([, , value]) => value !== '')).toBe(true)
  expect(outputs()).not.toHaveProperty('path')
  expect(String(named('summary')[0][1])).toContain(requestId)
})

test('a started run is named in the outputs the moment it exists, before the failure that follows', async () => {
  given = { ...given, 'run-id': 'new', 'worker-id': DEMO_WORKER.id, 'max-attempts': '1' }
  sandbox.fail('export', { status: 500, code: 10001, message: 'internal error' })
  await run()
  expect(process.exitCode).toBe(1)
  const startedAt = calls.findIndex(([what, name]) => what === 'setOutput' && name === 'run-started')
  const failedAt = calls.findIndex(([what]) => what === 'error')
  expect(calls[startedAt]).toEqual(['setOutput', 'run-started', 'true'])
  expect(startedAt).toBeLessThan(failedAt)
  const runId = outputs()['run-id']
  expect(sandbox.runs.has(runId)).toBe(true)
  expect(named('error')[0][1]).toContain(runId)
})

test('a summary that cannot be written is a warning; the export and its outputs stand', async () => {
  summaryFails = Object.assign(new Error('permission denied'), { code: 'EACCES' })
  await run()
  expect(process.exitCode).toBeUndefined()
  expect(named('error')).toEqual([])
  expect(outputs().path).toBe(path.join(workspace, `${RUN}.csv`))
  expect(named('warning')).toEqual([
    [
      'warning',
      'The job summary could not be written (EACCES); the outputs and the file are not affected.',
      { title: 'No job summary' }
    ]
  ])
})

test('without a job summary file (a runner that has none), nothing is written and nothing is said', async () => {
  delete process.env.GITHUB_STEP_SUMMARY
  await run()
  expect(named('summary')).toEqual([])
  expect(named('warning')).toEqual([])
  expect(process.exitCode).toBeUndefined()
})

test('run from the sources (as @github/local-action does), the schema check finds its worker thread and checks', async () => {
  given = {
    ...given,
    'run-id': 'new',
    'worker-id': DEMO_WORKER.id,
    input: '{"parameters": {"custom": {"keywords": ["coffee"]}}}',
    'dry-run': 'true'
  }
  await run()
  expect(process.exitCode).toBeUndefined()
  expect(named('info').map(([, message]) => message)).toContain(
    `The input matches worker ${DEMO_WORKER.id}'s input schema (input.parameters.custom).`
  )
  expect(named('notice')).toEqual([])
})
