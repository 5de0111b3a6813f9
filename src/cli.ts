/**
 * The same export from a terminal: `node dist/cli.js --run-id … --format xlsx --out results.xlsx`.
 * The key comes from CORECLAW_API_KEY (never a flag: flags end up in shell history). Progress and
 * errors go to stderr; the outputs go to stdout as JSON, for scripts.
 */
import { parseArgs } from 'node:util'
import { cancelOnSignals } from './cancellation.js'
import { removeTemporaryFiles } from './download.js'
import { ActionError, asActionError, InputError, sentence, type Vocabulary } from './errors.js'
import { DEFAULTS, parseInputs, type InputName } from './inputs.js'
import type { Log } from './log.js'
import { exportRun, namingRun, type KnownRun } from './main.js'
import { realClock } from './retry.js'
import { VERSION } from './version.js'

const HELP = `Usage: node dist/cli.js --run-id <slug|last|new> [options]

Exports a CoreClaw worker run's results to a file, like the GitHub Action does; with
--run-id new it starts the run first, shows its log, and aborts it on Ctrl-C.
The API key is read from the CORECLAW_API_KEY environment variable.

Options:
  --run-id <slug|last|new>  run slug, 'last' for the latest run, or 'new' to start one (required)
  --format <format>      csv, json, jsonl, xlsx, xls, xml, html, rss (default: ${DEFAULTS.format})
  --filter-keys <keys>   field keys to keep, comma-separated (default: all)
  --out <path>           file or folder to write (default: ./<run-id>.<format>)
  --overwrite <bool>     replace an existing file (default: ${DEFAULTS.overwrite})
  --base-url <url>       API base for private deployments (default: ${DEFAULTS['base-url']})
  --auth-method <m>      bearer, header or query (default: ${DEFAULTS['auth-method']})
  --max-attempts <n>     attempts per request, the first included (default: ${DEFAULTS['max-attempts']})
  --timeout <s>          seconds without progress before a request fails (default: ${DEFAULTS.timeout})
  --wait-timeout <s>     seconds to wait for a running run; 0 = don't wait (default: ${DEFAULTS['wait-timeout']})
  --worker-id <id>       with last: the latest run of this worker; with new: the worker to start
                         (owner/name or a worker slug)
  --task-id <slug>       with new: start this saved task (it carries its own input)
  --worker-version <v>   with new and --worker-id: start this version (default: the worker's own)
  --input <json>         with new and --worker-id: the worker's input, a JSON object
  --input-file <path>    with new and --worker-id: the worker's input from a JSON file (max 1 MiB)
  --abort-on-stop <bool> abort a run started here when stopped before it finished (default: ${DEFAULTS['abort-on-stop']})
  --show-log <bool>      show the run's log while waiting for it (default: ${DEFAULTS['show-log']})
  -h, --help             show this help
  -v, --version          show the version

Prints the outputs (path, url, run-id, run-started, format, size, sha256, result-count, rows, request-id) as JSON
on stdout. Set CORECLAW_DEBUG=1 for request ids, timings and attempts on stderr. Exit codes: 0 exported, 1 export failed, 2 bad usage.`

/** Flags map one-to-one onto the action's inputs; only `--out` is named for what it is here. */
const FLAGS: Record<string, InputName> = {
  'run-id': 'run-id',
  format: 'format',
  'filter-keys': 'filter-keys',
  out: 'path',
  overwrite: 'overwrite',
  'base-url': 'base-url',
  'auth-method': 'auth-method',
  'max-attempts': 'max-attempts',
  timeout: 'timeout',
  'wait-timeout': 'wait-timeout',
  'worker-id': 'worker-id',
  'task-id': 'task-id',
  'worker-version': 'worker-version',
  input: 'input',
  'input-file': 'input-file',
  'abort-on-stop': 'abort-on-stop',
  'show-log': 'show-log'
}

const stderrLog: Log = {
  info: message => process.stderr.write(`${message}\n`),
  warning: message => process.stderr.write(`warning: ${message}\n`),
  notice: message => process.stderr.write(`notice: ${message}\n`),
  debug: message => void (process.env.CORECLAW_DEBUG && process.stderr.write(`debug: ${message}\n`)),
  group: (title, work) => {
    process.stderr.write(`${title}\n`)
    return work()
  }
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map(flag => [flag, { type: 'string' as const }]))
    values = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    process.stderr.write(`error: ${usageProblem(error as Error)}\nRun with --help for the options.\n`)
    return 2
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`)
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
    const outputs = {
      path: result.path,
      url: result.url,
      'run-id': result.runId,
      'run-started': result.run.started !== undefined,
      format: result.format,
      size: result.size,
      sha256: result.sha256,
      'result-count': result.resultCount ?? null,
      rows: result.rows ?? null,
      'request-id': result.requestId ?? null
    }
    process.stdout.write(`${JSON.stringify(outputs, null, 2)}\n`)
    return 0
  } catch (thrown) {
    const error = asActionError(thrown)
    process.stderr.write(`error: ${namingRun(error, known)}${describe(error)}\n`)
    return error instanceof InputError ? 2 : 1
  }
}

/** Settings and the key in the CLI's own terms: options and CORECLAW_API_KEY, never step inputs. */
const CLI_OPTIONS: Vocabulary = {
  input: name => `--${flagOf(name)}`,
  set: (name, value) => `--${flagOf(name)} ${value}`,
  key: 'CORECLAW_API_KEY'
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

/** node:util's parse error, as one line that says what to use instead. */
function usageProblem(error: Error): string {
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message)
  if (!unknown) return error.message.split('\n')[0]
  const [, dashes, name] = unknown
  const instead = SUGGESTIONS[name]
  if (!instead) return `Unknown option ${dashes}${name}.`
  const hint = instead === 'CORECLAW_API_KEY' ? 'set CORECLAW_API_KEY instead' : `did you mean --${instead}?`
  return `Unknown option ${dashes}${name} (${hint})`
}

const cancellation = cancelOnSignals(removeTemporaryFiles)
process.exitCode = await main(process.argv.slice(2), cancellation.signal)
cancellation.end()
