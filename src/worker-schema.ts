/**
 * Checks the worker's input against the worker's own JSON Schema before a billed run starts.
 *
 * Which part of the input the schema describes is not documented. CoreClaw's docs put form fields
 * "under input.parameters.custom", their schema example describes form fields (`keyword`), and
 * CoreClaw's MCP server sends its schema-shaped `input_json` as `input.parameters.custom`. So a
 * schema that has no `parameters` property describes `input.parameters.custom`; one that has it
 * describes the whole `input`.
 *
 * The schema is server data, so the check is bounded: a schema over MAX_SCHEMA_BYTES is not
 * checked, nor is one nested deeper than MAX_SCHEMA_DEPTH, and ajv runs in a worker thread (schema-worker.ts, a bundle of its own, so an export
 * that starts nothing never loads it) that is terminated at CHECK_DEADLINE_MS or when the step is
 * cancelled. A schema that can't be read, used or checked in time is a notice, and the run starts
 * unchecked: the check saves money, it is not a gate CoreClaw asked for. A dry run is that gate,
 * though: there an input that could not be checked fails the step (start.ts). A worker CoreClaw says
 * does not exist (50001, or a 404 envelope) ends the step here, before any start.
 */
import { inThread } from './threads.js'
import type { CoreClawClient } from './coreclaw.js'
import { CoreClawError } from './coreclaw-errors.js'
import { CancelledError } from './errors.js'
import { InputSchemaError, type Violation } from './run-errors.js'
import type { Log } from './log.js'
import type { WorkerInput, WorkerInputSource } from './worker-input.js'
import type { SchemaJob, SchemaVerdict } from './schema-worker.js'
import { forLog } from './server-text.js'

/** A form's schema is a few KiB; one this large is not worth the wait it could cost. */
export const MAX_SCHEMA_BYTES = 256 * 1024
/**
 * A form's schema nests a few levels; one nested deeper is hostile. Measured without recursion
 * before anything recursive (JSON.stringify, the copy into the thread, ajv) touches it: 3,500
 * nested arrays, 7 KB, overflow the stack of the step's own thread.
 */
export const MAX_SCHEMA_DEPTH = 64
/** ajv compiles and checks a form's schema in milliseconds; a schema that takes this long is hostile. */
export const CHECK_DEADLINE_MS = 5000

export interface SchemaCheck {
  workerId: string
  input: WorkerInput
  /** Where the input came from, for the error that names the input to fix. */
  source: WorkerInputSource
  log: Log
  signal?: AbortSignal
}

/** Whether the input was checked; when not, why not, in words that follow "it was not checked: ". */
export type SchemaOutcome = { checked: true } | { checked: false; why: string; requestId?: string }

/**
 * Checks the input against the worker's schema. Throws on violations or an unknown worker; returns
 * why the input could not be checked otherwise, for the caller to decide: a start goes on
 * unchecked with a notice (`uncheckedNotice`), a dry run fails.
 */
export async function checkInputSchema(
  client: CoreClawClient,
  { workerId, input, source, log, signal }: SchemaCheck
): Promise<SchemaOutcome> {
  const skip = (why: string, requestId?: string): SchemaOutcome => ({
    checked: false,
    why: forLog(why, 512),
    requestId
  })
  log.info(`Checking the input against worker ${workerId}'s input schema.`)
  let schema: Record<string, unknown> | undefined
  try {
    schema = (await client.getInputSchema(workerId)).data
  } catch (error) {
    if (isUnknownWorker(error)) throw error
    if (error instanceof CancelledError) throw error
    return skip(`reading it failed (${(error as Error).message})`, (error as { requestId?: string }).requestId)
  }
  if (!schema) return skip('CoreClaw sent no schema object')
  if (nestedDeeperThan(schema, MAX_SCHEMA_DEPTH)) return skip(`it is nested more than ${MAX_SCHEMA_DEPTH} levels deep`)
  const schemaText = JSON.stringify(schema)
  const size = Buffer.byteLength(schemaText)
  if (size > MAX_SCHEMA_BYTES) return skip(`it is ${size} bytes, more than the ${MAX_SCHEMA_BYTES} checked`)

  const whole = isObject(schema.properties) && 'parameters' in schema.properties
  const verdict = await inWorkerThread({ schemaText, value: whole ? input : custom(input) }, signal)
  if (verdict.kind === 'unusable') return skip(verdict.why)
  if (verdict.violations.length === 0) {
    log.info(`The input matches worker ${workerId}'s input schema${whole ? '' : ' (input.parameters.custom)'}.`)
    return { checked: true }
  }
  const prefix = whole ? '' : '/parameters/custom'
  throw new InputSchemaError(
    'text' in source ? 'input' : 'input-file',
    workerId,
    verdict.violations.map((v: Violation) => ({ ...v, path: `${prefix}${v.path}` }))
  )
}

/** A start goes on without the check: the notice that says so. */
export function uncheckedNotice(workerId: string, why: string, log: Log): void {
  log.notice(
    `The input was not checked against worker ${workerId}'s input schema: ${why}. The run starts unchecked.`,
    'Input not checked'
  )
}

/** Whether objects and arrays nest deeper than `limit`, found with a stack of our own, not recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]]
  while (pending.length > 0) {
    const [item, depth] = pending.pop() as [unknown, number]
    if (item === null || typeof item !== 'object') continue
    if (depth > limit) return true
    for (const child of Object.values(item)) pending.push([child, depth + 1])
  }
  return false
}

/** CoreClaw's own word that the worker does not exist: starting it would fail the same way. */
function isUnknownWorker(error: unknown): boolean {
  return error instanceof CoreClawError && (error.appCode === 50001 || (error.status === 404 && !error.notEnvelope))
}

async function inWorkerThread(job: SchemaJob, signal?: AbortSignal): Promise<SchemaVerdict> {
  // The schema travels as text: a structured clone of an object is recursive too. A deep schema
  // overflows the thread's stack, or fills its heap, and not the step's.
  const outcome = await inThread<SchemaVerdict>('schema-worker', job, {
    resourceLimits: { maxOldGenerationSizeMb: 128, stackSizeMb: 4 },
    deadlineMs: CHECK_DEADLINE_MS,
    signal
  })
  return outcome.kind === 'answer' ? outcome.answer : { kind: 'unusable', why: `checking ${outcome.why}` }
}

/** `input.parameters.custom`, or an empty object where the input has none (its required fields are then reported). */
function custom(input: WorkerInput): unknown {
  const parameters = input.parameters
  return isObject(parameters) && 'custom' in parameters ? parameters.custom : {}
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
