// The finished file takes the destination's place on every file system runners have: Windows
// renames retried while another program holds the destination, and `overwrite: false` without
// hard links. Each file operation is stubbed to fail with the codes those systems give.
import { DestinationExistsError, DestinationHeldError } from '../src/download-errors.js'
import { HELD_RETRY_MS, replaceFile, type FileOps } from '../src/replace-file.js'
import { fakeClock } from './fakes.js'

const failure = (code: string) => Object.assign(new Error(code), { code })

/** File operations that fail with the given codes, one per call, then succeed; every call is recorded. */
function ops(failures: Partial<Record<keyof FileOps, string[]>> = {}) {
  const calls: string[] = []
  const op =
    (name: keyof FileOps) =>
    async (...args: string[]) => {
      calls.push(`${name} ${args.join(' ')}`)
      const code = failures[name]?.shift()
      if (code) throw failure(code)
    }
  const fileOps: FileOps = {
    rename: op('rename'),
    link: op('link'),
    unlink: op('unlink'),
    createExclusive: op('createExclusive')
  }
  return { fileOps, calls }
}

describe('overwrite: true on Windows: a destination another program holds', () => {
  test.each(['EPERM', 'EACCES', 'EBUSY'])('%s twice, then free: retried with back-off, and replaced', async code => {
    const { fileOps, calls } = ops({ rename: [code, code] })
    const clock = fakeClock()
    await replaceFile('t', 'd', { overwrite: true, platform: 'win32', ops: fileOps, clock })
    expect(calls).toEqual(['rename t d', 'rename t d', 'rename t d'])
    expect(clock.sleeps).toEqual([100, 200])
  })

  test('held for good: about 10 s of retries, then an error that says what holds it', async () => {
    const { fileOps, calls } = ops({ rename: Array(100).fill('EBUSY') })
    const clock = fakeClock()
    const error = await replaceFile('t', 'C:\\out\\data.csv', {
      overwrite: true,
      platform: 'win32',
      ops: fileOps,
      clock
    }).catch(e => e)
    expect(error).toBeInstanceOf(DestinationHeldError)
    expect(error.message).toBe(
      'Windows would not replace C:\\out\\data.csv (EBUSY): another program has it open, or it is read-only'
    )
    expect(error.hint).toMatch(/Close what holds it/)
    expect(clock.now()).toBeLessThanOrEqual(HELD_RETRY_MS)
    expect(clock.now()).toBeGreaterThan(HELD_RETRY_MS / 2)
    expect(calls.length).toBeGreaterThan(5)
  })

  test('a cancelled step stops retrying at once', async () => {
    const { fileOps, calls } = ops({ rename: Array(100).fill('EPERM') })
    const controller = new AbortController()
    controller.abort()
    const error = await replaceFile('t', 'd', {
      overwrite: true,
      platform: 'win32',
      ops: fileOps,
      clock: fakeClock(),
      signal: controller.signal
    }).catch(e => e)
    expect(error).toBeInstanceOf(DestinationHeldError)
    expect(calls).toHaveLength(1)
  })

  test.each(['ENOSPC', 'EXDEV'])('%s is not a held file: not retried', async code => {
    const { fileOps, calls } = ops({ rename: [code] })
    const error = await replaceFile('t', 'd', {
      overwrite: true,
      platform: 'win32',
      ops: fileOps,
      clock: fakeClock()
    }).catch(e => e)
    expect(error.code).toBe(code)
    expect(calls).toHaveLength(1)
  })

  test('on Linux and macOS a rename is never retried: EPERM there is a real refusal', async () => {
    const { fileOps, calls } = ops({ rename: ['EPERM'] })
    const error = await replaceFile('t', 'd', {
      overwrite: true,
      platform: 'linux',
      ops: fileOps,
      clock: fakeClock()
    }).catch(e => e)
    expect(error.code).toBe('EPERM')
    expect(calls).toHaveLength(1)
  })
})

describe('overwrite: false', () => {
  test('a hard link: the destination appears only if nothing is there, then the temporary name goes', async () => {
    const { fileOps, calls } = ops()
    expect(await replaceFile('t', 'd', { overwrite: false, ops: fileOps })).toEqual([])
    expect(calls).toEqual(['link t d', 'unlink t'])
  })

  test('EEXIST from link: "already exists", whoever made it', async () => {
    const { fileOps } = ops({ link: ['EEXIST'] })
    await expect(replaceFile('t', 'd', { overwrite: false, ops: fileOps })).rejects.toBeInstanceOf(
      DestinationExistsError
    )
  })

  test.each([
    ['EISDIR', 'exFAT and FAT'],
    ['ENOTSUP', 'SMB, NFS or FUSE'],
    ['EPERM', 'old ReFS or a share']
  ])('no hard links (%s, as %s give): an exclusive placeholder, then a rename over it', async code => {
    const { fileOps, calls } = ops({ link: [code] })
    expect(await replaceFile('t', 'd', { overwrite: false, ops: fileOps, platform: 'linux' })).toEqual([])
    expect(calls).toEqual(['link t d', 'createExclusive d', 'rename t d'])
  })

  test('the fallback still never replaces a file that appeared meanwhile', async () => {
    const { fileOps, calls } = ops({ link: ['EISDIR'], createExclusive: ['EEXIST'] })
    await expect(replaceFile('t', 'd', { overwrite: false, ops: fileOps })).rejects.toBeInstanceOf(
      DestinationExistsError
    )
    expect(calls).toEqual(['link t d', 'createExclusive d'])
  })

  test('a rename that fails after the placeholder was made removes the placeholder, ours alone', async () => {
    const { fileOps, calls } = ops({ link: ['ENOTSUP'], rename: ['ENOSPC'] })
    const error = await replaceFile('t', 'd', { overwrite: false, ops: fileOps, platform: 'linux' }).catch(e => e)
    expect(error.code).toBe('ENOSPC')
    expect(calls).toEqual(['link t d', 'createExclusive d', 'rename t d', 'unlink d'])
  })

  test('once linked, the export is done: a temporary file that will not go is a warning', async () => {
    const { fileOps } = ops({ unlink: ['EBUSY'] })
    const warnings = await replaceFile('/w/.d.csv.1234.part', '/w/d.csv', { overwrite: false, ops: fileOps })
    expect(warnings).toEqual([
      'The file is in place, but its temporary copy /w/.d.csv.1234.part could not be removed (EBUSY); delete it by hand.'
    ])
  })
})
