/**
 * The step's inputs, parsed into a typed and validated object before any request is made.
 * The same parser serves the action (INPUT_* variables) and the CLI (flags).
 */
import { refuseUnusableNames } from './destination.js'
import { InputError } from './errors.js'
import { AUTH_METHODS, FORMATS, isRunSlug, type AuthMethod, type Format } from './coreclaw-contract.js'
import { IF_EMPTY, type IfEmpty } from './file-checks.js'
import { INPUT_NAMES, INPUT_TABLE, type InputName } from './input-table.js'
import { LAST, LAST_SUCCEEDED } from './which-run.js'
import type { CompareWith } from './compare.js'
import type { WorkerInputSource } from './worker-input.js'

/** `new` starts a run: a billed action the user asks for in so many words. */
export const NEW = 'new'

export interface Inputs {
  runId: string
  apiKey: string
  format: Format
  filterKeys: string[]
  /** The raw `path` input; see destination.ts for how it becomes a file path. */
  path: string
  overwrite: boolean
  /** What an empty export (0 results, 0 rows or 0 bytes) does: a warning, a failed step, or nothing. */
  ifEmpty: IfEmpty
  /** What the export is compared with: the file it replaces, an earlier export's path, or nothing. */
  compareWith: CompareWith
  /** The fields that identify a row, for the comparison; none compares whole rows. */
  keyFields: string[]
  baseUrl: URL
  authMethod: AuthMethod
  maxAttempts: number
  timeoutSeconds: number
  waitTimeoutSeconds: number
  /** owner/name or a worker slug: with `last`, whose latest run; with `new`, which worker to start. */
  workerId?: string
  /** With `new`: a saved task to start instead of a worker. */
  taskId?: string
  /** With `new` and `worker-id`: the worker version to start; omitted from the request when not set. */
  workerVersion?: string
  /** With `new` and `worker-id`: the worker's input, as given (see worker-input.ts). */
  input?: WorkerInputSource
  /** Abort a run this step started when the step ends before the run finished. */
  abortOnStop: boolean
  /** Print the run's own log while waiting for it. */
  showLog: boolean
  /** With `new`: check what would be started, start nothing. */
  dryRun: boolean
}

export type { InputName } from './input-table.js'

/** Each input's default, as action.yml gives it (input-table.ts is the one source). */
export const DEFAULTS = Object.fromEntries(INPUT_NAMES.map(name => [name, INPUT_TABLE[name].default])) as Record<
  InputName,
  string
>

/** owner/name, or a worker's slug. */
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/
/** A task slug has a run slug's shape. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/
const RUN_ID_ACCEPTED =
  "a run slug (letters, digits, '-' and '_', e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ), 'last', 'last-succeeded', or 'new' to start a run"

/** Whether `run-id` names a run by its slug, rather than by one of the words `last`, `last-succeeded` or `new`. */
export function isGivenSlug(runId: string): boolean {
  return runId !== LAST && runId !== LAST_SUCCEEDED && runId !== NEW
}

/** `read` returns the trimmed value of an input, or '' when it was not given. */
export function parseInputs(read: (name: InputName) => string): Inputs {
  const value = (name: InputName): string => read(name).trim() || DEFAULTS[name]

  // What to export first: a usage mistake is told before a missing secret.
  const runId = value('run-id')
  if (!runId) throw new InputError('run-id', 'is missing', RUN_ID_ACCEPTED)
  const special = [LAST, LAST_SUCCEEDED, NEW].find(word => word === runId.toLowerCase())
  if (!special && !isRunSlug(runId)) {
    throw new InputError('run-id', `is not a run slug: '${runId}'`, RUN_ID_ACCEPTED)
  }

  const apiKey = read('api-key').trim()
  if (!apiKey) {
    throw new InputError(
      'api-key',
      "is empty. Usually the secret is not set in this repository or its environment, or GitHub does not pass secrets to this workflow: it doesn't for pull requests from forks, and Dependabot's pull requests get only Dependabot secrets",
      'your CoreClaw API key, e.g. ${{ secrets.CORECLAW_API_KEY }}, with that secret set under Settings → Secrets and variables → Actions'
    )
  }
  if (/[\r\n]/.test(apiKey)) throw new InputError('api-key', 'spans several lines', 'a single-line CoreClaw API key')

  const workerId = optional(
    read,
    'worker-id',
    WORKER_ID,
    'owner/name (e.g. coreclaw/google-maps-scraper) or a worker slug'
  )
  const taskId = optional(read, 'task-id', TASK_ID, "a task slug from CoreClaw's console or GET /api/v2/worker-tasks")
  const workerVersion = optional(read, 'worker-version', VERSION, 'a version of the worker, e.g. 1.2.0')
  const input = runInput(read)
  if (special === NEW) checkStart({ workerId, taskId, workerVersion, input })
  else {
    // Everything that only makes sense for a run this step starts is refused elsewhere, so a
    // workflow never believes it configured a run that nothing starts.
    const onlyForNew = (['task-id', 'worker-version', 'input', 'input-file'] as const).find(name => read(name).trim())
    if (!onlyForNew && parseBoolean('dry-run', value('dry-run'))) {
      const todo = "Set 'run-id: new', or remove 'dry-run'"
      throw new InputError('dry-run', "is only used with 'run-id: new'", todo, todo)
    }
    if (onlyForNew) {
      const todo = `Set 'run-id: new' to start a run, or remove '${onlyForNew}'`
      throw new InputError(onlyForNew, "is only used with 'run-id: new'", todo, todo)
    }
  }

  return {
    runId: special ?? runId,
    apiKey,
    format: oneOf('format', value('format').toLowerCase(), FORMATS),
    filterKeys: parseFieldNames(read('filter-keys')),
    path: usablePath(read('path').trim()),
    overwrite: parseBoolean('overwrite', value('overwrite')),
    ifEmpty: oneOf('if-empty', value('if-empty').toLowerCase(), IF_EMPTY),
    compareWith: parseCompareWith(value('compare-with')),
    keyFields: parseFieldNames(read('key-fields')),
    baseUrl: parseBaseUrl(value('base-url')),
    authMethod: oneOf('auth-method', value('auth-method').toLowerCase(), AUTH_METHODS),
    maxAttempts: parseNumber('max-attempts', value('max-attempts'), { min: 1, max: 100, integer: true }),
    timeoutSeconds: parseNumber('timeout', value('timeout'), { min: 0.1, max: 3600 }),
    waitTimeoutSeconds: parseNumber('wait-timeout', value('wait-timeout'), { min: 0, max: 6 * 3600 }),
    workerId,
    taskId,
    workerVersion,
    input,
    abortOnStop: parseBoolean('abort-on-stop', value('abort-on-stop')),
    showLog: parseBoolean('show-log', value('show-log')),
    dryRun: parseBoolean('dry-run', value('dry-run'))
  }
}

