// Our runner protocol must write what @actions/core writes: same commands, same escaping,
// same GITHUB_OUTPUT format. Only the start-up cost differs (see README, design notes).
import { jest } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { EOL, tmpdir } from 'node:os'
import * as path from 'node:path'
import * as runner from '../src/runner.js'
import { VERSION } from '../src/version.js'

function stdoutOf(work: () => void | Promise<void>): Promise<string> {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  return Promise.resolve(work())
    .then(() => spy.mock.calls.map(call => String(call[0])).join(''))
    .finally(() => spy.mockRestore())
}

const tricky = 'a%b\r\nc: d, e::f'

describe('the runner protocol, byte for byte like @actions/core', () => {
  test('add-mask', async () => {
    expect(await stdoutOf(() => runner.setSecret(tricky))).toBe(await stdoutOf(() => core.setSecret(tricky)))
  })

  test('warning and error annotations with a title', async () => {
    expect(await stdoutOf(() => runner.warning(tricky, 'T: a,b'))).toBe(
      await stdoutOf(() => core.warning(tricky, { title: 'T: a,b' }))
    )
    expect(await stdoutOf(() => runner.error(tricky, 'CoreClaw export failed'))).toBe(
      await stdoutOf(() => core.error(tricky, { title: 'CoreClaw export failed' }))
    )
    expect(await stdoutOf(() => runner.warning('plain'))).toBe(await stdoutOf(() => core.warning('plain')))
  })

  test('info and groups', async () => {
    expect(await stdoutOf(() => runner.info(tricky))).toBe(await stdoutOf(() => core.info(tricky)))
    const ours = await stdoutOf(() => runner.group('Run X', async () => runner.info('inside')))
    const theirs = await stdoutOf(() => core.group('Run X', async () => core.info('inside')))
    expect(ours).toBe(theirs)
  })

  test('setFailed sets exit code 1 and prints an error annotation', async () => {
    const before = process.exitCode
    expect(await stdoutOf(() => runner.setFailed('boom', 'T'))).toBe(`::error title=T::boom${EOL}`)
    expect(process.exitCode).toBe(1)
    process.exitCode = before
  })

  test('GITHUB_OUTPUT blocks are the same apart from the random delimiter', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outputs-'))
    const file = path.join(dir, 'output.txt')
    const previous = process.env.GITHUB_OUTPUT
    process.env.GITHUB_OUTPUT = file
    const written = (set: (name: string, value: string) => void) => {
      writeFileSync(file, '')
      set('path', 'line one\nline two')
      return readFileSync(file, 'utf8').replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIM')
    }
    try {
      expect(written(runner.setOutput)).toBe(written(core.setOutput))
      expect(written(runner.setOutput)).toBe(['path<<DELIM', 'line one\nline two', 'DELIM', ''].join(EOL))
    } finally {
      process.env.GITHUB_OUTPUT = previous
    }
  })

  test('inputs are read from INPUT_<NAME> with hyphens kept, and trimmed', () => {
    process.env['INPUT_RUN-ID'] = '  01ABC \n'
    expect(runner.getInput('run-id')).toBe(core.getInput('run-id'))
    expect(runner.getInput('run-id')).toBe('01ABC')
    delete process.env['INPUT_RUN-ID']
  })

  test('the summary is skipped quietly outside a runner', () => {
    const previous = process.env.GITHUB_STEP_SUMMARY
    delete process.env.GITHUB_STEP_SUMMARY
    expect(runner.appendSummary('x')).toBe(false)
    process.env.GITHUB_STEP_SUMMARY = previous
  })
})

test('the User-Agent version is package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  expect(VERSION).toBe(pkg.version)
})
