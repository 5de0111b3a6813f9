/**
 * Where progress and warnings go: the Actions log through @actions/core, or stderr for the CLI.
 * Messages that hold server text must already have passed through `forLog` (server-text.ts), and
 * a message that names a setting names it in the reader's words (`say`, a `Vocabulary`): a step's
 * input in a workflow, an option on the command line (cli.ts has that one).
 */
import * as core from '@actions/core'
import type { InputName } from './input-table.js'

export interface Log {
  info(message: string): void
  warning(message: string, title?: string): void
  /** Something worth seeing that is not a problem with the step. */
  notice(message: string, title?: string): void
  /** Shown only when the workflow runs with debug logging (ACTIONS_STEP_DEBUG). */
  debug(message: string): void
  group<T>(title: string, work: () => Promise<T>): Promise<T>
  /** How this log's reader names a setting. */
  say: Vocabulary
}

/** How the reader names a setting and the key: step inputs, or CLI options. */
export interface Vocabulary {
  /** The setting itself: `'run-id'` in a workflow, `--run-id` on the command line. */
  input(name: InputName): string
  /** Giving it a value: `'overwrite: true'`, or `--overwrite true`. */
  set(name: InputName, value: string): string
  /** Where the API key comes from. */
  key: string
}

export const STEP_INPUTS: Vocabulary = {
  input: name => `'${name}'`,
  set: (name, value) => `'${name}: ${value}'`,
  key: "the secret passed as 'api-key' (e.g. secrets.CORECLAW_API_KEY)"
}

export const actionLog: Log = {
  info: message => core.info(message),
  warning: (message, title) => core.warning(message, title ? { title } : {}),
  notice: (message, title) => core.notice(message, title ? { title } : {}),
  debug: message => core.debug(message),
  group: (title, work) => core.group(title, work),
  say: STEP_INPUTS
}
