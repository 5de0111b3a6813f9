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
 * checked, and ajv runs in a worker thread (schema-worker.ts, a bundle of its own, so an export
 * that starts nothing never loads it) that is terminated at CHECK_DEADLINE_MS or when the step is
 * cancelled. A schema that can't be read, used or checked in time is a notice, and the run starts
 * unchecked: the check saves money, it is not a gate CoreClaw asked for. A worker CoreClaw says
 * does not exist (50001, or a 404 envelope) ends the step here, before any start.
 */
import { Worker } from 'node:worker_threads'
import type { CoreClawClient } from './coreclaw.js'
import { CoreClawError, InputSchemaError, type Violation } from './errors.js'
import type { Log } from './log.js'
import type { WorkerInput } from './run-input.js'
import type { SchemaVerdict } from './schema-worker.js'
import { forLog } from './server-text.js'

/** A form's schema is a few KiB; one this large is not worth the wait it could cost. */
export const MAX_SCHEMA_BYTES = 256 * 1024
/** ajv compiles and checks a form's schema in milliseconds; a schema that takes this long is hostile. */
export const CHECK_DEADLINE_MS = 5000

export interface SchemaCheck {
  workerId: string
  input: WorkerInput
  inputName: 'input' | 'input-file'
  log: Log
  signal?: AbortSignal
}

/** Returns whether the input was checked (a notice says why not); throws on violations or an unknown worker. */
export async function checkInputSchema(
  client: CoreClawClient,
  { workerId, input, inputName, log, signal }: SchemaCheck
): Promise<boolean> {
  const skip = (why: string) => {
    log.notice(
      `The input was not checked against worker ${workerId}'s input schema: ${forLog(why, 512)}. The run starts unchecked.`,
      'Input not checked'
    )
    return false
  }
  log.info(`Checking the input against worker ${workerId}'s input schema.`)
  let schema: Record<string, unknown> | undefined
  try {
    schema = (await client.getInputSchema(workerId)).data
  } catch (error) {
    if (isUnknownWorker(error)) throw error
    return skip(`reading it failed (${(error as Error).message})`)
  }
  if (!schema) return skip('CoreClaw sent no schema object')
  const size = Buffer.byteLength(JSON.stringify(schema))
  if (size > MAX_SCHEMA_BYTES) return skip(`it is ${size} bytes, more than the ${MAX_SCHEMA_BYTES} checked`)

  const whole = isObject(schema.properties) && 'parameters' in schema.properties
  const verdict = await inWorkerThread({ schema, value: whole ? input : custom(input) }, signal)
  if (verdict.kind === 'unusable') return skip(verdict.why)
  if (verdict.violations.length === 0) {
    log.info(`The input matches worker ${workerId}'s input schema${whole ? '' : ' (input.parameters.custom)'}.`)
    return true
  }
  const prefix = whole ? '' : '/parameters/custom'
  throw new InputSchemaError(
    inputName,
    workerId,
    verdict.violations.map((v: Violation) => ({ ...v, path: `${prefix}${v.path}` }))
  )
}

/** CoreClaw's own word that the worker does not exist: starting it would fail the same way. */
function isUnknownWorker(error: unknown): boolean {
  return error instanceof CoreClawError && (error.appCode === 50001 || (error.status === 404 && !error.notEnvelope))
}

function inWorkerThread(job: { schema: Record<string, unknown>; value: unknown }, signal?: AbortSignal) {
  return new Promise<SchemaVerdict>((resolve, reject) => {
    const thread = new Worker(besideThisBundle('schema-worker.js'), {
      workerData: job,
      // A deep schema overflows this stack, or fills this heap, in the thread and not in the step.
      resourceLimits: { maxOldGenerationSizeMb: 128, stackSizeMb: 4 }
    })
    const settle = (outcome: () => void) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      void thread.terminate()
      outcome()
    }
    const timer = setTimeout(
      () =>
        settle(() => resolve({ kind: 'unusable', why: `checking it took longer than ${CHECK_DEADLINE_MS / 1000} s` })),
      CHECK_DEADLINE_MS
    )
    const onAbort = () => settle(() => reject(signal?.reason))
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    thread.once('message', (verdict: SchemaVerdict) => settle(() => resolve(verdict)))
    thread.once('error', error =>
      settle(() => resolve({ kind: 'unusable', why: `checking it failed (${error.message})` }))
    )
    thread.once('exit', () => settle(() => resolve({ kind: 'unusable', why: 'the check ended without an answer' })))
  })
}

/**
 * A file next to the running bundle (dist/). The name is a parameter on purpose: a literal
 * `new URL('./x.js', import.meta.url)` makes ncc copy the source file it finds as an asset.
 */
function besideThisBundle(name: string): URL {
  return new URL(name, import.meta.url)
}

/** `input.parameters.custom`, or an empty object where the input has none (its required fields are then reported). */
function custom(input: WorkerInput): unknown {
  const parameters = input.parameters
  return isObject(parameters) && 'custom' in parameters ? parameters.custom : {}
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
