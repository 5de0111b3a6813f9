/**
 * The GitHub Action: inputs from the runner, the story (export-run.ts), then outputs and the job
 * summary, and on failure the annotation. Everything that speaks the runner's protocol is here,
 * through @actions/core.
 */
import * as core from '@actions/core'
import { cancelOnSignals } from './cancellation.js'
import { quietDependencies } from './environment.js'
import { removeTemporaryFiles } from './download.js'
import { asActionError, sentence } from './errors.js'
import { exportRun } from './export-run.js'
import { namingRun, type KnownRun } from './outcome.js'
import { parseInputs } from './inputs.js'
import { actionLog } from './log.js'
import { asStrings, outputsOf, outputsOfFailure } from './outputs.js'
import { realClock } from './retry.js'
import { forLog, keepSecret } from './server-text.js'
import { renderFailureSummary, renderSummary } from './summary.js'

const FAILURE_TITLE = 'CoreClaw export failed'
const EXIT_BACKSTOP_MS = 5000

/** The GitHub Action. */
export async function run(): Promise<void> {
  quietDependencies()
  const cancellation = cancelOnSignals(removeTemporaryFiles)
  let known: KnownRun | undefined
  try {
    // Masked before anything, a validation error included, could print it.
    const apiKey = core.getInput('api-key')
    if (apiKey) {
      core.setSecret(apiKey)
      keepSecret(apiKey)
    }
    const inputs = parseInputs(name => core.getInput(name))
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const result = await exportRun(inputs, {
      log: actionLog,
      clock: realClock,
      workspace,
      readableRoots: [workspace, process.env.RUNNER_TEMP].filter((root): root is string => Boolean(root)),
      progressEveryMs: 10_000,
      signal: cancellation.signal,
      onRun: run => {
        known = run
        // Written the moment the run is known, so that an `if: failure()` or `if: cancelled()`
        // step can name a run this step started even when the step goes no further.
        core.setOutput('run-id', run.runId)
        core.setOutput('run-started', String(run.startedBy !== undefined))
      }
    })
    for (const [name, value] of asStrings(outputsOf(result))) core.setOutput(name, value)
    await writeSummary(renderSummary(result, workspace))
  } catch (thrown) {
    const error = asActionError(thrown)
    // The run, if it was known, and the failing call's request id; the rest is empty.
    for (const [name, value] of asStrings(outputsOfFailure(known, error.requestId))) {
      if (value !== '') core.setOutput(name, value)
    }
    core.error(`${namingRun(error, known)}${sentence(error.message)} ${error.hint}`, { title: FAILURE_TITLE })
    process.exitCode = 1
    await writeSummary(renderFailureSummary(error, known))
  } finally {
    cancellation.end()
    // The process ends by itself once everything is closed. Node 24 can deadlock inside
    // process.exit() (nodejs/node#54918), so this is only a backstop: unref'd, it fires only if
    // something still holds the event loop seconds later.
    setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref()
  }
}

/** The job summary, where there is one. One that cannot be written is a warning, never a failed export. */
async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    core.warning(
      `The job summary could not be written (${forLog(String(code), 128)}); the outputs and the file are not affected.`,
      {
        title: 'No job summary'
      }
    )
  }
}
