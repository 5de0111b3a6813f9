/**
 * The same export from a terminal: `node dist/cli.js --run-id … --format xlsx --out results.xlsx`.
 * The key comes from CORECLAW_API_KEY (never a flag: flags end up in shell history). Progress and
 * errors go to stderr; the outputs go to stdout as JSON, for scripts.
 */
import { parseArgs } from 'node:util'
import { cancelOnSignals } from './cancellation.js'
import { removeTemporaryFiles } from './download.js'
import { ActionError, asActionError, InputError, sentence } from './errors.js'
import { type Vocabulary } from './log.js'
import { INPUT_NAMES, INPUT_TABLE, type InputSpec } from './input-table.js'
import { parseInputs, type InputName } from './inputs.js'
import type { Log } from './log.js'
import { exportRun } from './export-run.js'
import { namingRun, type KnownRun } from './outcome.js'
import { quietDependencies } from './environment.js'
import { OUTPUT_NAMES, outputsOf, outputsOfFailure } from './outputs.js'
import { realClock } from './retry.js'
import { keepSecret } from './server-text.js'
import { VERSION } from './version.js'

/** Every input is an option of the same name, but two: the file is `--out`, and the key is never an option. */
const RENAMED: Partial<Record<InputName, string>> = { path: 'out' }
const FLAGS: Record<string, InputName> = Object.fromEntries(
  INPUT_NAMES.filter(name => name !== 'api-key').map(name => [RENAMED[name] ?? name, name])
)

/** Generated from input-table.ts, the same table action.yml is held to, so the two can't drift. */
function help(): string {
  const rows = Object.entries(FLAGS).map(([flag, name]) => {
    const spec: InputSpec = INPUT_TABLE[name]
    const fallback = spec.required ? 'required' : spec.default === '' ? '' : `default: ${spec.default}`
    const value = spec.value === 'bool' ? ' [bool]' : ` <${spec.value}>`
    return [`--${flag}${value}`, `${spec.cli ?? spec.summary}${fallback ? ` (${fallback})` : ''}`]
  })
  rows.push(['-h, --help', 'Show this help.'], ['-v, --version', 'Show the version.'])
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2
  return `Usage: node dist/cli.js --run-id <slug|last|last-succeeded|new> [options]

Exports a CoreClaw worker run's results to a file, like the GitHub Action does; with
--run-id new it starts the run first, shows its log, and aborts it on Ctrl-C.
The API key is read from the CORECLAW_API_KEY environment variable, never from an option.
The options are the action's inputs; the action's 'path' is --out here. A boolean option given
bare (--dry-run) means true.

Options:
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join('\n')}

Prints the outputs (${OUTPUT_NAMES.join(', ')}) as JSON
on stdout. Set CORECLAW_DEBUG=1 for request ids, timings and attempts on stderr.
Exit codes: 0 exported, 1 export failed, 2 bad usage; 130 or 143 when interrupted.`
}

/** A boolean option given bare (`--dry-run`) is true, as on any command line; `--dry-run false` still works. */
function bareBooleans(argv: string[]): string[] {
  return argv.flatMap((arg, index) => {
    const name = arg.startsWith('--') ? FLAGS[arg.slice(2)] : undefined
    const bare =
      name !== undefined && INPUT_TABLE[name].value === 'bool' && !/^(true|false)$/i.test(argv[index + 1] ?? '')
    return bare ? [arg, 'true'] : [arg]
  })
}

/** Settings and the key in the CLI's own terms: options and CORECLAW_API_KEY, never step inputs. */
const CLI_OPTIONS: Vocabulary = {
  input: name => `--${flagOf(name)}`,
  set: (name, value) => `--${flagOf(name)} ${value}`,
  key: 'CORECLAW_API_KEY'
}

const stderrLog: Log = {
  info: message => process.stderr.write(`${message}\n`),
  warning: message => process.stderr.write(`warning: ${message}\n`),
  notice: message => process.stderr.write(`notice: ${message}\n`),
  debug: message => void (process.env.CORECLAW_DEBUG && process.stderr.write(`debug: ${message}\n`)),
  group: (title, work) => {
    process.stderr.write(`${title}\n`)
    return work()
  },
  say: CLI_OPTIONS
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map(flag => [flag, { type: 'string' as const }]))
    values = parseArgs({
      args: bareBooleans(argv),
      options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    process.stderr.write(`error: ${usageProblem(error as Error)}\nRun with --help for the options.\n`)
    return 2
  }
  if (values.help) {
    process.stdout.write(`${help()}\n`)
    return 0
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`)
    return 0
  }

  const given = new Map<InputName, string>(
    Object.entries(FLAGS).map(([flag, input]) => [input, String(values[flag] ?? '')])
  )
  given.set('api-key', process.env.CORECLAW_API_KEY ?? '')
  keepSecret((process.env.CORECLAW_API_KEY ?? '').trim())
  let known: KnownRun | undefined
  try {
    const inputs = parseInputs(name => given.get(name) ?? '')
    const result = await exportRun(inputs, {
      log: stderrLog,
      clock: realClock,
      workspace: process.cwd(),
      progressEveryMs: 1000,
      signal,
      onRun: run => (known = run)
    })
    process.stdout.write(`${JSON.stringify(outputsOf(result), null, 2)}\n`)
    return 0
  } catch (thrown) {
    const error = asActionError(thrown)
    process.stderr.write(`error: ${namingRun(error, known)}${describe(error)}\n`)
    // A run the step knows of (started, or resolved) is named on stdout too, for a script to act on.
    if (known) process.stdout.write(`${JSON.stringify(outputsOfFailure(known, error.requestId), null, 2)}\n`)
    return error instanceof InputError ? 2 : 1
  }
}

function flagOf(input: InputName): string {
  return Object.keys(FLAGS).find(flag => FLAGS[flag] === input) ?? input
}

function describe(error: ActionError): string {
  if (!(error instanceof InputError)) return `${sentence(error.message)} ${error.advice(CLI_OPTIONS)}`
  if (error.input === 'api-key') return 'CORECLAW_API_KEY is not set. Export your CoreClaw API key in that variable.'
  return `--${flagOf(error.input)} ${error.problem}. Accepted: ${sentence(error.accepted)}`
}

/** Names an option people reach for by the action's input name, or by habit. */
const SUGGESTIONS: Record<string, string> = { path: 'out', output: 'out', o: 'out', 'api-key': 'CORECLAW_API_KEY' }

/** A flag that differs from `name` only by dashes and case, or by at most two letters: `--runid`, `--fromat`. */
function closestFlag(name: string): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[-_]/g, '')
  const flags = [...Object.keys(FLAGS), 'help', 'version']
  return (
    flags.find(flag => plain(flag) === plain(name)) ??
    flags.find(flag => name.length > 3 && editDistance(plain(flag), plain(name)) <= 2)
  )
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

/** node:util's parse error, as one line that says what to use instead. */
function usageProblem(error: Error): string {
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message)
  if (!unknown) return error.message.split('\n')[0]
  const [, dashes, name] = unknown
  const instead = SUGGESTIONS[name] ?? closestFlag(name)
  if (!instead) return `Unknown option ${dashes}${name}.`
  const hint = instead === 'CORECLAW_API_KEY' ? 'set CORECLAW_API_KEY instead' : `did you mean --${instead}?`
  return `Unknown option ${dashes}${name} (${hint})`
}

quietDependencies()
const cancellation = cancelOnSignals(removeTemporaryFiles)
process.exitCode = await main(process.argv.slice(2), cancellation.signal)
cancellation.end()
