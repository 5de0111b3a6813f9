/**
 * How a reader names the settings: a step's inputs in a workflow, options on the command line
 * (cli.ts has that one). Every message that names a setting takes one of these.
 */
import type { InputName } from './input-table.js'

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
