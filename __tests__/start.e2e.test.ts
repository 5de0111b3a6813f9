// `run-id: new`, end to end: the bundled action starts a run on the sandbox, shows its log, waits,
// exports it, and stops it when the step stops. Each test checks what the sandbox received: how
// many start requests, which bodies, which aborts.
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { DEMO_TASK, DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { runAction, startAction } from '../sandbox/runner.js'
import { errorLine, expectSecretsKept, type Sandbox, type Step } from './helpers.js'

const WORKER = DEMO_WORKER.id
const INPUT = { parameters: { custom: { keywords: ['coffee'], base_location: 'New York,USA', max_results: 3 } } }
/** Stands for a credential of the scraped site inside the input: it must never be printed. */
const SITE_PASSWORD = 'site-password-8d1e2f'

let sandbox: Sandbox

afterEach(async () => {
  // Every body the action sent was one CoreClaw's OpenAPI allows.
  expect(sandbox.refusedBodies).toEqual([])
  await sandbox.close()
})

async function sandboxWith(options: Parameters<typeof startSandbox>[0] = {}): Promise<void> {
  sandbox = await startSandbox({ runDurationMs: 1500, ...options })
}

function start(inputs: Record<string, string> = {}, workspace?: string): Promise<Step> {
  return runAction({
    inputs: {
      'run-id': 'new',
      'api-key': sandbox.apiKey,
      'base-url': sandbox.apiUrl,
      'worker-id': WORKER,
      input: JSON.stringify(INPUT, null, 2),
      ...inputs
    },
    workspace
  })
}

const starts = () => sandbox.seen('start')
const runsCreated = () => [...sandbox.runs.values()].filter(run => run.startedAtMs !== undefined)
/** The outputs file as the runner reads it, block by block, in the order they were written. */
const outputOrder = (result: Step) =>
  [...readFileSync(result.env.GITHUB_OUTPUT, 'utf8').matchAll(/^([a-z-]+)<<ghadelimiter_/gm)].map(([, name]) => name)

describe('run-id: new starts a run, waits for it and exports it', () => {
  test('a worker run with an input: one start, the body CoreClaw allows, the run exported', async () => {
    await sandboxWith()
    const result = await start()
    expect(result.code).toBe(0)
    expect(starts()).toHaveLength(1)
    expect(starts()[0].method).toBe('POST')
    expect(starts()[0].path).toBe('/api/v2/workers/coreclaw~google-maps-scraper/runs')
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true, input: INPUT })
    expect(starts()[0].headers['content-type']).toBe('application/json')

    const [run] = runsCreated()
    expect(result.outputs['run-id']).toBe(run.slug)
    expect(result.outputs['run-started']).toBe('true')
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(run.slug, 'csv'))
    expect(result.stdout).toContain(`Started run ${run.slug} of worker ${WORKER}.`)
    expect(result.summary).toContain(`| Started by this step | yes, worker \`${WORKER}\` |`)
    expect(result.summary).toMatch(/\| Run duration \| \d+ s \|/)
    expect(result.summary).toContain('| Usage (cost) | `0.12` |')
    expect(result.summary).toContain('| Run log lines shown | 5 |')
    expectSecretsKept(result)
  })

  test('run-id and run-started are written the moment the run exists, before the wait and the export', async () => {
    await sandboxWith()
    const result = await start()
    const order = outputOrder(result)
    expect(order.slice(0, 2)).toEqual(['run-id', 'run-started'])
    expect(order.indexOf('path')).toBeGreaterThan(1)
  })

  test('worker-version is sent only when it is set; a worker slug works as the worker id', async () => {
    await sandboxWith()
    await start({ 'worker-version': '1.4.2', 'worker-id': DEMO_WORKER.slug })
    expect(starts()[0].path).toBe(`/api/v2/workers/${DEMO_WORKER.slug}/runs`)
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true, input: INPUT, version: '1.4.2' })
  })

  test('input-file: the input comes from a JSON file in the workspace', async () => {
    await sandboxWith()
    const first = await start()
    writeFileSync(path.join(first.workspace, 'scrape.json'), `\uFEFF${JSON.stringify(INPUT)}`)
    const result = await start({ input: '', 'input-file': 'scrape.json' }, first.workspace)
    expect(result.code).toBe(0)
    expect(JSON.parse(starts()[1].body ?? '')).toEqual({ is_async: true, input: INPUT })
  })

  test('a saved task: POST worker-tasks/{id}/runs with only is_async, and no schema check', async () => {
    await sandboxWith()
    const result = await start({ 'worker-id': '', input: '', 'task-id': DEMO_TASK })
    expect(result.code).toBe(0)
    expect(starts()[0].path).toBe(`/api/v2/worker-tasks/${DEMO_TASK}/runs`)
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true })
    expect(sandbox.seen('schema')).toHaveLength(0)
    expect(result.summary).toContain(`| Started by this step | yes, task \`${DEMO_TASK}\` |`)
  })

  test('the input is never printed, in the log or the summary', async () => {
    await sandboxWith()
    const secretInput = { parameters: { custom: { keywords: ['coffee'], login: { password: SITE_PASSWORD } } } }
    const result = await start({ input: JSON.stringify(secretInput) })
    expect(result.code).toBe(0)
    expect(JSON.parse(starts()[0].body ?? '').input).toEqual(secretInput)
    expect(`${result.stdout}${result.stderr}${result.summary}`).not.toContain(SITE_PASSWORD)
  })

  test('the sandbox refuses a body that the OpenAPI does not allow: the check the other tests rely on fires', async () => {
    await sandboxWith()
    const post = (url: string, body: unknown) =>
      fetch(`${sandbox.apiUrl}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      }).then(response => response.json())
    expect(await post(`/api/v2/workers/${DEMO_WORKER.slug}/runs`, { is_async: true, wait: 5 })).toMatchObject({
      code: 11000,
      details: [{ field: 'wait', reason: 'additional property not allowed' }]
    })
    expect(await post(`/api/v2/worker-tasks/${DEMO_TASK}/runs`, { is_async: true, input: {} })).toMatchObject({
      code: 11000
    })
    expect(sandbox.refusedBodies).toHaveLength(2)
    expect(runsCreated()).toHaveLength(0)
    sandbox.refusedBodies.length = 0
  })
})

describe('bad input starts nothing: no request reaches CoreClaw', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'new without a worker or a task',
      { 'worker-id': '', input: '' },
      /Input 'worker-id' is missing for 'run-id: new'.*exactly one of 'worker-id'/
    ],
    [
      'new with both a worker and a task',
      { 'task-id': DEMO_TASK },
      /Input 'task-id' is given together with 'worker-id'/
    ],
    ['input together with input-file', { 'input-file': 'x.json' }, /Input 'input' is given together with 'input-file'/],
    ['input with a task', { 'worker-id': '', 'task-id': DEMO_TASK }, /Input 'input' is given together with 'task-id'/],
    [
      'input-file with a task',
      { 'worker-id': '', input: '', 'task-id': DEMO_TASK, 'input-file': 'x.json' },
      /Input 'input-file' is given together with 'task-id'/
    ],
    [
      'input without run-id new',
      { 'run-id': '01KKDXV2G26BT7NH4ZQR2R4NPZ' },
      /Input 'input' is only used with 'run-id: new'/
    ],
    [
      'input-file with run-id last',
      { 'run-id': 'last', input: '', 'input-file': 'x.json' },
      /Input 'input-file' is only used with 'run-id: new'/
    ],
    [
      'input that is not JSON',
      { input: '{\n  "parameters": {\n    "custom": { "keywords": ["coffee"], }\n  }\n}' },
      /Input 'input' is not valid JSON: the JSON text breaks at line 3, column 41/
    ],
    ['input that is JSON but not an object', { input: '["coffee"]' }, /Input 'input' is JSON an array, not an object/],
    [
      'an input-file that does not exist',
      { input: '', 'input-file': 'missing.json' },
      /Input 'input-file' names a file that does not exist: missing\.json/
    ]
  ]
  test.each(cases)('%s', async (_, inputs, message) => {
    await sandboxWith()
    const result = await start(inputs)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(message)
    expect(sandbox.requests).toEqual([])
    expect(result.outputs['run-started']).toBe('false')
  })

  test('with overwrite: false, a file already at a fixed path is refused before a run is started', async () => {
    await sandboxWith()
    const first = await start()
    const count = sandbox.requests.length
    writeFileSync(path.join(first.workspace, 'keep.csv'), 'yesterday')
    const result = await start({ overwrite: 'false', path: 'keep.csv' }, first.workspace)
    expect(errorLine(result)).toContain('keep.csv already exists and overwriting is off')
    expect(sandbox.requests).toHaveLength(count)
    expect(readFileSync(path.join(first.workspace, 'keep.csv'), 'utf8')).toBe('yesterday')
  })

  test('a destination folder that cannot be made fails before any request, not after the wait', async () => {
    await sandboxWith()
    const first = await start()
    const count = sandbox.requests.length
    writeFileSync(path.join(first.workspace, 'taken'), 'a file, not a folder')
    const result = await start({ path: 'taken/out.csv' }, first.workspace)
    expect(errorLine(result)).toMatch(/could not write .*taken: ENOTDIR/)
    expect(sandbox.requests).toHaveLength(count)
  })

  test('an input-file over 1 MiB', async () => {
    await sandboxWith()
    const first = await start()
    const count = sandbox.requests.length
    writeFileSync(path.join(first.workspace, 'big.json'), `{"x":"${'a'.repeat(1024 * 1024)}"}`)
    const result = await start({ input: '', 'input-file': 'big.json' }, first.workspace)
    expect(errorLine(result)).toMatch(/Input 'input-file' is \d+ bytes: big\.json.*at most 1048576 bytes/)
    expect(sandbox.requests).toHaveLength(count)
  })

  test("an input that breaks the worker's schema: each violation by JSON path, and no start request", async () => {
    await sandboxWith()
    const bad = { parameters: { custom: { keywords: 'coffee', max_results: 0, password: SITE_PASSWORD } } }
    const result = await start({ input: JSON.stringify(bad) })
    expect(result.code).toBe(1)
    const line = errorLine(result)
    expect(line).toContain('does not match the input schema of worker coreclaw/google-maps-scraper (2 problems)')
    expect(line).toContain('/parameters/custom/keywords must be array')
    expect(line).toContain('/parameters/custom/max_results must be >= 1')
    expect(line).toContain('no run was started')
    expect(`${result.stdout}${result.summary}`).not.toContain(SITE_PASSWORD)
    expect(sandbox.seen('schema')).toHaveLength(1)
    expect(starts()).toHaveLength(0)
  })

  test('violations are listed up to 20, then counted', async () => {
    const properties = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`field${i}`, { type: 'string' }]))
    await sandboxWith({ workers: [{ id: WORKER, schema: { type: 'object', properties } }] })
    const custom = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`field${i}`, i]))
    const result = await start({ input: JSON.stringify({ parameters: { custom } }) })
    const line = errorLine(result)
    expect(line).toContain('(25 problems)')
    expect(line.match(/must be string/g)).toHaveLength(20)
    expect(line).toContain('; and 5 more')
    expect(starts()).toHaveLength(0)
  })

  test('a schema that has a parameters property describes the whole input', async () => {
    const schema = { type: 'object', properties: { parameters: { type: 'object' } }, required: ['parameters'] }
    await sandboxWith({ workers: [{ id: WORKER, schema }] })
    const result = await start({ input: '{"keywords": ["coffee"]}' })
    expect(errorLine(result)).toMatch(/\(1 problem\): \/ must have required property 'parameters'/)
    expect(starts()).toHaveLength(0)
  })

  test.each([
    ['cannot be read', (s: Sandbox) => s.fail('schema', { status: 500, code: 10000 })],
    [
      'is missing from the answer',
      (s: Sandbox) => s.fail('schema', { envelope: { code: 0, data: { input_schema: 'none' } } })
    ],
    [
      'is not a schema ajv can use',
      (s: Sandbox) => s.fail('schema', { envelope: { code: 0, data: { input_schema: { type: 12 } } } })
    ]
  ])('a schema that %s is a notice, and the run starts anyway', async (_, fault) => {
    await sandboxWith()
    fault(sandbox)
    const result = await start()
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::notice title=Input not checked::The input was not checked against worker/m)
    expect(starts()).toHaveLength(1)
  })
})

describe('never the same run twice', () => {
  test('429, 13000 and 30003 are refusals: retried, and exactly one run is created', async () => {
    await sandboxWith()
    sandbox.fail(
      'start',
      { status: 429, code: 13000, message: 'rate limited', headers: { 'retry-after': '0' } },
      { status: 400, code: 30003, message: 'concurrency limit reached' },
      { status: 400, code: 30003, message: 'concurrency limit reached' }
    )
    const result = await start()
    expect(result.code).toBe(0)
    expect(starts()).toHaveLength(4)
    expect(runsCreated()).toHaveLength(1)
    expect(result.stdout).toMatch(/app code 30003 \(plan concurrency limit\).*Waiting for a free slot: trying again in/)
    expect(result.stdout).toMatch(/app code 13000 \(rate limited\).*\(attempt 1 of 5\); retrying in/)
  })

  test('30003 is waited for only until wait-timeout runs out', async () => {
    await sandboxWith()
    sandbox.fail('start', ...Array.from({ length: 10 }, () => ({ status: 400, code: 30003, message: 'limit' })))
    const result = await start({ 'wait-timeout': '2' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/start request failed: HTTP 400: app code 30003.*raise 'wait-timeout'/)
    expect(runsCreated()).toHaveLength(0)
  })

  test('a business refusal (30001) is final and says so plainly: no run was started', async () => {
    await sandboxWith()
    sandbox.fail('start', { status: 400, code: 30001, message: 'insufficient balance' })
    const result = await start()
    expect(errorLine(result)).toMatch(
      /start request failed: HTTP 400: app code 30001 \(insufficient balance\).*top it up/
    )
    expect(errorLine(result)).not.toContain('may have started')
    expect(starts()).toHaveLength(1)
  })

  test.each([
    [
      'a 502 gateway page after the run was created',
      { status: 502, body: '<html>Bad Gateway</html>', startsRun: true }
    ],
    ['a connection reset after the request was read', { reset: true, startsRun: true }],
    ['a 500 envelope after the run was created', { status: 500, code: 10000, startsRun: true }]
  ])('%s: not retried, one run, and an error that says a run may have started', async (_, fault) => {
    await sandboxWith()
    sandbox.fail('start', fault)
    const before = Date.now()
    const result = await start()
    expect(result.code).toBe(1)
    expect(starts()).toHaveLength(1)
    expect(runsCreated()).toHaveLength(1)
    const line = errorLine(result)
    expect(line).toContain(`the start request for worker ${WORKER}, sent at `)
    const sentAt = /sent at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(line)?.[1] ?? ''
    expect(Math.abs(Date.parse(`${sentAt.replace(' ', 'T')}Z`) - before)).toBeLessThan(60_000)
    expect(line).toContain('a run may have started')
    expect(line).toContain(`'run-id: last' with 'worker-id: ${WORKER}'`)
    expect(line).toContain('CoreClaw console')
    expect(result.outputs['run-started']).toBe('false')
    expect(sandbox.seen('abort')).toHaveLength(0)
  })

  test('a refused connection never reached CoreClaw: retried', async () => {
    await sandboxWith()
    const closed = await startSandbox()
    const apiUrl = closed.apiUrl
    await closed.close()
    const result = await runAction({
      inputs: {
        'run-id': 'new',
        'api-key': sandbox.apiKey,
        'base-url': apiUrl,
        'task-id': DEMO_TASK,
        'max-attempts': '2'
      }
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/start request failed: ECONNREFUSED.*\(attempt 1 of 2\); retrying in/)
    expect(errorLine(result)).toMatch(/gave up after 2 attempts/)
    expect(errorLine(result)).not.toContain('may have started')
  })
})

describe("the run's log, while the step waits", () => {
  const LOG = ['Worker started', '::error::not a command, just text', 'Page 1 of 2', 'Page 2 of 2', 'Worker finished']

  test.each([
    ['the whole log, growing', {}],
    ['a moving tail of 2 entries', { logTail: 2 }],
    ['entries as objects', { logObjects: true }]
  ])('%s: every entry printed once, server text kept as text', async (_, shape) => {
    await sandboxWith({ workers: [{ id: WORKER, log: LOG, durationMs: 6000, ...shape }] })
    const result = await start()
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n').filter(line => line.startsWith('| '))
    const contents = lines.map(line => line.replace(/^\| (\d\d:\d\d:\d\d )?/, ''))
    if ('logTail' in shape) {
      // A tail can skip entries written between two polls; what it shows, it shows once, in order.
      expect(new Set(contents).size).toBe(contents.length)
      expect(contents.at(-1)).toBe('Worker finished')
    } else {
      // forLog, the one escaping function, keeps a leading '::' from reading as a command.
      expect(contents).toEqual(LOG.map(entry => entry.replace(/^::/, '\\::')))
    }
    expect(result.stdout).not.toMatch(/^::error::not a command/m)
    if ('logObjects' in shape) expect(lines[0]).toMatch(/^\| \d\d:\d\d:\d\d Worker started$/)
    expect(result.stdout).not.toContain('logsignature')
    expect(result.stdout).not.toContain('/logs/')
  })

  test('show-log: false reads no log', async () => {
    await sandboxWith()
    const result = await start({ 'show-log': 'false' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('log')).toHaveLength(0)
    expect(result.summary).not.toContain('Run log lines shown')
  })

  test('a log that cannot be read does not fail the step', async () => {
    await sandboxWith()
    sandbox.fail('log', { status: 500, code: 10000 }, { reset: true })
    const result = await start()
    expect(result.code).toBe(0)
  })

  test('exporting a run that had already finished reads no log', async () => {
    await sandboxWith({ runs: [{ slug: '01KKDXV2G26BT7NH4ZQR2R4NPZ' }] })
    const result = await start({ 'run-id': '01KKDXV2G26BT7NH4ZQR2R4NPZ', 'worker-id': '', input: '' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('log')).toHaveLength(0)
  })
})

describe('stopping the run when the step stops', () => {
  const LONG = 60_000

  test('wait-timeout on a run this step started: the run is aborted, and the error names it', async () => {
    await sandboxWith({ runDurationMs: LONG })
    const result = await start({ 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    const [run] = runsCreated()
    expect(sandbox.seen('abort').map(r => r.path)).toEqual([`/api/v2/worker-runs/${run.slug}/abort`])
    expect(sandbox.seen('abort')[0].method).toBe('POST')
    expect(result.stdout).toContain(`Asked CoreClaw to abort run ${run.slug}, which this step started`)
    expect(errorLine(result)).toContain(`run ${run.slug} is still`)
    expect(result.summary).toContain(`| Run | \`${run.slug}\` |`)
    expect(result.outputs['run-id']).toBe(run.slug)
    expect(result.outputs['run-started']).toBe('true')
  })

  test('an abort CoreClaw refuses is a warning that says what to do; the step fails for its own reason', async () => {
    await sandboxWith({ runDurationMs: LONG })
    sandbox.fail('abort', { status: 500, code: 10000, message: 'abort failed' })
    const result = await start({ 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    const [run] = runsCreated()
    expect(sandbox.seen('abort')).toHaveLength(1)
    expect(sandbox.seen('abort')[0].headers.authorization).toBe(`Bearer ${sandbox.apiKey}`)
    expect(result.stdout).toMatch(
      new RegExp(
        `^::warning title=Run not aborted::Could not abort run ${run.slug}, which this step started: .*Abort it in the CoreClaw console`,
        'm'
      )
    )
    expect(errorLine(result)).toContain(`run ${run.slug} is still`)
  })

  test('wait-timeout with abort-on-stop: false: the run keeps running, and the log says so', async () => {
    await sandboxWith({ runDurationMs: LONG })
    const result = await start({ 'wait-timeout': '1', 'abort-on-stop': 'false' })
    expect(result.code).toBe(1)
    expect(sandbox.seen('abort')).toHaveLength(0)
    expect(result.stdout).toContain("keeps running: 'abort-on-stop' is false")
  })

  test('a run that failed is not aborted: it has ended', async () => {
    await sandboxWith({ runDurationMs: 500 })
    sandbox.fail('run', { envelope: { code: 0, data: { status: 'failed', err_msg: 'site blocked us' } } })
    const result = await start()
    expect(result.code).toBe(1)
    expect(sandbox.seen('abort')).toHaveLength(0)
  })

  const posix = process.platform === 'win32' ? describe.skip : describe
  posix('the runner cancels the job: SIGINT, then SIGTERM 7.5 s later', () => {
    test('SIGINT while waiting for a run this step started: one abort for that run, before SIGTERM, and a clear exit', async () => {
      await sandboxWith({ runDurationMs: LONG })
      const { result, signalled } = await cancelWhenWaiting({
        'run-id': 'new',
        'worker-id': WORKER,
        input: JSON.stringify(INPUT)
      })
      const ended = await result
      const [run] = runsCreated()
      const aborts = sandbox.seen('abort')
      expect(aborts.map(r => r.path)).toEqual([`/api/v2/worker-runs/${run.slug}/abort`])
      expect(aborts[0].at - signalled).toBeLessThan(7500)
      expect(ended.signal).toBe('SIGINT')
      expect(ended.stdout).toMatch(
        new RegExp(`^::error title=CoreClaw export failed::Run ${run.slug}: cancelled by SIGINT\\.`, 'm')
      )
      expect(ended.outputs['run-id']).toBe(run.slug)
      expect(ended.outputs['run-started']).toBe('true')
      expect(run.aborted).toBe(true)
    })

    test('SIGINT while the start request is unanswered: a run may have started, and no abort (there is no run id)', async () => {
      await sandboxWith()
      sandbox.fail('start', { hang: true, startsRun: true })
      const { result } = await cancelWhenWaiting(
        { 'run-id': 'new', 'worker-id': WORKER, input: JSON.stringify(INPUT) },
        /Starting a run of/
      )
      const ended = await result
      expect(ended.signal).toBe('SIGINT')
      expect(errorLine(ended)).toMatch(
        /the start request for worker .*, sent at .* UTC, got no clear answer \(cancelled by SIGINT\); a run may have started/
      )
      expect(runsCreated()).toHaveLength(1)
      expect(sandbox.seen('abort')).toHaveLength(0)
    })

    test.each([
      ['a given slug', { 'run-id': 'RUNNINGRUN' }],
      ['last', { 'run-id': 'last' }]
    ])('%s, then SIGINT: no abort request, the run is not ours', async (_, inputs) => {
      await sandboxWith({ runs: [{ slug: 'RUNNINGRUN', status: 'running' }] })
      const { result } = await cancelWhenWaiting(inputs)
      const ended = await result
      expect(ended.signal).toBe('SIGINT')
      expect(sandbox.seen('abort')).toHaveLength(0)
      expect(ended.outputs['run-started']).toBe('false')
    })
  })
})

/**
 * Starts the step, and once it waits for its run, cancels it as the runner does: SIGINT, then
 * SIGTERM 7.5 s later if it is still there.
 */
async function cancelWhenWaiting(inputs: Record<string, string>, when = /is (ready|running)/) {
  const { child, result } = startAction({
    inputs: { 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, ...inputs }
  })
  let stdout = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', chunk => {
      stdout += chunk
      if (when.test(stdout)) resolve()
    })
    child.once('close', () => reject(new Error(`the step ended before it waited:\n${stdout}`)))
  })
  const signalled = Date.now()
  child.kill('SIGINT')
  const term = setTimeout(() => child.kill('SIGTERM'), 7500)
  void result.finally(() => clearTimeout(term))
  return { result, signalled }
}
