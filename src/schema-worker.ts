/**
 * Validates a worker's input against its JSON Schema, in a worker thread of its own (see
 * worker-schema.ts): a schema is server data, and a hostile one (a catastrophic `pattern`, a deep
 * nest) can take minutes of CPU or overflow the stack. Here that costs a thread the step can
 * terminate at its deadline, never the step's own event loop or its signals.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ErrorObject } from 'ajv'
import { Ajv } from 'ajv'

export interface SchemaJob {
  /** The schema as JSON text: parsed here, so that a deep one can only overflow this thread's stack. */
  schemaText: string
  value: unknown
}

/** What the thread answers: violations, or why the schema could not be used. */
export type SchemaVerdict =
  { kind: 'checked'; violations: Array<{ path: string; message: string }> } | { kind: 'unusable'; why: string }

function check({ schemaText, value }: SchemaJob): SchemaVerdict {
  const schema = JSON.parse(schemaText) as Record<string, unknown>
  // Lenient about the schema (unknown keywords and formats are CoreClaw's business), strict about the input.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false })
  let validate
  try {
    // ajv's default draft is 07; a $schema naming another draft would only make it refuse the schema.
    validate = ajv.compile({ ...schema, $schema: undefined })
  } catch (error) {
    return { kind: 'unusable', why: `it is not a schema the validator can use (${(error as Error).message})` }
  }
  // An async schema answers with a promise, and its keywords would run code the server chose.
  if ((validate as { $async?: unknown }).$async)
    return { kind: 'unusable', why: 'it is an asynchronous schema ($async), which is not checked' }
  if (validate(value)) return { kind: 'checked', violations: [] }
  return { kind: 'checked', violations: (validate.errors ?? []).map(describe) }
}

function describe(error: ErrorObject): { path: string; message: string } {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` ('${String((error.params as { additionalProperty?: unknown }).additionalProperty)}')`
      : ''
  return { path: error.instancePath, message: `${error.message ?? 'is not valid'}${extra}` }
}

let verdict: SchemaVerdict
try {
  verdict = check(workerData as SchemaJob)
} catch (error) {
  // A stack overflow in a deep schema, or anything else ajv throws while validating.
  verdict = { kind: 'unusable', why: `checking it failed (${(error as Error).message})` }
}
parentPort?.postMessage(verdict)
