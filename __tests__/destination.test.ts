import * as path from 'node:path'
import { resolveDestination } from '../src/destination.js'

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
})
