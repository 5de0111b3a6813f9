// Starting a run (`run-id: new`), end to end: the bundled action checks the worker's input, starts
// exactly one run, and starts nothing when anything is wrong. Each test checks what the sandbox
// received: how many start requests, and which bodies. Waiting for the run, its log and stopping
// it are in wait-and-log.e2e.test.ts.
import { execFileSync } from 'node:child_process'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import * as tls from 'node:tls'
import { DEMO_TASK, DEMO_WORKER, SANDBOX_CA, startSandbox } from '../sandbox/coreclaw.js'
import { makeTempDir, runAction, startAction } from '../sandbox/runner.js'
import {
  errorLine,
  expectSecretsKept,
  filesIn,
  runsCreated,
  sandboxForStarts,
  WORKER,
  WORKER_INPUT,
  type Sandbox,
  type Step,
  summaryFact,
  verdictOf
} from './helpers.js'

/** Stands for a credential of the scraped site inside the input: it must never be printed. */
const SITE_PASSWORD = 'site-password-8d1e2f'

let sandbox: Sandbox
let start: Awaited<ReturnType<typeof sandboxForStarts>>['start']

async function sandboxWith(options: Parameters<typeof sandboxForStarts>[0] = {}): Promise<void> {
  ;({ sandbox, start } = await sandboxForStarts(options))
}

afterEach(async () => {
  // Every body the action sent was one CoreClaw's OpenAPI allows.
  expect(sandbox.refusedBodies).toEqual([])
  await sandbox.close()
})