function usablePath(raw: string): string {
  refuseUnusableNames(raw)
  return raw
}

function optional(
  read: (name: InputName) => string,
  name: InputName,
  shape: RegExp,
  accepted: string
): string | undefined {
  const given = read(name).trim()
  if (!given) return undefined
  if (!shape.test(given)) throw new InputError(name, `is not valid: '${given}'`, accepted)
  return given
}

/** The worker's input as given: JSON text, or a file; whether it is valid is worker-input.ts's question. */
function runInput(read: (name: InputName) => string): Inputs['input'] {
  const text = read('input').trim()
  const file = read('input-file').trim()
  if (text && file) {
    const todo = "Give one of them: 'input' for JSON text, or 'input-file' for a JSON file"
    throw new InputError('input', "is given together with 'input-file'", todo, todo)
  }
  if (text) return { text }
  if (file) return { file }
  return undefined
}

/** What `run-id: new` needs: exactly one of a worker and a task, and input only for a worker. */
function checkStart(given: Pick<Inputs, 'workerId' | 'taskId' | 'workerVersion' | 'input'>): void {
  const { workerId, taskId, workerVersion, input } = given
  if (!workerId === !taskId) {
    throw new InputError(
      workerId ? 'task-id' : 'worker-id',
      workerId ? "is given together with 'worker-id'" : "is missing for 'run-id: new'",
      "exactly one of 'worker-id' (a worker to start with 'input') and 'task-id' (a saved task, which carries its own input)",
      "Give exactly one of 'worker-id' (a worker to start with 'input') and 'task-id' (a saved task, which carries its own input)"
    )
  }
  if (taskId && input) {
    const name = 'text' in input ? 'input' : 'input-file'
    throw new InputError(
      name,
      "is given together with 'task-id'",
      "no input with a task: it runs with the input saved in CoreClaw; use 'worker-id' to give your own",
      `Remove '${name}': a task runs with the input saved in CoreClaw; use 'worker-id' to give your own`
    )
  }
  if (taskId && workerVersion) {
    throw new InputError(
      'worker-version',
      "is given together with 'task-id'",
      "a version only with 'worker-id'",
      "Remove 'worker-version': a version goes only with 'worker-id'"
    )
  }
}

/** `previous` and `none` in any case; anything else is a path (read and checked before any request). */
function parseCompareWith(raw: string): CompareWith {
  const word = raw.toLowerCase()
  if (word === 'previous' || word === 'none') return word
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw new InputError(
      'compare-with',
      'holds a control character (a line break, a tab, …)',
      "'previous', 'none', or a file path on one line"
    )
  }
  return { file: raw }
}

/** Field names (filter-keys, key-fields): commas and/or newlines; trimmed, empties dropped, duplicates removed, order kept. */
export function parseFieldNames(raw: string): string[] {
  const keys = raw
    .split(/[,\r\n]/)
    .map(key => key.trim())
    .filter(key => key.length > 0)
  return [...new Set(keys)]
}

function oneOf<T extends string>(name: InputName, raw: string, accepted: readonly T[]): T {
  if ((accepted as readonly string[]).includes(raw)) return raw as T
  throw new InputError(name, `is '${raw}'`, `one of ${accepted.join(', ')}`)
}

/** YAML 1.2 core booleans, as the runner and @actions/core accept them. */
function parseBoolean(name: InputName, raw: string): boolean {
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(name, `is '${raw}'`, 'true or false')
}

function parseNumber(name: InputName, raw: string, rule: { min: number; max: number; integer?: boolean }): number {
  const number = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN
  const ok = number >= rule.min && number <= rule.max && (!rule.integer || Number.isInteger(number))
  if (ok) return number
  const kind = rule.integer ? 'a whole number' : 'a number of seconds'
  throw new InputError(name, `is '${raw}'`, `${kind} from ${rule.min} to ${rule.max}`)
}

function parseBaseUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError('base-url', `is not a URL: '${raw}'`, 'an http(s) URL such as https://openapi.coreclaw.com')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('base-url', `uses ${url.protocol}`, 'an http(s) URL such as https://openapi.coreclaw.com')
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InputError(
      'base-url',
      'has a query, fragment or credentials',
      'an http(s) URL such as https://openapi.coreclaw.com'
    )
  }
  // Accept "https://host/", "https://host/prefix" and "https://host/api/v2" alike.
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/, '')
  return url
}
