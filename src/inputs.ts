/**
 * The step's inputs, parsed into a typed and validated object before any request is made.
 * The same parser serves the action (INPUT_* variables) and the CLI (flags).
 */
import { InputError } from './errors.js'

export const FORMATS = ['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'] as const
export type Format = (typeof FORMATS)[number]

export const AUTH_METHODS = ['bearer', 'header', 'query'] as const
export type AuthMethod = (typeof AUTH_METHODS)[number]

/** `last` is resolved to a concrete slug before anything else is done with it. */
export const LAST = 'last'

export interface Inputs {
  runId: string
  apiKey: string
  format: Format
  filterKeys: string[]
  /** The raw `path` input; see destination.ts for how it becomes a file path. */
  path: string
  overwrite: boolean
  baseUrl: URL
  authMethod: AuthMethod
  maxAttempts: number
  timeoutSeconds: number
  waitTimeoutSeconds: number
  workerId?: string
}

/** Input names, exactly as in action.yml. */
export type InputName =
  | 'run-id'
  | 'api-key'
  | 'format'
  | 'filter-keys'
  | 'path'
  | 'overwrite'
  | 'base-url'
  | 'auth-method'
  | 'max-attempts'
  | 'timeout'
  | 'wait-timeout'
  | 'worker-id'

export const DEFAULTS: Record<InputName, string> = {
  'run-id': '',
  'api-key': '',
  format: 'csv',
  'filter-keys': '',
  path: '',
  overwrite: 'true',
  'base-url': 'https://openapi.coreclaw.com',
  'auth-method': 'bearer',
  'max-attempts': '5',
  timeout: '60',
  'wait-timeout': '600',
  'worker-id': ''
}

/** Run slugs are ULID-like; being strict here also keeps a slug from escaping the folder as a file name. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/

export function isRunSlug(text: string): boolean {
  return RUN_ID.test(text)
}

/** `read` returns the trimmed value of an input, or '' when it was not given. */
export function parseInputs(read: (name: InputName) => string): Inputs {
  const value = (name: InputName): string => read(name).trim() || DEFAULTS[name]

  const apiKey = read('api-key').trim()
  if (!apiKey)
    throw new InputError('api-key', 'is missing', 'your CoreClaw API key, e.g. ${{ secrets.CORECLAW_API_KEY }}')
  if (/[\r\n]/.test(apiKey)) throw new InputError('api-key', 'spans several lines', 'a single-line CoreClaw API key')

  const runId = value('run-id')
  if (!runId) throw new InputError('run-id', 'is missing', "a run slug such as 01KKDXV2G26BT7NH4ZQR2R4NPZ, or 'last'")
  const isLast = runId.toLowerCase() === LAST
  if (!isLast && !isRunSlug(runId)) {
    throw new InputError(
      'run-id',
      `is not a run slug: '${runId}'`,
      "letters, digits, '-' and '_' (e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ), or 'last'"
    )
  }

  const workerId = read('worker-id').trim() || undefined
  if (workerId !== undefined && !WORKER_ID.test(workerId)) {
    throw new InputError(
      'worker-id',
      `is not a worker id: '${workerId}'`,
      'owner/name, e.g. coreclaw/google-maps-scraper'
    )
  }

  return {
    runId: isLast ? LAST : runId,
    apiKey,
    format: oneOf('format', value('format').toLowerCase(), FORMATS),
    filterKeys: parseFilterKeys(read('filter-keys')),
    path: read('path').trim(),
    overwrite: parseBoolean('overwrite', value('overwrite')),
    baseUrl: parseBaseUrl(value('base-url')),
    authMethod: oneOf('auth-method', value('auth-method').toLowerCase(), AUTH_METHODS),
    maxAttempts: parseNumber('max-attempts', value('max-attempts'), { min: 1, max: 100, integer: true }),
    timeoutSeconds: parseNumber('timeout', value('timeout'), { min: 0.1, max: 3600 }),
    waitTimeoutSeconds: parseNumber('wait-timeout', value('wait-timeout'), { min: 0, max: 6 * 3600 }),
    workerId
  }
}

/** Commas and/or newlines; trimmed, empties dropped, duplicates removed, order kept. */
export function parseFilterKeys(raw: string): string[] {
  const keys = raw
    .split(/[,\r\n]/)
    .map(key => key.trim())
    .filter(key => key.length > 0)
  return [...new Set(keys)]
}

function oneOf<T extends string>(name: InputName, raw: string, accepted: readonly T[]): T {
  if ((accepted as readonly string[]).includes(raw)) return raw as T
  throw new InputError(name, `is '${raw}'`, accepted.join(', '))
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
