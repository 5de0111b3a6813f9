// Before any test: the bundle the end-to-end suites run must be built from these sources. `npm test`
// builds first when it is stale (pretest); jest started some other way after an edit of src/ fails
// here, loudly, instead of testing yesterday's code. ACTION_ENTRY (another build, on purpose) skips
// the check, and so does `npm run test:unit`, which runs no bundle.
import { existsSync, readFileSync } from 'node:fs'
import { SOURCES_HASH_FILE, sourcesHash } from '../scripts/sources-hash.js'

/** @param {unknown} _globalConfig @param {{ testPathIgnorePatterns?: string[] }} projectConfig */
export default function checkBundleIsCurrent(_globalConfig, projectConfig) {
  if (process.env.ACTION_ENTRY) return
  if (projectConfig?.testPathIgnorePatterns?.includes('e2e')) return
  const built = existsSync(SOURCES_HASH_FILE) ? readFileSync(SOURCES_HASH_FILE, 'utf8').trim() : 'none'
  if (built !== sourcesHash()) {
    throw new Error(
      'dist/ was not built from these sources (src/, stubs/, package.json, package-lock.json or the build scripts changed since): run `npm run build`, or `npm test`, which builds first.'
    )
  }
}
