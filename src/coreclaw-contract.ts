/**
 * CoreClaw's contract, as its API v2 documentation gives it: the export formats, the three ways to
 * send the key, the shape of a run slug, and the app codes (the envelope's `code`) with what a
 * user does about each, in the reader's words. The README's troubleshooting table is held to the
 * codes; the step's inputs (inputs.ts) are held to the formats and auth methods.
 */
import type { Vocabulary } from './log.js'

export const FORMATS = ['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'] as const
export type Format = (typeof FORMATS)[number]

export const AUTH_METHODS = ['bearer', 'header', 'query'] as const
export type AuthMethod = (typeof AUTH_METHODS)[number]

/** Run slugs are ULID-like; being strict here also keeps a slug from escaping the folder as a file name. */
const RUN_SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

export function isRunSlug(text: string): boolean {
  return RUN_SLUG.test(text)
}

const CODE_NAMES: Record<number, string> = {
  10000: 'system error',
  11000: 'invalid argument',
  11004: 'not found',
  12001: 'unauthorized',
  12002: 'invalid token',
  13000: 'rate limited',
  14000: 'database error',
  16000: 'not implemented',
  30001: 'insufficient balance',
  30003: 'plan concurrency limit',
  50001: 'worker not found',
  50002: 'worker run failed',
  50003: 'worker version unavailable',
  60001: 'task not found',
  70001: 'run not found',
  70002: 'run operation failed'
}

/** The app codes CoreClaw documents, for the README's table (a test keeps them in step). */
export const APP_CODES: ReadonlyArray<[number, string]> = Object.entries(CODE_NAMES).map(([code, name]) => [
  Number(code),
  name
])

/** What the error was about, so that the advice can name it. */
export interface Subject {
  runId?: string
  workerId?: string
  taskId?: string
  /** What the call looks for, where the ids don't say it: the latest run *of a worker* is a run. */
  about?: 'run' | 'worker' | 'task'
}

type Advice = (say: Vocabulary, subject: Subject) => string

const runNotFound: Advice = (say, { runId }) =>
  `${runId ? `Run ${runId} was not found` : 'The run was not found'}: check ${say.input('run-id')}, and that the API key belongs to the account that owns the run.`

/**
 * "Not found" (11004, or a 404 without a code of its own) is about what the call asked for: a
 * worker's input schema that is not found is an unknown worker, not an unknown run.
 */
export const notFound: Advice = (say, subject) => {
  const about = subject.about ?? (subject.runId ? 'run' : subject.taskId ? 'task' : subject.workerId ? 'worker' : 'run')
  if (about === 'task') return CODE_ADVICE[60001](say, subject)
  if (about === 'worker') return CODE_ADVICE[50001](say, subject)
  return runNotFound(say, subject)
}

export const CODE_ADVICE: Record<number, Advice> = {
  10000: () => 'CoreClaw had an internal error; run the job again later.',
  11000: say =>
    `CoreClaw rejected an argument: check ${say.input('format')} and ${say.input('filter-keys')} (keys must be field keys of the run's results).`,
  11004: notFound,
  12001: say => `CoreClaw did not accept the credentials: check that ${say.key} holds your key.`,
  12002: say => `The API key is invalid or revoked: create a new key in CoreClaw and update ${say.key}.`,
  13000: say =>
    `CoreClaw is rate limiting this account: raise ${say.input('max-attempts')}, or run fewer exports at once.`,
  14000: () => 'CoreClaw had a database error; run the job again later.',
  16000: say => `This CoreClaw deployment does not implement the call: check ${say.input('base-url')}.`,
  30001: () => 'The CoreClaw account balance is too low: top it up, then re-run.',
  30003: say =>
    `The plan's concurrency limit is reached: raise ${say.input('wait-timeout')} to wait longer for a free slot, wait for other runs, or upgrade the plan.`,
  50001: (say, { workerId }) =>
    `${workerId ? `Worker ${workerId} was not found` : 'The worker was not found'}: check ${say.input('worker-id')} (owner/name).`,
  50002: () => 'The worker run failed in CoreClaw: look at the run in the CoreClaw console.',
  50003: () => 'The worker version is unavailable: check the worker in the CoreClaw console.',
  60001: (say, { taskId }) =>
    `${taskId ? `Task ${taskId} was not found` : 'The task was not found'}: check ${say.input('task-id')} against the tasks in the CoreClaw console.`,
  70001: runNotFound,
  70002: () => 'CoreClaw could not perform the operation on this run: check its status in the CoreClaw console.'
}

export function codeName(code: number): string | undefined {
  return CODE_NAMES[code]
}
