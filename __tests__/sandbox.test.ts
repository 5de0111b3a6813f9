// The sandbox is a tool as well as a fixture: `node sandbox/serve.js` has a help, a readable start
// line, and a scenario for each situation of the troubleshooting docs.
import { createServer, type AddressInfo } from 'node:net'
import * as path from 'node:path'
import { baseEnv, ROOT, spawnCollect } from '../sandbox/runner.js'
import { startServe } from './helpers.js'

const SERVE = path.join(ROOT, 'sandbox/serve.js')
const serve = (args: string[]) => spawnCollect(process.execPath, [SERVE, ...args], { env: baseEnv() })

test('--help says how to use it, with every scenario', async () => {
  const result = await serve(['--help'])
  expect(result.code).toBe(0)
  expect(result.stderr).toBe('')
  for (const name of ['slow', 'expired-link', 'rate-limited', 'start-busy', 'start-lost', 'start-reset'])
    expect(result.stdout).toMatch(new RegExp(`^ +${name} +\\S`, 'm'))
  expect(result.stdout).toContain('--run-duration <s>')
})

test.each([
  [['--nope'], /^error: Unknown option '--nope'/],
  [['--scenario', 'meteor'], /^error: unknown scenario meteor; one of: slow, /]
])('%j is one line of error and a pointer to --help, exit 2', async (args, message) => {
  const result = await serve(args)
  expect(result.code).toBe(2)
  expect(result.stderr).toMatch(message)
  expect(result.stderr.trim().split('\n')).toHaveLength(2)
  expect(result.stderr).toContain('Run with --help for the options.')
})

test('it starts with a readable line: where it listens, the key, the runs, and how to stop it', async () => {
  const served = await startServe(['--scenario', 'start-busy'])
  const { stdout } = served
  expect(await served.stop()).toBe(0)
  expect(stdout).toMatch(/^ {2}API \(base-url\) +http:\/\/127\.0\.0\.1:\d+$/m)
  expect(stdout).toMatch(/^ {2}API key +cc_sandbox_key_7f3a9d/m)
  expect(stdout).toContain(
    '01KKDXV2G26BT7NH4ZQR2R4NPZ  succeeded, 3 rows, of worker coreclaw/google-maps-scraper: the newest, so "last" and "last-succeeded" export it'
  )
  expect(stdout).toContain('01KKFAILEDRUN0000000000000  failed')
  expect(stdout).toContain('01KKRUNNINGRUN000000000000  running, never finishes')
  expect(stdout).toMatch(/^ {2}scenarios +start-busy$/m)
})

test('a port that is taken is one line that names it and the option that changes it, not a stack', async () => {
  const blocker = createServer()
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
  const { port } = blocker.address() as AddressInfo
  try {
    const api = await serve(['--port', String(port), '--storage-port', '0'])
    expect(api.code).toBe(1)
    expect(api.stderr).toBe(
      `error: port ${port} on 127.0.0.1 is in use: choose another with --port <n> (0 picks a free one).\n`
    )
    const storage = await serve(['--port', '0', '--storage-port', String(port), '--host', '127.0.0.1'])
    expect(storage.stderr).toContain(`choose another with --storage-port <n>`)
  } finally {
    blocker.close()
  }
})

test('sandbox/runner.js run as a command points to npm run local', async () => {
  const result = await spawnCollect(process.execPath, [path.join(ROOT, 'sandbox/runner.js'), '--help'], {
    env: baseEnv()
  })
  expect(result.code).toBe(0)
  expect(result.stdout).toContain('npm run local -- run-id=… format=…')
})
