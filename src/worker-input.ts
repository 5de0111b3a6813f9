/**
 * The worker's input for `run-id: new`: JSON text from `input`, or a JSON file from `input-file`,
 * read and parsed before any request. It may hold the scraped site's credentials, so no message
 * here ever quotes it: errors say where the JSON breaks, never what it says.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import { refuseOutside } from './workspace-files.js'

/** A worker's input is a form's worth of settings; a larger file is a mistake, not an input. */
export const MAX_INPUT_BYTES = 1024 * 1024

export type WorkerInput = Record<string, unknown>

/** Where the input comes from: `input` (JSON text) or `input-file` (a path). */
export type WorkerInputSource = { text: string } | { file: string }

/** `roots`: the folders the file must really be in, symlinks resolved; anywhere when absent. */
export function readWorkerInput(given: WorkerInputSource, workspace: string, roots?: string[]): WorkerInput {
  if ('text' in given) return parseObject(given.text, 'input', 'the JSON text')
  const file = path.resolve(workspace, given.file)
  if (roots) {
    refuseOutside(
      'input-file',
      file,
      given.file,
      roots,
      "a JSON file inside the workspace or the runner's temporary folder (RUNNER_TEMP), not a link out of them"
    )
  }
  return parseObject(readSmallFile(file, given.file), 'input-file', given.file)
}

function readSmallFile(file: string, shown: string): string {
  let fd: number
  try {
    // Looked at before it is opened: opening a FIFO (or a device) waits for a writer, and no
    // signal ends that wait. O_NONBLOCK too, for one swapped in between (POSIX only).
    if (!statSync(file).isFile()) throw notAFile(shown)
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    if (error instanceof InputError) throw error
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
    if (!stats.isFile()) throw notAFile(shown)
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
    return utf8Text(bytes.subarray(0, read), shown)
  } finally {
    closeSync(fd)
  }
}

function notAFile(shown: string): InputError {
  return new InputError(
    'input-file',
    `is not a regular file: ${shown}`,
    'a path to a JSON file, relative to the workspace'
  )
}

/**
 * The file as UTF-8 text. Bytes that are not UTF-8 would silently become U+FFFD and reach the
 * worker as other text than the file holds, so they are an error that says where.
 */
function utf8Text(bytes: Buffer, shown: string): string {
  try {
    // A BOM is how some editors save UTF-8; JSON.parse would call it a syntax error.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    const offset = firstInvalidUtf8(bytes)
    const line = lineOf(bytes.subarray(0, offset).toString('latin1'))
    throw new InputError(
      'input-file',
      `is not UTF-8 text: ${shown} has a byte that is not UTF-8 at line ${line} (byte ${offset + 1})`,
      'a JSON file saved as UTF-8'
    )
  }
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0
    if (length === 0) return i
    if (i + length > bytes.length) return i
    const sequence = new TextDecoder('utf-8', { fatal: true })
    try {
      sequence.decode(bytes.subarray(i, i + length))
    } catch {
      return i
    }
    i += length
  }
  return bytes.length
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
  } catch {
    const { line, column } = whereItBreaks(text)
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
 * Line and column (1-based) of a JSON syntax error. V8's message names no position for some errors
 * (a stray `]` after a comma: "Unexpected token ']'"), and says it differently from version to
 * version, so the text is scanned again here, by JSON's grammar, to the first character that
 * breaks it.
 */
export function whereItBreaks(text: string): { line: number; column: number } {
  const offset = Math.min(firstJsonError(text), text.length)
  const before = text.slice(0, offset)
  const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'))
  return { line: lineOf(before), column: offset - (lastBreak + 1) + 1 }
}

/** The line `before`'s end is on, counting CRLF, LF and a lone CR (as old Mac editors save) as one break each. */
function lineOf(before: string): number {
  return before.split(/\r\n|\r|\n/).length
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/** The offset of the first character where `text` stops being one JSON value (text.length: it ended too early). */
export function firstJsonError(text: string): number {
  let i = 0
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++
  }
  const token = (pattern: RegExp) => {
    pattern.lastIndex = i
    if (!pattern.test(text)) throw i
    i = pattern.lastIndex
  }
  const expect = (char: string) => {
    space()
    if (text[i] !== char) throw i
    i++
  }
  // A stack of what is open, not recursion: deep nesting must not overflow the scan.
  const open: string[] = []
  // A value must come next: after `[`, a key's `:` or a `,`.
  let pending = false
  const value = () => {
    space()
    const char = text[i]
    if (char === '{' || char === '[') {
      i++
      space()
      if (text[i] === (char === '{' ? '}' : ']')) return void i++
      open.push(char)
      if (char === '{') key()
      pending = true
      return
    }
    if (char === '"') return token(STRING)
    if (char === '-' || (char >= '0' && char <= '9')) return token(NUMBER)
    const word = ['true', 'false', 'null'].find(literal => text.startsWith(literal, i))
    if (!word) throw i
    i += word.length
  }
  const key = () => {
    space()
    if (text[i] !== '"') throw i
    token(STRING)
    expect(':')
  }
  try {
    value()
    while (open.length > 0) {
      if (pending) {
        pending = false
        value()
        continue
      }
      space()
      const closing = open.at(-1) === '{' ? '}' : ']'
      if (text[i] === ',') {
        i++
        if (open.at(-1) === '{') key()
        pending = true
      } else if (text[i] === closing) {
        i++
        open.pop()
      } else throw i
    }
    space()
    return i < text.length ? i : text.length
  } catch (offset) {
    return offset as number
  }
}
