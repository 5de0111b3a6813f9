/**
 * Checks the worker's input against the worker's own JSON Schema before a billed run starts.
 *
 * Which part of the input the schema describes is not documented. CoreClaw's docs put form fields
 * "under input.parameters.custom", their schema example describes form fields (`keyword`), and
 * CoreClaw's MCP server sends its schema-shaped `input_json` as `input.parameters.custom`. So a
 * schema that has no `parameters` property describes `input.parameters.custom`; one that has it
 * describes the whole `input`.
 *
 * ajv does the validating. It is loaded only here, so an export that starts nothing never pays
 * for it (the bundle keeps it in a chunk of its own). A schema that can't be read or used is a
 * notice, and the run starts anyway: the check saves money, it is not a gate CoreClaw asked for.
 */
import type { ErrorObject } from 'ajv'
import type { CoreClawClient } from './coreclaw.js'
import { InputSchemaError, type Violation } from './errors.js'
import type { Log } from './log.js'
import type { WorkerInput } from './run-input.js'
import { forLog } from './server-text.js'

type AjvClass = typeof import('ajv').default

export async function checkInputSchema(
  client: CoreClawClient,
  workerId: string,
  input: WorkerInput,
  inputName: 'input' | 'input-file',
  log: Log
): Promise<void> {
  const skip = (why: string) =>
    log.notice(
      `The input was not checked against worker ${workerId}'s input schema: ${why}. The run starts anyway.`,
      'Input not checked'
    )
  let schema: Record<string, unknown> | undefined
  try {
    schema = (await client.getInputSchema(workerId)).data
  } catch (error) {
    return skip(`reading it failed (${(error as Error).message})`)
  }
  if (!schema) return skip('CoreClaw sent no schema object')

  const whole = isObject(schema.properties) && 'parameters' in schema.properties
  const target = whole ? input : custom(input)
  let violations: Violation[]
  try {
    violations = await validate(schema, target)
  } catch (error) {
    return skip(`it is not a schema the validator can use (${forLog((error as Error).message, 256)})`)
  }
  if (violations.length === 0) {
    log.info(`The input matches worker ${workerId}'s input schema${whole ? '' : ' (input.parameters.custom)'}.`)
    return
  }
  const prefix = whole ? '' : '/parameters/custom'
  throw new InputSchemaError(
    inputName,
    workerId,
    violations.map(v => ({ ...v, path: `${prefix}${v.path}` }))
  )
}

/** `input.parameters.custom`, or an empty object where the input has none (its required fields are then reported). */
function custom(input: WorkerInput): unknown {
  const parameters = input.parameters
  return isObject(parameters) && 'custom' in parameters ? parameters.custom : {}
}

async function validate(schema: Record<string, unknown>, value: unknown): Promise<Violation[]> {
  const loaded = (await import('ajv')) as unknown as { default: AjvClass | { default: AjvClass } }
  const Ajv = 'default' in loaded.default ? loaded.default.default : loaded.default
  // Lenient about the schema (unknown keywords and formats are CoreClaw's business), strict about the input.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false })
  // ajv's default draft is 07; a $schema naming another draft would only make it refuse the schema.
  const check = ajv.compile({ ...schema, $schema: undefined })
  if (check(value)) return []
  return (check.errors ?? []).map(describe)
}

function describe(error: ErrorObject): Violation {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` ('${String((error.params as { additionalProperty?: unknown }).additionalProperty)}')`
      : ''
  return { path: error.instancePath, message: `${error.message ?? 'is not valid'}${extra}` }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
