// ESM all the way: the sources and tests are ES modules, like the toolkit they talk to.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' (NodeNext style); jest finds the .ts behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/__tests__/tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // Fails the run when dist/ was built from other sources (npm test builds first).
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  // Not the system's temporary folder: a test run leaves nothing there.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testTimeout: 60_000,
  // The end-to-end suites mostly wait on real servers and timers: two at once use the 2 cores without crowding them.
  maxWorkers: 2,
  // A test that needs a tool from outside npm skips where it is missing; the run ends saying so.
  reporters: ['default', '<rootDir>/__tests__/missing-tools-reporter.js']
}
