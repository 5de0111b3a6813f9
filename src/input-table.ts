/**
 * Every input, described once. `action.yml` must say exactly this (a test holds them equal), the
 * CLI's `--help` is generated from it, and a test holds the README's "All inputs" block to its
 * names and defaults. Adding an input starts here.
 *
 * `summary` opens the description and is the CLI's one line; `details` follows it in action.yml.
 */
export interface InputSpec {
  required?: true
  default: string
  /** What the CLI shows after the flag, e.g. `<s>`. */
  value: string
  summary: string
  details: string
  /** The CLI's line, where the summary speaks of steps and inputs: options and commands there. */
  cli?: string
}

export const INPUT_TABLE = {
  'run-id': {
    required: true,
    default: '',
    value: 'slug|last|last-succeeded|new',
    summary: 'The run to export: its slug, "last", "last-succeeded", or "new" to start one.',
    details:
      'A slug is data.run_slug from a start or rerun (e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ; letters, digits, "-" and "_"). "last" is the account\'s latest run, or worker-id\'s; "last-succeeded" the newest run that succeeded. "new" starts a run of worker-id (with input or input-file) or of task-id, and exports that; a started run is billed.'
  },
  'api-key': {
    required: true,
    default: '',
    value: 'key',
    summary: 'Your CoreClaw API key, normally secrets.CORECLAW_API_KEY.',
    details: 'It is masked in the log and sent only to base-url, never to the storage host.'
  },
  'worker-id': {
    default: '',
    value: 'id',
    summary:
      'A worker, as owner/name or its slug: with "last" or "last-succeeded", whose run; with "new", the one to start.',
    cli: 'A worker, as owner/name or its slug: with --run-id last or last-succeeded, whose run; with new, the one to start.',
    details: 'owner/name is e.g. coreclaw/google-maps-scraper.'
  },
  'worker-version': {
    default: '',
    value: 'version',
    summary: 'With "new" and worker-id: the worker version to start.',
    cli: 'With --run-id new and --worker-id: the worker version to start.',
    details: 'Empty leaves it out of the request, and CoreClaw picks the version.'
  },
  'task-id': {
    default: '',
    value: 'slug',
    summary: 'With "new": a saved task to start instead of a worker.',
    cli: 'With --run-id new: a saved task to start instead of a worker.',
    details: 'A task carries its own input, so input and input-file are refused with it.'
  },
  input: {
    default: '',
    value: 'json',
    summary: 'With "new" and worker-id: the worker\'s input, a JSON object.',
    cli: "With --run-id new and --worker-id: the worker's input, a JSON object.",
    details:
      "Checked against the worker's input schema before the run starts, and never printed. Form fields go under parameters.custom. Empty means no input."
  },
  'input-file': {
    default: '',
    value: 'path',
    summary: 'With "new" and worker-id: a JSON file holding the worker\'s input, instead of input.',
    cli: "With --run-id new and --worker-id: a JSON file holding the worker's input, instead of --input.",
    details:
      'At most 1 MiB, relative to the workspace, and really inside it or RUNNER_TEMP: a path or link out of them is refused (the CLI reads any file).'
  },
  'abort-on-stop': {
    default: 'true',
    value: 'bool',
    summary: 'Abort a run this step started when the step ends before the run finished.',
    cli: 'Abort a run this command started when it ends (Ctrl-C, --wait-timeout, a failure) before the run finished.',
    details:
      'That is: cancelled, wait-timeout, or a failure while waiting. A run the step did not start is never aborted. true or false.'
  },
  'show-log': {
    default: 'true',
    value: 'bool',
    summary: "Show the run's new log entries while waiting for it.",
    details: 'At most 3000 lines and 1 MiB, 500 lines per read. true or false.'
  },
  'dry-run': {
    default: 'false',
    value: 'bool',
    summary: 'With "new": check what would be started, and start nothing.',
    cli: 'With --run-id new: check what would be started, and start nothing.',
    details:
      "Checks the input (or input-file) against the worker's input schema and that the worker or task exists, prints what would be started, and fails only on a problem. Free: for pull requests that change an input file. true or false."
  },
  format: {
    default: 'csv',
    value: 'format',
    summary: 'File format: csv, json, jsonl, xlsx, xls, xml, html or rss.',
    details: 'Any case.'
  },
  'filter-keys': {
    default: '',
    value: 'keys',
    summary: 'Field keys to keep, in this order, separated by commas and/or newlines.',
    details: 'E.g. "title,address". Duplicates and empty entries are dropped. Empty means all fields.'
  },
  path: {
    default: '',
    value: 'path',
    summary: 'Where to write the file: a file, or a folder for <run-id>.<format>.',
    details:
      'Empty means <workspace>/<run-id>.<format>. A path ending with "/" or "\\" or naming an existing folder gets <run-id>.<format> inside it; anything else is the file path. Relative paths are relative to the workspace; missing folders are created.'
  },
  overwrite: {
    default: 'true',
    value: 'bool',
    summary: 'Replace a file that already exists at the destination.',
    details:
      'With false the step fails before any download (and before a run is started, when the file name does not depend on it) and leaves the file untouched. true or false.'
  },
  'if-empty': {
    default: 'warn',
    value: 'warn|error|ignore',
    summary: 'What an empty export does: warn, error (fail the step, keep the destination as it was), or ignore.',
    cli: 'What an empty export does: warn, error (exit 1, keep the destination as it was), or ignore.',
    details:
      'Empty means CoreClaw reports 0 results, or the file has 0 rows (a CSV with only its header, [], no lines) or 0 bytes.'
  },
  'compare-with': {
    default: 'previous',
    value: 'previous|none|path',
    summary: 'What to compare the export with: the file it replaces (previous), an earlier export, or none.',
    details:
      'A path is relative to the workspace and must really be inside it or RUNNER_TEMP (the CLI reads any file), e.g. a file restored by actions/cache or actions/download-artifact; one that is missing fails the step before any request. csv, json and jsonl are compared by rows (rows-added, rows-removed, rows-changed), other formats by their bytes. With no previous file nothing is compared, and changed is empty.'
  },
  'key-fields': {
    default: '',
    value: 'keys',
    summary: 'The fields that identify a row (CSV header names, or top-level keys of JSON rows), e.g. place_id.',
    details:
      'With them, a row whose key stays and whose other fields differ is counted as changed, not as removed and added. Separated by commas and/or newlines. Empty compares whole rows.'
  },
  'base-url': {
    default: 'https://openapi.coreclaw.com',
    value: 'url',
    summary: 'The CoreClaw API base URL, for private deployments.',
    details: 'A trailing slash, or /api/v2, is fine.'
  },
  'auth-method': {
    default: 'bearer',
    value: 'method',
    summary: 'How the key is sent: bearer, header or query.',
    details:
      'bearer is the Authorization: Bearer header, header the api-key header, query ?token= (a last resort for gateways that drop headers).'
  },
  'max-attempts': {
    default: '5',
    value: 'n',
    summary: 'Attempts per request, the first included (1 to 100).',
    details:
      'For network errors, timeouts, HTTP 408, 429 and 5xx and cut downloads. Other 4xx errors are never retried, and a request that starts a run is retried only when CoreClaw provably started nothing.'
  },
  timeout: {
    default: '60',
    value: 's',
    summary: 'Seconds an API answer may take to arrive whole, and the longest pause of a download.',
    details:
      'From 0.1 to 3600. An API answer must arrive whole within it, redirects included, however it trickles. The download must start answering within it and may then pause for at most this long: a slow but moving download is never cut off. Each failed attempt is retried.'
  },
  'wait-timeout': {
    default: '600',
    value: 's',
    summary: 'Seconds to wait for a free slot of your plan and for the run to finish; 0 means do not wait.',
    details:
      'Counted from the step\'s start. A run that is still ready or running then fails the step (and is aborted, if this step started it). With "new", 0 means start only: the run is started and left running, nothing is exported, and a later workflow exports it with last-succeeded.'
  }
} satisfies Record<string, InputSpec>

export type InputName = keyof typeof INPUT_TABLE

/** The names, in the order action.yml lists them. */
export const INPUT_NAMES = Object.keys(INPUT_TABLE) as InputName[]

/** The description action.yml gives each input: summary, details, and the default. */
export function describeInput(name: InputName): string {
  const spec: InputSpec = INPUT_TABLE[name]
  const parts = [spec.required ? 'Required.' : '', spec.summary, spec.details]
  if (!spec.required) parts.push(`Default: ${spec.default === '' ? 'empty' : spec.default}.`)
  return parts.filter(Boolean).join(' ')
}
