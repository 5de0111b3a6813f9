// After every test: remove the workspaces and runner files its steps made, so that a test run
// leaves nothing in the temporary folder (runner files hold signed URLs).
import { removeTempDirs } from '../sandbox/runner.js'

afterEach(() => removeTempDirs())
