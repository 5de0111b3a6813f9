// A failing assertion must show its own line: ts-jest maps the compiled test back to the source
// only with source maps, and without them every frame points a few lines off.
import * as path from 'node:path'
import { baseEnv, ROOT, spawnCollect } from '../sandbox/runner.js'

test('a failing assertion is shown at its own line', async () => {
  const result = await spawnCollect(
    process.execPath,
    [
      '--experimental-vm-modules',
      path.join(ROOT, 'node_modules/jest/bin/jest.js'),
      '--testMatch',
      '**/__tests__/fixtures/fails-on-line-12.fixture.ts',
      '--setupFilesAfterEnv',
      '<rootDir>/__tests__/setup.ts',
      // Runs no bundle: a dist/ built from other sources (an edit before `npm run test:unit`) is no matter here.
      '--testPathIgnorePatterns',
      'e2e',
      '--no-cache'
    ],
    { cwd: ROOT, env: { ...baseEnv(), FORCE_COLOR: '0' } }
  )
  expect(result.code).toBe(1)
  expect(result.stderr).toMatch(/^ {4}> 12 \| +expect\(shape\.format\)\.toBe\('json'\)$/m)
  expect(result.stderr).toContain('fails-on-line-12.fixture.ts:12:')
}, 60_000)
