// The rules the action keeps on top of @actions/http-client, end to end on the bundle: refused
// redirects are final, an API answer has a deadline, compressed storage answers are decoded, a
// short write never passes for a file, and a cancelled step leaves nothing behind. Durations are
// only ever bounded loosely, to tell "ends promptly" from "hangs".
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { runAction, startAction } from '../sandbox/runner.js'
import { errorLine, filesIn, retryLines, RUN, sandboxWithRun, sha256, stepAgainst, type Sandbox } from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

/**
 * POSIX only. `ulimit -f` is bash's. And although the runner does cancel a Windows step with Ctrl-C
 * (Node's SIGINT) and then Ctrl-Break (SIGBREAK), a test can't send those: Node's
 * child.kill('SIGINT') on Windows is TerminateProcess, which ends the child outright, and a console
 * control event reaches every process on the console, jest included. The Windows handling is
 * unit-tested with the signals emitted (cancellation.test.ts).
 */
const describePosix = process.platform === 'win32' ? describe.skip : describe

/** A refusal must not send people to check their network. */
const REACHABILITY = /reach the host|proxy settings/

describe('a refused redirect is reported once and never retried', () => {
  test.each([
    ['ftp:', 'ftp://127.0.0.1/x.csv?q-signature=s'],
    ['file:', 'file:///etc/passwd'],
    ['gopher:', 'gopher://127.0.0.1:70/1x'],
    ['javascript:', 'javascript:alert(1)']
  ])('storage redirecting to %s', async (scheme, location) => {
    sandbox.fail('download', { redirect: location })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(
      `download refused a redirect: ${new URL(sandbox.storageUrl).host} redirected to ${scheme}`
    )
    expect(errorLine(result)).toContain('only http and https are followed')
    expect(errorLine(result)).not.toMatch(REACHABILITY)
    expect(errorLine(result)).not.toContain('q-signature')
    expect(retryLines(result)).toEqual([])
    expect(sandbox.seen('download')).toHaveLength(1)
    expect(filesIn(result.workspace)).toEqual([])
  })

  test('more than 10 storage redirects', async () => {
    sandbox.fail('download', ...Array(11).fill({ redirect: true }))
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('download refused a redirect: more than 10 redirects')
    expect(errorLine(result)).not.toMatch(REACHABILITY)
    expect(retryLines(result)).toEqual([])
    expect(sandbox.seen('download')).toHaveLength(11)
  })

  test('ten storage redirects are followed', async () => {
    sandbox.fail('download', ...Array(10).fill({ redirect: true }))
    const result = await step({ 'max-attempts': '1' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('download')).toHaveLength(11)
    expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })
})

describe('an API answer must arrive whole within `timeout`', () => {
  test('an answer trickling in a byte at a time is cut at the deadline, and the process ends promptly', async () => {
    // About 80 bytes, one every 100 ms: it would take some 8 s, and it never stops moving.
    sandbox.fail('run', { trickleMs: 100 })
    const result = await step({ timeout: '1', 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('run detail request failed: ETIMEDOUT (no complete answer within 1 s)')
    expect(errorLine(result)).toContain("raise 'timeout' if it is just slow")
    // Well under `timeout` + the 5 s exit backstop, which would hide a socket left open.
    expect(result.elapsedMs).toBeLessThan(4000)
  })

  test('the trickling answer is retried like any timeout', async () => {
    sandbox.fail('run', { trickleMs: 100 })
    const result = await step({ timeout: '1' })
    expect(result.code).toBe(0)
    expect(retryLines(result)).toEqual([expect.stringContaining('(no complete answer within 1 s) (attempt 1 of 5)')])
  })

  test('after a hung API the process ends promptly: no half-closed socket holds it', async () => {
    sandbox.fail('export', { hang: true })
    const result = await step({ timeout: '1', 'max-attempts': '1' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain('export request failed: ETIMEDOUT')
    // Well under `timeout` + the 5 s exit backstop, which would hide a socket left open.
    expect(result.elapsedMs).toBeLessThan(4000)
  })
})

describe('compressed storage answers are decoded into the format that was asked for', () => {
  test.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s', async encoding => {
    sandbox.fail('download', { encoding })
    const result = await step({ format: 'json' })
    expect(result.code).toBe(0)
    const expected = sandbox.expectedBytes(RUN, 'json') as Buffer
    expect(readFileSync(result.outputs.path)).toEqual(expected)
    expect(result.outputs.size).toBe(String(expected.length))
    expect(result.outputs.sha256).toBe(sha256(expected))
    expect(result.stdout).toContain(`The storage host sent the file ${encoding}-compressed; it was decoded.`)
    expect(sandbox.seen('download')[0].headers['accept-encoding']).toBe('gzip, deflate, br')
  })

  test('any other encoding fails clearly, once, and leaves no file', async () => {
    sandbox.fail('download', { encoding: 'zstd' })
    const result = await step({ 'max-attempts': '3' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(
      'download failed: the storage host sent the file with Content-Encoding "zstd", which the action cannot decode'
    )
    expect(retryLines(result)).toEqual([])
    expect(filesIn(result.workspace)).toEqual([])
  })
})

describe('a short write fails the step and keeps the previous file', () => {
  describePosix('under ulimit -f', () => {
    test('a file-size limit below the export: EFBIG, no partial file, the previous file intact', async () => {
      sandbox.addRun({ slug: 'BIGRUN', size: 1024 * 1024 })
      const first = await step({ 'run-id': 'BIGRUN', path: 'data.csv' })
      expect(first.code).toBe(0)
      writeFileSync(first.outputs.path, 'the previous export')
      const result = await runAction({
        inputs: { 'run-id': 'BIGRUN', 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, path: 'data.csv' },
        workspace: first.workspace,
        fileSizeLimitKb: 256
      })
      expect(result.code).toBe(1)
      expect(errorLine(result)).toMatch(/could not write .*data\.csv: EFBIG/)
      expect(errorLine(result)).toContain('file-size limit')
      expect(readFileSync(path.join(first.workspace, 'data.csv'), 'utf8')).toBe('the previous export')
      expect(filesIn(first.workspace)).toEqual(['data.csv'])
    })
  })
})

describePosix('cancellation: the runner sends SIGINT, then SIGTERM', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-download removes the temporary file, keeps the previous one, and ends promptly',
    async signal => {
      // 8 MiB at 256 KiB every 500 ms: some 16 s to download, so only the signal can end it early.
      sandbox.addRun({ slug: 'SLOWRUN', size: 8 * 1024 * 1024 })
      const first = await step()
      // Queued after the first step's download, which would otherwise take it.
      sandbox.fail('download', { trickleMs: 500, trickleBytes: 256 * 1024 })
      const workspace = first.workspace
      writeFileSync(path.join(workspace, 'SLOWRUN.csv'), 'the previous export')
      const { child, result } = startAction({
        inputs: { 'run-id': 'SLOWRUN', 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl },
        workspace
      })
      await until(() => filesIn(workspace).some(name => name.endsWith('.part')))
      const signalled = Date.now()
      child.kill(signal)
      const ended = await result
      expect(ended.code === null ? ended.signal : ended.code).toBe(signal)
      expect(Date.now() - signalled).toBeLessThan(5000)
      expect(filesIn(workspace)).toEqual([`${RUN}.csv`, 'SLOWRUN.csv'])
      expect(readFileSync(path.join(workspace, 'SLOWRUN.csv'), 'utf8')).toBe('the previous export')
      expect(ended.stdout).toMatch(
        new RegExp(`^::error title=CoreClaw export failed::Run SLOWRUN: cancelled by ${signal}\\.`, 'm')
      )
      expect(existsSync(ended.outputs.path ?? '')).toBe(false)
    }
  )
})

/** Polls until `condition` holds (the step has started writing). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!condition()) throw new Error('the condition never held')
}
