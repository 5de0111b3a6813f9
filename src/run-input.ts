/**
 * The worker's input for `run-id: new`: JSON text from `input`, or a JSON file from `input-file`,
 * read and parsed before any request. It may hold the scraped site's credentials, so no message
 * here ever quotes it: errors say where the JSON breaks, never what it says.
 */
import { openSync, closeSync, fstatSync, readSync } from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import type { Inputs } from './inputs.js'

/** A worker's input is a form's worth of settings; a larger file is a mistake, not an input. */
export const MAX_INPUT_BYTES = 1024 * 1024

export type WorkerInput = Record<string, unknown>

export function readWorkerInput(given: NonNullable<Inputs['input']>, workspace: string): WorkerInput {
  if ('text' in given) return parseObject(given.text, 'input', 'the JSON text')
  const file = path.resolve(workspace, given.file)
  return parseObject(readSmallFile(file, given.file), 'input-file', given.file)
}

function readSmallFile(file: string, shown: string): string {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem =
      code === 'ENOENT' ? `names a file that does not exist: ${shown}` : `could not be read (${code}): ${shown}`
    throw new InputError(
      'input-file',
      problem,
      'a path to a JSON file, relative to the workspace (check out the repository first)'
    )
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile())
      throw new InputError('input-file', `is not a file: ${shown}`, 'a path to a JSON file, relative to the workspace')
    if (stats.size > MAX_INPUT_BYTES) {
      throw new InputError(
        'input-file',
        `is ${stats.size} bytes: ${shown}`,
        `a JSON file of at most ${MAX_INPUT_BYTES} bytes (1 MiB)`
      )
    }
    const bytes = Buffer.alloc(stats.size)
    let read = 0
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read)
      if (n === 0) break
      read += n
    }
    // A BOM is how some editors save UTF-8; JSON.parse would call it a syntax error.
    return bytes
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
  } finally {
    closeSync(fd)
  }
}

function parseObject(text: string, input: 'input' | 'input-file', what: string): WorkerInput {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new InputError(
      input,
      'is larger than 1 MiB',
      "JSON of at most 1 MiB; use 'input-file' for a file in the repository"
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const { line, column } = whereItBreaks(text, (error as Error).message)
    throw new InputError(
      input,
      `is not valid JSON: ${what} breaks at line ${line}, column ${column}`,
      'a JSON object, e.g. {"parameters": {"custom": {"keywords": ["coffee"]}}}'
    )
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`
    throw new InputError(
      input,
      `is JSON ${kind}, not an object`,
      'a JSON object, e.g. {"parameters": {"custom": {"keywords": ["coffee"]}}}'
    )
  }
  return parsed as WorkerInput
}

/**
 * Line and column (1-based) of a JSON syntax error. V8 names the offset ("at position 12"); where
 * it names none, the text ended too early.
 */
export function whereItBreaks(text: string, message: string): { line: number; column: number } {
  const position = /at position (\d+)/.exec(message)
  const offset = position ? Math.min(Number(position[1]), text.length) : text.length
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - (before.lastIndexOf('\n') + 1) + 1
  return { line, column }
}