const starts = () => sandbox.seen('start')
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
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true, input: WORKER_INPUT })
    expect(starts()[0].headers['content-type']).toBe('application/json')

    const [run] = runsCreated(sandbox)
    expect(result.outputs['run-id']).toBe(run.slug)
    expect(result.outputs['run-started']).toBe('true')
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(run.slug, 'csv'))
    expect(result.stdout).toContain(`Started run ${run.slug} of worker ${WORKER}.`)
    expect(summaryFact(result.summary, 'Run')).toBe(`\`${run.slug}\`, started by this step (worker \`${WORKER}\`)`)
    expect(summaryFact(result.summary, 'Run duration')).toMatch(/^\d+ s$/)
    expect(summaryFact(result.summary, 'Resource usage (as CoreClaw records it)')).toBe('`0.12`')
    expect(summaryFact(result.summary, 'Run log')).toBe('5 lines shown')
    expect(summaryFact(result.summary, 'Waited for the run')).toMatch(/^\d+\.\d\d s$/)
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
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true, input: WORKER_INPUT, version: '1.4.2' })
  })

  test('input-file: the input comes from a JSON file in the workspace', async () => {
    await sandboxWith()
    const first = await start()
    writeFileSync(path.join(first.workspace, 'scrape.json'), `\uFEFF${JSON.stringify(WORKER_INPUT)}`)
    const result = await start({ input: '', 'input-file': 'scrape.json' }, first.workspace)
    expect(result.code).toBe(0)
    expect(JSON.parse(starts()[1].body ?? '')).toEqual({ is_async: true, input: WORKER_INPUT })
  })

  test('a saved task: POST worker-tasks/{id}/runs with only is_async, and no schema check', async () => {
    await sandboxWith()
    const result = await start({ 'worker-id': '', input: '', 'task-id': DEMO_TASK })
    expect(result.code).toBe(0)
    expect(starts()[0].path).toBe(`/api/v2/worker-tasks/${DEMO_TASK}/runs`)
    expect(JSON.parse(starts()[0].body ?? '')).toEqual({ is_async: true })
    expect(sandbox.seen('schema')).toHaveLength(0)
    expect(summaryFact(result.summary, 'Run')).toMatch(
      new RegExp(`, started by this step \\(task \`${DEMO_TASK}\`\\)$`)
    )
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
    expect(runsCreated(sandbox)).toHaveLength(0)
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
    [
      "a stray ']' after a comma: located at the ']', where V8's message names no position",
      { input: '{"parameters": {"custom": {"keywords": ["coffee",], }}}' },
      /Input 'input' is not valid JSON: the JSON text breaks at line 1, column 50/
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

  const posixOnly = process.platform === 'win32' ? test.skip : test
  posixOnly('an input-file that is a FIFO is refused at once, never opened (opening one waits forever)', async () => {
    await sandboxWith()
    const workspace = makeTempDir('coreclaw-workspace-')
    execFileSync('mkfifo', [path.join(workspace, 'input.json')])
    const result = await start({ input: '', 'input-file': 'input.json' }, workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/Input 'input-file' is not a regular file: input\.json/)
    expect(sandbox.requests).toHaveLength(0)
  })

  test('an input-file that is not UTF-8 is an error that says where, not silent U+FFFD', async () => {
    await sandboxWith()
    const workspace = makeTempDir('coreclaw-workspace-')
    const bytes = Buffer.concat([Buffer.from('{\n  "city": "M'), Buffer.from([0xfc]), Buffer.from('nchen"\n}')])
    writeFileSync(path.join(workspace, 'latin1.json'), bytes)
    const result = await start({ input: '', 'input-file': 'latin1.json' }, workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(
      /Input 'input-file' is not UTF-8 text: latin1\.json has a byte that is not UTF-8 at line 2 \(byte 15\)/
    )
    expect(sandbox.requests).toHaveLength(0)
  })

  test('a UTF-8 error counts a lone CR as a line break, as CRLF and LF', async () => {
    await sandboxWith()
    const workspace = makeTempDir('coreclaw-workspace-')
    const bytes = Buffer.concat([Buffer.from('{\r  "a": 1,\r\n  "city": "M'), Buffer.from([0xfc]), Buffer.from('"\r}')])
    writeFileSync(path.join(workspace, 'mac.json'), bytes)
    const result = await start({ input: '', 'input-file': 'mac.json' }, workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/mac\.json has a byte that is not UTF-8 at line 3 \(byte 26\)/)
    expect(sandbox.requests).toHaveLength(0)
  })

  describe('input-file must really be in the workspace (or RUNNER_TEMP): its content is sent to CoreClaw', () => {
    const SECRET = '{"parameters": {"custom": {"keywords": ["the runner\'s secrets"]}}}'
    /** A JSON file outside the workspace, and a workspace beside it. */
    function outside() {
      const elsewhere = makeTempDir('coreclaw-elsewhere-')
      const file = path.join(elsewhere, 'secret.json')
      writeFileSync(file, SECRET)
      return { file, workspace: makeTempDir('coreclaw-workspace-') }
    }

    test.each([
      [
        'a relative path that climbs out',
        ({ file, workspace }: { file: string; workspace: string }) => path.relative(workspace, file)
      ],
      ['an absolute path', ({ file }: { file: string }) => file],
      [
        'a symlink in the workspace that leads out',
        ({ file, workspace }: { file: string; workspace: string }) => {
          symlinkSync(file, path.join(workspace, 'input.json'))
          return 'input.json'
        }
      ]
    ])('%s: refused before any request', async (_, given) => {
      await sandboxWith()
      const where = outside()
      const result = await start({ input: '', 'input-file': given(where) }, where.workspace)
      expect(result.code).toBe(1)
      expect(errorLine(result)).toMatch(/Input 'input-file' leads outside the workspace: .* is .*secret\.json/)
      expect(sandbox.requests).toEqual([])
      expect(result.stdout).not.toContain("the runner's secrets")
    })

    test('a file in RUNNER_TEMP is read, as one in the workspace is', async () => {
      await sandboxWith()
      const runnerTemp = makeTempDir('coreclaw-runner-temp-')
      writeFileSync(path.join(runnerTemp, 'input.json'), JSON.stringify(WORKER_INPUT))
      const result = await runAction({
        inputs: {
          'run-id': 'new',
          'api-key': sandbox.apiKey,
          'base-url': sandbox.apiUrl,
          'worker-id': WORKER,
          'input-file': path.join(runnerTemp, 'input.json'),
          'wait-timeout': '0'
        },
        env: { RUNNER_TEMP: runnerTemp }
      })
      expect(result.code).toBe(0)
      expect(JSON.parse(starts()[0].body ?? '')).toMatchObject({ input: WORKER_INPUT })
    })
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

describe('start only, and a dry run', () => {
  test('wait-timeout: 0 starts the run and leaves it: run-id and run-started set, a summary naming it, no wait, no export, no abort', async () => {
    await sandboxWith({ runDurationMs: 60_000 })
    const result = await start({ 'wait-timeout': '0' })
    expect(result.code).toBe(0)
    const [run] = runsCreated(sandbox)
    expect(starts()).toHaveLength(1)
    expect(result.outputs['run-id']).toBe(run.slug)
    expect(result.outputs['run-started']).toBe('true')
    expect(result.outputs.path).toBe('')
    expect(sandbox.seen('run')).toHaveLength(0)
    expect(sandbox.seen('export')).toHaveLength(0)
    expect(sandbox.seen('abort')).toHaveLength(0)
    expect(run.aborted).toBeFalsy()
    expect(result.summary).toContain('### CoreClaw run started')
    expect(verdictOf(result.summary)).toBe(
      `**Started run \`${run.slug}\`** of worker \`${WORKER}\` and left it running: nothing was exported (start only, \`wait-timeout: 0\`).`
    )
    expect(result.stdout).toContain(`Run ${run.slug} was started and is left running`)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('start only writes no file, so a file that overwrite: false would keep does not stop it', async () => {
    await sandboxWith({ runDurationMs: 60_000 })
    const workspace = makeTempDir('coreclaw-workspace-')
    writeFileSync(path.join(workspace, 'latest.csv'), 'kept')
    const result = await start({ 'wait-timeout': '0', overwrite: 'false', path: 'latest.csv' }, workspace)
    expect(result.code).toBe(0)
    expect(starts()).toHaveLength(1)
    expect(readFileSync(path.join(workspace, 'latest.csv'), 'utf8')).toBe('kept')
  })

  test('dry-run: the input is checked against the schema, the worker exists, nothing is started', async () => {
    await sandboxWith()
    const result = await start({ 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('schema')).toHaveLength(1)
    expect(starts()).toHaveLength(0)
    expect(result.stdout).toContain(
      `Dry run: a run of worker ${WORKER} with the input from 'input' would start. Nothing was started.`
    )
    expect(result.outputs['run-started']).toBe('false')
    expect(result.summary).toContain('### CoreClaw dry run')
  })

  describe('a dry run whose input could not be checked fails: a gate that checked nothing must not pass', () => {
    test.each([
      ['the schema call answers 500', (s: Sandbox) => s.fail('schema', { status: 500, code: 10000 }), {}],
      ['the schema call never answers', (s: Sandbox) => s.fail('schema', { hang: true }), { timeout: '1' }],
      [
        'the schema is asynchronous',
        (s: Sandbox) => s.fail('schema', { envelope: { code: 0, data: { input_schema: { $async: true } } } }),
        {}
      ]
    ])('%s', async (_, fault, inputs) => {
      await sandboxWith()
      fault(sandbox)
      const result = await start({ 'dry-run': 'true', ...inputs })
      expect(result.code).toBe(1)
      expect(errorLine(result)).toMatch(
        new RegExp(
          `the dry run could not check the input against worker ${WORKER}'s input schema: .*; nothing was started\\. A dry run passes only when the input was checked`
        )
      )
      expect(result.stdout).not.toContain('Dry run: a run of')
      expect(result.summary).toMatch(/^### CoreClaw export failed/)
      expect(starts()).toHaveLength(0)
    })

    test('the same failure in a real run is a notice, and the run starts unchecked', async () => {
      await sandboxWith()
      sandbox.fail('schema', { status: 500, code: 10000 })
      const result = await start({ 'wait-timeout': '0' })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^::notice title=Input not checked::/m)
      expect(starts()).toHaveLength(1)
    })
  })

  test('dry-run with an input-file that breaks the schema fails, and starts nothing', async () => {
    await sandboxWith()
    const workspace = makeTempDir('coreclaw-workspace-')
    writeFileSync(path.join(workspace, 'scrape.json'), JSON.stringify({ parameters: { custom: { keywords: [] } } }))
    const result = await start({ 'dry-run': 'true', input: '', 'input-file': 'scrape.json' }, workspace)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('/parameters/custom/keywords must NOT have fewer than 1 items')
    expect(starts()).toHaveLength(0)
  })

  test.each([
    ['a worker that does not exist', { 'worker-id': 'acme/nope' }, /app code 50001/],
    [
      'a task that does not exist',
      { 'worker-id': '', input: '', 'task-id': '01KKNOSUCHTASK000000000000' },
      /task request failed: HTTP 404: app code 60001/
    ]
  ])('dry-run with %s fails, and starts nothing', async (_, inputs, message) => {
    await sandboxWith()
    const result = await start({ 'dry-run': 'true', ...inputs })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(message)
    expect(starts()).toHaveLength(0)
  })

  test('dry-run with a saved task and a version: the task is looked up; the version is said to be unchecked', async () => {
    await sandboxWith()
    const task = await start({ 'dry-run': 'true', 'worker-id': '', input: '', 'task-id': DEMO_TASK })
    expect(task.code).toBe(0)
    expect(sandbox.seen('task')).toHaveLength(1)
    const version = await start({ 'dry-run': 'true', 'worker-version': '9.9.9' })
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^::notice title=Version not checked::Version 9\.9\.9 was not checked/m)
    expect(starts()).toHaveLength(0)
  })

  test('dry-run without run-id: new is refused: it would check nothing', async () => {
    await sandboxWith()
    const result = await start({ 'run-id': 'last', 'worker-id': '', input: '', 'dry-run': 'true' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/Input 'dry-run' is only used with 'run-id: new'/)
    expect(sandbox.requests).toHaveLength(0)
  })
})

describe('the schema check is bounded: a hostile schema never hangs, kills or blocks the step', () => {
  /** `^(.|.)*X$` backtracks 2^n times on a value without an X: about 40 s of CPU at 29 characters. */
  const REDOS = {
    type: 'object',
    properties: { keywords: { type: 'array', items: { type: 'string', pattern: '^(.|.)*X$' } } }
  }
  const REDOS_INPUT = JSON.stringify({ parameters: { custom: { keywords: ['a'.repeat(29)] } } })
  const notChecked =
    /^::notice title=Input not checked::The input was not checked against worker .*: (.*)\. The run starts unchecked\./m

  test('an asynchronous schema ($async) is not checked: a notice, and the run starts', async () => {
    const schema = { $async: true, type: 'object', required: ['never-there'] }
    await sandboxWith({ workers: [{ id: WORKER, schema }] })
    const result = await start()
    expect(result.code).toBe(0)
    expect(notChecked.exec(result.stdout)?.[1]).toContain('asynchronous schema ($async)')
    expect(starts()).toHaveLength(1)
  })

  test('a catastrophic pattern is stopped at the deadline: a notice, and the run starts', async () => {
    await sandboxWith({ workers: [{ id: WORKER, schema: REDOS }] })
    const result = await start({ input: REDOS_INPUT })
    expect(result.code).toBe(0)
    expect(notChecked.exec(result.stdout)?.[1]).toMatch(/checking it took longer than \d+ s/)
    expect(starts()).toHaveLength(1)
  })

  const posix = process.platform === 'win32' ? test.skip : test
  posix('SIGINT during a catastrophic check is answered at once: no start, and out before SIGTERM', async () => {
    await sandboxWith({ workers: [{ id: WORKER, schema: REDOS }] })
    const { child, result } = startAction({
      inputs: {
        'run-id': 'new',
        'api-key': sandbox.apiKey,
        'base-url': sandbox.apiUrl,
        'worker-id': WORKER,
        input: REDOS_INPUT
      }
    })
    while (sandbox.seen('schema').length === 0) await new Promise(resolve => setTimeout(resolve, 50))
    // Well inside the check: ajv needs milliseconds for this schema, the pattern about 40 s.
    await new Promise(resolve => setTimeout(resolve, 1000))
    child.kill('SIGINT')
    let terminated = false
    const term = setTimeout(() => {
      terminated = true
      child.kill('SIGTERM')
    }, 7500)
    const ended = await result
    clearTimeout(term)
    expect(terminated).toBe(false)
    expect(ended.signal).toBe('SIGINT')
    expect(starts()).toHaveLength(0)
  })

  /** 3,500 nested arrays: 7 KB, and deep enough to overflow the stack of the step's own thread. */
  const DEEP = {
    type: 'object',
    properties: { keywords: { enum: [JSON.parse(`${'['.repeat(3500)}${']'.repeat(3500)}`)] } }
  }

  test('a schema nested 3,500 deep is not checked: a notice, and the run starts', async () => {
    await sandboxWith({ workers: [{ id: WORKER, schema: DEEP }] })
    const result = await start({ 'wait-timeout': '0' })
    expect(result.code).toBe(0)
    expect(notChecked.exec(result.stdout)?.[1]).toBe('it is nested more than 64 levels deep')
    expect(result.stdout).not.toContain('bug in the action')
    expect(starts()).toHaveLength(1)
  })

  test('a schema nested 3,500 deep fails a dry run, saying why', async () => {
    await sandboxWith({ workers: [{ id: WORKER, schema: DEEP }] })
    const result = await start({ 'dry-run': 'true' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('input schema: it is nested more than 64 levels deep; nothing was started')
    expect(starts()).toHaveLength(0)
  })

  test('a schema over 256 KiB is not checked: a notice, and the run starts', async () => {
    const properties = Object.fromEntries(
      Array.from({ length: 40_000 }, (_, i) => [`field_${i}`, { type: 'string', description: 'x'.repeat(40) }])
    )
    await sandboxWith({ workers: [{ id: WORKER, schema: { type: 'object', properties } }] })
    const result = await start()
    expect(result.code).toBe(0)
    expect(notChecked.exec(result.stdout)?.[1]).toMatch(/it is \d+ bytes, more than the 262144 checked/)
    expect(starts()).toHaveLength(1)
  })

  test('a worker CoreClaw does not know (50001 from the schema endpoint) ends the step before any start', async () => {
    await sandboxWith()
    const result = await start({ 'worker-id': 'acme/scarper' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/input schema request failed: HTTP 404: app code 50001/)
    expect(result.stdout).not.toContain('starts anyway')
    expect(starts()).toHaveLength(0)
  })
})

test("'not found' (11004) from the schema call is about the worker, not a run", async () => {
  await sandboxWith()
  sandbox.fail('schema', { status: 404, code: 11004, message: 'not found' })
  const result = await start()
  expect(result.code).toBe(1)
  expect(errorLine(result)).toMatch(/input schema request failed: HTTP 404: app code 11004 \(not found\)/)
  expect(errorLine(result)).toContain(`Worker ${WORKER} was not found: check 'worker-id' (owner/name).`)
  expect(errorLine(result)).not.toContain("check 'run-id'")
  expect(starts()).toHaveLength(0)
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
    expect(runsCreated(sandbox)).toHaveLength(1)
    expect(result.stdout).toMatch(/app code 30003 \(plan concurrency limit\).*Waiting for a free slot: trying again in/)
    expect(result.stdout).toMatch(/app code 13000 \(rate limited\).*\(attempt 1 of 5\); retrying in/)
  })

  test('a full plan with Retry-After: 0 is waited for politely: the back-off between starts, and one line a minute', async () => {
    await sandboxWith()
    sandbox.fail(
      'start',
      ...Array.from({ length: 60 }, () => ({
        status: 400,
        code: 30003,
        message: 'limit',
        headers: { 'retry-after': '0' }
      }))
    )
    const result = await start({ 'wait-timeout': '5' })
    expect(result.code).toBe(1)
    // Back-off from 0.5 s, doubling: at most 4 tries fit in 5 s (Retry-After: 0 alone allowed dozens).
    expect(starts().length).toBeGreaterThan(1)
    expect(starts().length).toBeLessThanOrEqual(4)
    expect(result.stdout.match(/Waiting for a free slot/g)).toHaveLength(1)
    expect(runsCreated(sandbox)).toHaveLength(0)
  })

  test('30003 is waited for only until wait-timeout runs out', async () => {
    await sandboxWith()
    sandbox.fail('start', ...Array.from({ length: 10 }, () => ({ status: 400, code: 30003, message: 'limit' })))
    const result = await start({ 'wait-timeout': '2' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/start request failed: HTTP 400: app code 30003.*raise 'wait-timeout'/)
    expect(runsCreated(sandbox)).toHaveLength(0)
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
    expect(runsCreated(sandbox)).toHaveLength(1)
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

  // After the TLS handshake, the server reads the whole POST, then writes onto the bare TCP socket
  // what the client's TLS layer cannot take. The client sees a TLS error, but only after its request
  // was written: the run may exist, so the start is never sent again.
  test.each([
    ['a record with a bad MAC', Buffer.from([23, 3, 3, 0, 32, ...Array.from({ length: 32 }, (_, i) => i * 7)])],
    ['a plaintext alert', Buffer.from([21, 3, 3, 0, 2, 2, 40])],
    ['plaintext HTTP', Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}')]
  ])(
    'a TLS error after the start request was written (%s): one POST, and "a run may have started"',
    async (_, garbage) => {
      await sandboxWith()
      const server = await tlsServerThatBreaksAfterReading(garbage)
      try {
        const result = await runAction({
          inputs: {
            'run-id': 'new',
            'api-key': sandbox.apiKey,
            'base-url': server.url,
            'task-id': DEMO_TASK,
            'max-attempts': '3'
          },
          env: { NODE_EXTRA_CA_CERTS: SANDBOX_CA }
        })
        expect(result.code).toBe(1)
        expect(server.posts).toBe(1)
        expect(errorLine(result)).toContain('a run may have started')
        expect(result.stdout).not.toMatch(/retrying in/)
      } finally {
        await server.close()
      }
    }
  )

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

/** An HTTPS server (the sandbox's test certificate) that reads each request whole, then breaks TLS with `garbage`. */
async function tlsServerThatBreaksAfterReading(garbage: Buffer) {
  const secureContext = tls.createSecureContext({
    key: readFileSync(new URL('../sandbox/tls/key.pem', import.meta.url)),
    cert: readFileSync(SANDBOX_CA)
  })
  const state = { posts: 0 }
  const sockets = new Set<net.Socket>()
  const server = net.createServer(raw => {
    sockets.add(raw)
    raw.on('close', () => sockets.delete(raw))
    raw.on('error', () => undefined)
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext })
    secure.on('error', () => undefined)
    let received = Buffer.alloc(0)
    secure.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = received.subarray(0, end).toString('latin1')
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
      if (received.length < end + 4 + length) return
      if (head.startsWith('POST ')) state.posts++
      raw.write(garbage)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    get posts() {
      return state.posts
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
