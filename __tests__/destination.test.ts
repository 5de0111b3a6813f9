import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { checkFolder, fileFor, planDestination, refuseUnusableNames, resolveDestination } from '../src/destination.js'
import { FileSystemError } from '../src/download-errors.js'
import { InputError } from '../src/errors.js'

const noDirs = () => false

describe('destination on POSIX', () => {
  const at = (p: string, dirs: (p: string) => boolean = noDirs) =>
    resolveDestination({ path: p, runId: 'RUN1', format: 'csv', workspace: '/ws' }, dirs, path.posix)

  test('empty: <workspace>/<run-id>.<format>', () => expect(at('')).toBe('/ws/RUN1.csv'))
  test('a relative file path is inside the workspace', () => expect(at('out/data.csv')).toBe('/ws/out/data.csv'))
  test('an absolute file path is kept', () => expect(at('/tmp/x.csv')).toBe('/tmp/x.csv'))
  test('a trailing / means a folder', () => expect(at('out/')).toBe('/ws/out/RUN1.csv'))
  test('a trailing \\ means a folder too', () => expect(at('out\\')).toBe('/ws/out/RUN1.csv'))
  test('an existing folder gets the default name inside', () =>
    expect(at('reports', p => p === '/ws/reports')).toBe('/ws/reports/RUN1.csv'))
  test('"/" alone is the root folder', () => expect(at('/')).toBe('/RUN1.csv'))
})

describe('destination on Windows', () => {
  const at = (p: string, dirs: (p: string) => boolean = noDirs) =>
    resolveDestination({ path: p, runId: 'RUN1', format: 'xlsx', workspace: 'D:\\a\\repo\\repo' }, dirs, path.win32)

  test('empty', () => expect(at('')).toBe('D:\\a\\repo\\repo\\RUN1.xlsx'))
  test('a relative path with backslashes', () => expect(at('out\\data.xlsx')).toBe('D:\\a\\repo\\repo\\out\\data.xlsx'))
  test('a relative path with forward slashes', () =>
    expect(at('out/data.xlsx')).toBe('D:\\a\\repo\\repo\\out\\data.xlsx'))
  test('a drive-letter path is kept', () => expect(at('C:\\exports\\x.xlsx')).toBe('C:\\exports\\x.xlsx'))
  test('a trailing \\ means a folder', () => expect(at('C:\\exports\\')).toBe('C:\\exports\\RUN1.xlsx'))
  test('a trailing / means a folder', () => expect(at('exports/')).toBe('D:\\a\\repo\\repo\\exports\\RUN1.xlsx'))
  test('an existing folder', () => expect(at('C:\\out', p => p === 'C:\\out')).toBe('C:\\out\\RUN1.xlsx'))
  test('a drive root stays the root, not the drive-relative "C:"', () => expect(at('C:\\')).toBe('C:\\RUN1.xlsx'))
  test('a drive root with a slash', () => expect(at('E:/')).toBe('E:\\RUN1.xlsx'))
  test('a share root stays the root', () => expect(at('\\\\server\\share\\')).toBe('\\\\server\\share\\RUN1.xlsx'))
  test('"/" is the root of the workspace\'s drive', () => expect(at('/')).toBe('D:\\RUN1.xlsx'))
})

describe('names a file can have', () => {
  const refused = (raw: string, platform: NodeJS.Platform) => {
    try {
      refuseUnusableNames(raw, platform)
      return undefined
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return `${(error as InputError).message}. ${(error as InputError).hint}`
    }
  }

  test.each([
    'nul.csv',
    'CON.csv',
    'out/aux',
    'com1.json',
    'LPT9',
    'exports\\prn.xlsx',
    'data.',
    'data ',
    'folder./x.csv'
  ])('Windows: %s is refused, naming the part', raw => {
    expect(refused(raw, 'win32')).toMatch(
      /^Input 'path' has a name Windows can't open: '.+'\. Set 'path' to names other than CON/
    )
  })

  test.each(['null.csv', 'console.csv', 'C:\\exports\\x.csv', '../out/x.csv', './x.csv', 'com10.csv', ''])(
    'Windows: %s is fine',
    raw => expect(refused(raw, 'win32')).toBeUndefined()
  )

  test('elsewhere those names are ordinary', () => {
    expect(refused('nul.csv', 'linux')).toBeUndefined()
    expect(refused('data.', 'darwin')).toBeUndefined()
  })

  test.each(['out\n::warning::x.csv', 'a\tb.csv', 'x\u0000.csv'])(
    'a control character is refused everywhere: %j',
    raw => {
      expect(refused(raw, 'linux')).toMatch(/holds a control character/)
      expect(refused(raw, 'win32')).toMatch(/holds a control character/)
    }
  )
})

describe('the folder is checked before anything starts', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'coreclaw-folder-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('an existing folder, or missing folders under one: fine, and nothing is made yet', () => {
    expect(() => checkFolder(dir)).not.toThrow()
    expect(() => checkFolder(path.join(dir, 'a', 'b', 'c'))).not.toThrow()
  })

  test('a file where a folder should be: a file-system error naming it', () => {
    writeFileSync(path.join(dir, 'taken'), '')
    expect(() => checkFolder(path.join(dir, 'taken', 'sub'))).toThrow(FileSystemError)
    expect(() => checkFolder(path.join(dir, 'taken', 'sub'))).toThrow(
      `could not write ${path.join(dir, 'taken')}: ENOTDIR`
    )
  })
})

describe('the plan says whether the file depends on the run', () => {
  const none = () => false
  test.each([
    ['', undefined],
    ['exports/', undefined],
    ['latest.csv', '/ws/latest.csv']
  ])('path %j: the file is %j before the run is known', (raw, file) => {
    const plan = planDestination({ path: raw, workspace: '/ws' }, none, path.posix)
    expect(plan.file).toBe(file)
    expect(fileFor(plan, 'RUN', 'csv', path.posix)).toBe(file ?? path.posix.join(plan.folder, 'RUN.csv'))
  })
})
