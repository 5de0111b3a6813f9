// Which run, waiting for it, its log, and stopping it, end to end on the bundle: `last` and
// `last-succeeded` resolve to one run; the step waits for a run to finish, shows its log as it
// grows, and aborts a run it started (never another) when the step stops. Each test checks what
// the sandbox received: which runs were read, polled, logged and aborted.
import { readFileSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { makeTempDir, startAction } from '../sandbox/runner.js'
import {
  errorLine,
  filesIn,
  routes,
  runsCreated,
  sandboxForStarts,
  sandboxWithRun,
  stepAgainst,
  WORKER,
  WORKER_INPUT,
  type Sandbox,
  type Step,
  summaryFact
} from './helpers.js'

let sandbox: Sandbox
/** A step against a sandbox with one finished run (`sandboxWithRun`). */
let step: ReturnType<typeof stepAgainst>
/** A step that starts a run (`sandboxWith`). */
let start: Awaited<ReturnType<typeof sandboxForStarts>>['start']

async function sandboxWith(options: Parameters<typeof sandboxForStarts>[0] = {}): Promise<void> {
  ;({ sandbox, start } = await sandboxForStarts(options))
}
const withRun = async () => ({ sandbox, step } = await sandboxWithRun())

afterEach(async () => {
  // Every body the action sent was one CoreClaw's OpenAPI allows.
  expect(sandbox.refusedBodies).toEqual([])
  await sandbox.close()
})

describe('run-id: last', () => {
  beforeEach(withRun)

  test("resolves the account's latest run once and uses that slug for waiting, exporting and the file name", async () => {
    sandbox.addRun({ slug: 'NEWESTRUN' })
    const result = await step({ 'run-id': 'last' })
    expect(result.code).toBe(0)
    expect(sandbox.requests.map(r => r.path)).toEqual([
      '/api/v2/worker-runs/last',
      '/api/v2/worker-runs/NEWESTRUN',
      '/api/v2/worker-runs/NEWESTRUN/result/export',
      expect.stringMatching(/^\/export\//)
    ])
    expect(result.outputs['run-id']).toBe('NEWESTRUN')
    expect(result.outputs.path).toMatch(/NEWESTRUN\.csv$/)
    expect(result.stdout).toContain("run-id 'last' is run NEWESTRUN.")
  })

  test('with worker-id, the latest run of that worker, sent as owner~name', async () => {
    sandbox.addRun({ slug: 'MAPSRUN', worker: 'coreclaw/google-maps' })
    sandbox.addRun({ slug: 'OTHERRUN', worker: 'someone/else' })
    const result = await step({ 'run-id': 'last', 'worker-id': 'coreclaw/google-maps' })
    expect(result.code).toBe(0)
    expect(sandbox.requests[0].path).toBe('/api/v2/workers/coreclaw~google-maps/runs/last')
    expect(result.outputs['run-id']).toBe('MAPSRUN')
  })

  test('worker-id with a concrete run id is ignored with a warning', async () => {
    const result = await step({ 'worker-id': 'coreclaw/google-maps' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      "::warning::'worker-id' is only used with 'run-id: last', 'run-id: last-succeeded' or 'run-id: new'; ignoring it."
    )
    expect(routes(sandbox)).toBe('run export download')
  })

  test('an unknown worker fails with its app code', async () => {
    const result = await step({ 'run-id': 'last', 'worker-id': 'nobody/nothing' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/HTTP 404: app code 50001 \(worker not found\).*check 'worker-id'/)
  })
})

describe('run-id: last-succeeded', () => {
  beforeEach(withRun)

  /** Added in this order; the newest by finished_at is neither the first nor the last in the list. */
  function addRuns(): void {
    sandbox.addRun({ slug: 'OLDEST', worker: 'acme/maps', finishedAt: 1764000000 })
    sandbox.addRun({ slug: 'NEWEST', worker: 'acme/maps', finishedAt: 1764900000 })
    sandbox.addRun({ slug: 'FAILEDLATER', worker: 'acme/maps', status: 'failed' })
    sandbox.addRun({ slug: 'TIEDEARLIER', worker: 'acme/maps', finishedAt: 1764900000, startedAt: 1763000000 })
    sandbox.addRun({ slug: 'MIDDLE', worker: 'acme/maps', finishedAt: 1764500000 })
    sandbox.addRun({ slug: 'OTHERWORKER', worker: 'acme/other', finishedAt: 1765000000 })
  }

  test('the newest succeeded run of a worker, chosen by finished_at (then started_at), not by the list order', async () => {
    addRuns()
    const result = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/maps' })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe('NEWEST')
    expect(result.stdout).toContain(
      "run-id 'last-succeeded' of worker acme/maps is run NEWEST, finished 2025-12-05T02:00:00Z."
    )
    const list = sandbox.seen('list')
    expect(list).toHaveLength(1)
    expect(list[0].query).toEqual({ status: 'succeeded', limit: '100', worker_id: 'acme~maps' })
    // Resolved once: everything after speaks of that slug.
    expect(
      sandbox.requests.filter(r => r.route !== 'list').every(r => r.path.includes('NEWEST') || r.server === 'storage')
    ).toBe(true)
  })

  test("without worker-id: the account's newest succeeded run", async () => {
    addRuns()
    const result = await step({ 'run-id': 'last-succeeded' })
    expect(result.outputs['run-id']).toBe('OTHERWORKER')
    expect(sandbox.seen('list')[0].query).toEqual({ status: 'succeeded', limit: '100' })
  })

  test("the list is checked, not trusted: another worker's run, a run with no or a strange status, and a date beyond Date are passed over", async () => {
    sandbox.addRun({ slug: 'GOOD', worker: 'acme/scraper', finishedAt: 1764000000 })
    const listed = (slug: string, fields: object) => ({ slug, scraper_slug: 'acme/scraper', ...fields })
    sandbox.fail('list', {
      envelope: {
        code: 0,
        data: {
          list: [
            listed('GOOD', { status: 'succeeded', finished_at: 1764000000 }),
            listed('OTHERWORKER', { scraper_slug: 'acme/other', status: 'succeeded', finished_at: 1765000000 }),
            listed('NOSTATUS', { finished_at: 1765000001 }),
            listed('SHOUTING', { status: 'FAILED!', finished_at: 1765000002 }),
            listed('NOWORKER', { scraper_slug: undefined, status: 'succeeded', finished_at: 1765000003 }),
            listed('FARFUTURE', { status: 'succeeded', finished_at: 9e12, started_at: 9e12 })
          ]
        }
      }
    })
    const result = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/scraper' })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe('GOOD')
    expect(result.stdout).toContain("run-id 'last-succeeded' of worker acme/scraper is run GOOD, finished ")
  })

  test('no succeeded run: a clear error, nothing exported', async () => {
    sandbox.addRun({ slug: 'ONLYFAILED', worker: 'acme/none', status: 'failed' })
    const result: Step = await step({ 'run-id': 'last-succeeded', 'worker-id': 'acme/none' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('no succeeded run of worker acme/none among the latest 100')
    expect(sandbox.seen('export')).toHaveLength(0)
  })
})

describe('waiting for the run', () => {
  beforeEach(withRun)

  test('ready → running → succeeded is waited for, then exported', async () => {
    sandbox.addRun({ slug: 'SLOWRUN', statuses: ['ready', 'succeeded'] })
    const result = await step({ 'run-id': 'SLOWRUN' })
    expect(result.code).toBe(0)
    // A run that is waited for shows its log: read after each status.
    expect(routes(sandbox)).toBe('run log run log export download')
    expect(result.stdout).toContain('Run SLOWRUN is ready, 1 row so far; waited 0 s of 600 s.')
  })

  test('a run still running after wait-timeout fails and says how to wait longer', async () => {
    sandbox.addRun({ slug: 'ENDLESS', status: 'running' })
    const result = await step({ 'run-id': 'ENDLESS', 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(/run ENDLESS is still running after 1 s\. Raise 'wait-timeout' above 1/)
    expect(sandbox.seen('export')).toHaveLength(0)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('wait-timeout 0 does not wait', async () => {
    sandbox.addRun({ slug: 'ENDLESS', status: 'running' })
    const result = await step({ 'run-id': 'ENDLESS', 'wait-timeout': '0' })
    expect(result.code).toBe(1)
    expect(routes(sandbox)).toBe('run')
    expect(errorLine(result)).toMatch(/still running after 0 s\. Set 'wait-timeout'/)
  })

  test.each([
    ['failed', 'proxy pool exhausted'],
    ['aborting', undefined],
    ['aborted', undefined],
    ['paused', undefined]
  ])('a %s run fails at once, names the status and err_msg, and exports nothing', async (status, errMsg) => {
    sandbox.addRun({ slug: 'DEADRUN', status, errMsg })
    const result = await step({ 'run-id': 'DEADRUN' })
    expect(result.code).toBe(1)
    expect(routes(sandbox)).toBe('run')
    const reason = errMsg ? `: ${errMsg}` : ''
    expect(errorLine(result)).toContain(`run DEADRUN is ${status}, not succeeded${reason}; nothing was exported.`)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('a run that had succeeded gets no empty group: one group, the export; status lines stay outside', async () => {
    const result = await step()
    expect(result.stdout).not.toContain('::group::Run')
    expect(result.stdout).toMatch(/^Run 01KKDXV2G26BT7NH4ZQR2R4NPZ succeeded with 3 rows\.$/m)
    expect(result.stdout).toMatch(/::group::Export csv to /)
    expect(result.stdout.match(/::endgroup::/g)).toHaveLength(1)
  })

  test("a long wait shows its progress and the run's log outside any group: each log entry a line, marked", async () => {
    sandbox.addRun({ slug: 'SLOWRUN', statuses: ['ready', 'running', 'succeeded'] })
    const result = await step({ 'run-id': 'SLOWRUN' })
    const lines = result.stdout.split('\n')
    let depth = 0
    const outside: string[] = []
    for (const line of lines) {
      if (line.startsWith('::group::')) depth++
      else if (line.startsWith('::endgroup::')) depth--
      else if (depth === 0) outside.push(line)
    }
    expect(outside).toContain('Run SLOWRUN is ready, 1 row so far; waited 0 s of 600 s.')
    expect(outside.filter(line => line.startsWith('| '))).toHaveLength(5)
    expect(lines.filter(line => line.startsWith('::group::'))).toEqual([
      expect.stringMatching(/^::group::Export csv to /)
    ])
    // A run this step did not start, but waited for: its wait and its log are in the summary.
    expect(summaryFact(result.summary, 'Waited for the run')).toMatch(/^\d+\.\d\d s$/)
    expect(summaryFact(result.summary, 'Run log')).toBe('5 lines shown')
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

  test('a log endpoint that hangs never holds up the status polls: the run is exported, not aborted', async () => {
    await sandboxWith()
    sandbox.fail('log', ...Array.from({ length: 10 }, () => ({ hang: true })))
    const result = await start({ timeout: '20', 'wait-timeout': '5' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('abort')).toHaveLength(0)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(result.outputs['run-id'], 'csv'))
  })

  test('a log timestamp that is no plausible time (9e15, 8.64e15: the year 275760, 1.5: 1970) is not shown, and fails nothing', async () => {
    await sandboxWith()
    const entry = (content: string, timestamp: number) => ({ type: 'info', group: 'run', content, timestamp })
    const list = [
      entry('beyond Date', 9e15),
      entry('year 275760', 8.64e15),
      entry('1970', 1.5),
      entry('now', Date.now())
    ]
    sandbox.fail('log', { envelope: { code: 0, data: { list } } })
    const result = await start()
    expect(result.code).toBe(0)
    const shown = result.stdout.split('\n').filter(line => line.startsWith('| '))
    expect(shown.slice(0, 3)).toEqual(['| beyond Date', '| year 275760', '| 1970'])
    expect(shown[3]).toMatch(/^\| \d\d:\d\d:\d\d now$/)
    expect(sandbox.seen('abort')).toHaveLength(0)
  })

  test('one entry of 1.5 million line breaks prints a few hundred lines, and says how many were left out', async () => {
    await sandboxWith()
    sandbox.fail('log', { envelope: { code: 0, data: { list: ['\n'.repeat(1_500_000)] } } })
    const result = await start()
    expect(result.code).toBe(0)
    const printed = result.stdout.split('\n').filter(line => line === '| ').length
    expect(printed).toBeGreaterThan(0)
    expect(printed).toBeLessThanOrEqual(500)
    expect(result.stdout).toMatch(/… \d{7} more log lines were left out/)
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

  test('with overwrite: false, a file named after the new run, found after the start, fails the step and aborts the run', async () => {
    await sandboxWith({ runDurationMs: LONG, runSlugs: ['01KKNEWRUN0000000000000001'] })
    const workspace = makeTempDir('coreclaw-workspace-')
    writeFileSync(path.join(workspace, '01KKNEWRUN0000000000000001.csv'), 'kept')
    const result = await start({ overwrite: 'false' }, workspace)
    expect(result.code).toBe(1)
    expect(sandbox.seen('abort').map(r => r.path)).toEqual(['/api/v2/worker-runs/01KKNEWRUN0000000000000001/abort'])
    expect(errorLine(result)).toMatch(/already exists.*asked CoreClaw to abort run 01KKNEWRUN0000000000000001/)
    expect(readFileSync(path.join(workspace, '01KKNEWRUN0000000000000001.csv'), 'utf8')).toBe('kept')
  })

  test('wait-timeout on a run this step started: the run is aborted, and the error names it', async () => {
    await sandboxWith({ runDurationMs: LONG })
    const result = await start({ 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    const [run] = runsCreated(sandbox)
    expect(sandbox.seen('abort').map(r => r.path)).toEqual([`/api/v2/worker-runs/${run.slug}/abort`])
    expect(sandbox.seen('abort')[0].method).toBe('POST')
    expect(result.stdout).toContain(`Asked CoreClaw to abort run ${run.slug}, which this step started`)
    expect(errorLine(result)).toContain(`run ${run.slug} is still`)
    expect(errorLine(result)).toContain(`asked CoreClaw to abort run ${run.slug}, which this step started`)
    expect(errorLine(result)).toContain('That run will never finish')
    expect(errorLine(result)).not.toContain('export once the run has finished')
    expect(summaryFact(result.summary, 'Run')).toBe(`\`${run.slug}\`, started by this step (worker \`${WORKER}\`)`)
    expect(result.summary).toContain('asked CoreClaw to abort run')
    expect(result.outputs['run-id']).toBe(run.slug)
    expect(result.outputs['run-started']).toBe('true')
  })

  test('an abort CoreClaw refuses is a warning that says what to do; the step fails for its own reason', async () => {
    await sandboxWith({ runDurationMs: LONG })
    sandbox.fail('abort', { status: 500, code: 10000, message: 'abort failed' })
    const result = await start({ 'wait-timeout': '1' })
    expect(result.code).toBe(1)
    const [run] = runsCreated(sandbox)
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
    expect(result.stdout).toContain("keeps running: 'abort-on-stop: false'")
    const [run] = runsCreated(sandbox)
    expect(errorLine(result)).toContain(`run ${run.slug} is still running: it was not aborted, as asked`)
    expect(errorLine(result)).toContain(`export it once it has finished, with 'run-id: ${run.slug}'`)
    expect(result.summary).toContain('is still running')
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
        input: JSON.stringify(WORKER_INPUT)
      })
      const ended = await result
      const [run] = runsCreated(sandbox)
      const aborts = sandbox.seen('abort')
      expect(aborts.map(r => r.path)).toEqual([`/api/v2/worker-runs/${run.slug}/abort`])
      expect(aborts[0].at - signalled).toBeLessThan(7500)
      expect(ended.signal).toBe('SIGINT')
      expect(ended.stdout).toMatch(
        new RegExp(
          `^::error title=CoreClaw export failed::cancelled by SIGINT; asked CoreClaw to abort run ${run.slug}, which this step started\\. That run will never finish\\.`,
          'm'
        )
      )
      expect(ended.outputs['run-id']).toBe(run.slug)
      expect(ended.outputs['run-started']).toBe('true')
      expect(run.aborted).toBe(true)
    })

    test('SIGINT while the start request is unanswered: a run may have started, and no abort (there is no run id)', async () => {
      await sandboxWith()
      sandbox.fail('start', { hang: true, startsRun: true })
      const { result } = await cancelWhenWaiting(
        { 'run-id': 'new', 'worker-id': WORKER, input: JSON.stringify(WORKER_INPUT) },
        /Starting a run of/
      )
      const ended = await result
      expect(ended.signal).toBe('SIGINT')
      expect(errorLine(ended)).toMatch(
        /the start request for worker .*, sent at .* UTC, got no clear answer \(cancelled by SIGINT\); a run may have started/
      )
      expect(runsCreated(sandbox)).toHaveLength(1)
      expect(sandbox.seen('abort')).toHaveLength(0)
    })

    test("SIGINT while a proxy's CONNECT hangs: the start request was never sent, so no run started, and it says so", async () => {
      await sandboxWith()
      // A proxy that accepts the connection and never answers the CONNECT.
      const sockets = new Set<net.Socket>()
      const proxy = net.createServer(socket => {
        sockets.add(socket)
        socket.on('error', () => undefined)
      })
      await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
      try {
        const { result } = await cancelWhenWaiting(
          { 'run-id': 'new', 'worker-id': WORKER, 'base-url': 'http://api.example.test:8787', timeout: '60' },
          /Starting a run of/,
          { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}` }
        )
        const ended = await result
        expect(ended.signal).toBe('SIGINT')
        expect(sockets.size).toBe(1)
        expect(errorLine(ended)).toContain('cancelled by SIGINT before the start request was sent')
        expect(errorLine(ended)).toContain('never reached CoreClaw, so nothing was started')
        expect(errorLine(ended)).not.toContain('may have started')
      } finally {
        for (const socket of sockets) socket.destroy()
        await new Promise(resolve => proxy.close(resolve))
      }
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
async function cancelWhenWaiting(
  inputs: Record<string, string>,
  when = /is (ready|running)/,
  env?: Record<string, string>
) {
  const { child, result } = startAction({
    inputs: { 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, ...inputs },
    env
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
