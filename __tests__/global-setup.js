// Before any test: the bundle the end-to-end suites run must be built from these sources. `npm test`
// builds first (pretest); jest started some other way after an edit of src/ fails here, loudly,
// instead of testing yesterday's code. ACTION_ENTRY (another build, on purpose) skips the check.
import { existsSync, readFileSync } from 'node:fs'
import { SOURCES_HASH_FILE, sourcesHash } from '../scripts/sources-hash.js'

export default function checkBundleIsCurrent() {
  if (process.env.ACTION_ENTRY) return
  const built = existsSync(SOURCES_HASH_FILE) ? readFileSync(SOURCES_HASH_FILE, 'utf8').trim() : 'none'
  if (built !== sourcesHash()) {
    throw new Error(
      'dist/ was not built from these sources (src/, stubs/, package.json or package-lock.json changed since): run `npm run build`, or `npm test`, which builds first.'
    )
  }
}
