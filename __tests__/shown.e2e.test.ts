// What the step shows in its log: server text reaches it through many channels (the run's own
// log, retry lines, the failure annotation, notices, debug lines), and in none of them can it give
// the runner an order. Every step here, as in every end-to-end suite, is read by the runner's own
// command rules (sandbox/runner-commands.js, through runner.js): a command the action did not mean
// to send fails the test. Each test also checks that the payload reached the log as text, so the
// channel really carried it.
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { runAction } from '../sandbox/runner.js'
import { runnerCommands } from '../sandbox/runner-commands.js'
import { errorLine, sandboxWithRun, type Sandbox, type Step, type stepAgainst } from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

/** The runner would set the step's `path` output to /etc/passwd, if this reached it unescaped. */
const PAYLOAD = 'x ##[set-output name=path;]/etc/passwd'
const SHOWN = 'x ##\\[set-output name=path;]/etc/passwd'

/** Every command form of issue #26, one log entry each: eight legacy commands from one poll, and two new-style ones. */
const LOG_PAYLOADS = [
  'progress ##[set-output name=path;]/etc/passwd',
  '##[add-mask]everything',
  '##[error file=.github/workflows/release.yml;line=1;title=Security]Rotate your secrets now',
  '##[warning]forged',
  '##[group]forged',
  '##[endgroup]',
  '##[stop-commands]tok',
  '##[tok]',
  '::set-output name=path::/etc/passwd',
  '  ::add-mask::everything'
]

const OURS = ['add-mask', 'debug', 'error', 'warning', 'notice', 'group', 'endgroup']

/** The commands in a step's output, as the runner reads them: only the action's own. */
function expectOnlyOurCommands(result: Step): void {
  const commands = runnerCommands(result.stdout)
  expect(commands.filter(c => c.syntax === 'legacy')).toEqual([])
  expect(commands.map(c => c.command).filter(name => !OURS.includes(name))).toEqual([])
  expect(commands.filter(c => c.command === 'add-mask').map(c => c.data)).toEqual([sandbox.apiKey])
  expect(result.outputs.path ?? '').not.toBe('/etc/passwd')
}

test("the run's log: every command form, one entry each, printed as text", async () => {
  sandbox.addRun({ slug: 'LOGRUN', statuses: ['running', 'succeeded'], log: LOG_PAYLOADS })
  const result = await step({ 'run-id': 'LOGRUN' })
  expect(result.code).toBe(0)
  expectOnlyOurCommands(result)
  const shown = result.stdout.split('\n').filter(line => line.startsWith('| '))
  expect(shown.map(line => line.slice(2))).toEqual(
    LOG_PAYLOADS.map(entry => entry.replace(/#\[/g, '#\\[').replace(/^(\s*)::/, '$1\\::'))
  )
  expect(result.outputs.path).toMatch(/LOGRUN\.csv$/)
})

describe('one payload, every other channel', () => {
  test("a retry line: a 503 envelope's message", async () => {
    sandbox.fail('run', { status: 503, code: 10000, message: PAYLOAD })
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^run detail request failed: HTTP 503.*x ##\\\[set-output name=path;\]\/etc\/passwd.*retrying in/m
    )
    expectOnlyOurCommands(result)
  })

  test("a retry line: a 502 gateway page's body", async () => {
    sandbox.fail('run', { status: 502, body: `<html><body><h1>502 Bad Gateway</h1><p>${PAYLOAD}</p></body></html>` })
    const result = await step()
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`body starts: "502 Bad Gateway ${SHOWN}"`)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: an error envelope's message and details", async () => {
    sandbox.fail('export', { status: 400, code: 11000, message: PAYLOAD, details: { field: PAYLOAD } })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`app code 11000 (invalid argument): ${SHOWN} (details: {"field":"${SHOWN}"})`)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: a failed run's err_msg", async () => {
    sandbox.addRun({ slug: 'FAILEDRUN', status: 'failed', errMsg: PAYLOAD })
    const result = await step({ 'run-id': 'FAILEDRUN' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(SHOWN)
    expectOnlyOurCommands(result)
  })

  test("a debug line: the log endpoint's error message", async () => {
    sandbox.addRun({ slug: 'LOGFAILS', statuses: ['running', 'succeeded'] })
    sandbox.fail('log', { status: 500, code: 10000, message: PAYLOAD })
    const result = await step({ 'run-id': 'LOGFAILS' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::debug::could not read the log of run LOGFAILS: .*x ##\\\[set-output/m)
    expectOnlyOurCommands(result)
  })

  test("a notice: the schema call's error message, when the run starts unchecked", async () => {
    await sandbox.close()
    sandbox = await startSandbox({ runDurationMs: 500 })
    sandbox.fail('schema', { status: 500, code: 10000, message: PAYLOAD })
    const result = await runAction({
      inputs: {
        'run-id': 'new',
        'api-key': sandbox.apiKey,
        'base-url': sandbox.apiUrl,
        'worker-id': DEMO_WORKER.id,
        input: '{"parameters": {"custom": {"keywords": ["coffee"]}}}',
        'wait-timeout': '0'
      }
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::notice title=Input not checked::.*x ##\\\[set-output/m)
    expectOnlyOurCommands(result)
  })

  test("the failure annotation: the storage host's Content-Encoding header", async () => {
    sandbox.fail('download', { bytes: Buffer.from('a\n'), headers: { 'content-encoding': PAYLOAD } })
    const result = await step()
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`Content-Encoding "${SHOWN}"`)
    expectOnlyOurCommands(result)
  })
})

test('the oracle itself fails a step whose output holds an unescaped command', async () => {
  // A real step, then its output with the escape taken out: what 1.4.0 printed.
  sandbox.addRun({ slug: 'LOGRUN', statuses: ['running', 'succeeded'], log: [PAYLOAD] })
  const result = await step({ 'run-id': 'LOGRUN' })
  const unescaped = result.stdout.replace('##\\[', '##[')
  expect(
    runnerCommands(unescaped)
      .filter(c => c.syntax === 'legacy')
      .map(c => [c.command, c.properties, c.data])
  ).toEqual([['set-output', { name: 'path' }, '/etc/passwd']])
})
