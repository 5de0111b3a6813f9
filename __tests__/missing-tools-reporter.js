// The last lines of a test run: one per tool from outside npm that is missing here, saying which
// tests were skipped for it and how to install it (scripts/tools.js). Nothing when every tool is
// there, or when .ci/run requires them (REQUIRE_TOOLS=1: the tests then ran, and failed).
import { findTool, missingToolLine, toolsRequired } from '../scripts/tools.js'

/** The tools the jest suites use; Wine has a test script of its own. */
const JEST_TOOLS = /** @type {const} */ (['cmark-gfm', 'squid'])

export default class MissingToolsReporter {
  /** @param {unknown} _contexts @param {{ numPendingTests: number }} results */
  onRunComplete(_contexts, results) {
    if (toolsRequired() || results.numPendingTests === 0) return
    for (const tool of JEST_TOOLS) if (!findTool(tool)) console.log(missingToolLine(tool))
  }
}
