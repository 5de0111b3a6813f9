// @ts-check
// The workflow commands the GitHub Actions runner would execute from a step's output, found by
// the runner's own rules, not by ours. The test oracle of issue #26: every end-to-end run of the
// bundle is read through it (runner.js), and must hold only the commands the action meant to send.
//
// The rules, from actions/runner:
// - src/Runner.Sdk/ProcessInvoker.cs reads the output with StreamReader.ReadLine: a line ends at
//   CR, LF or CRLF.
// - src/Runner.Worker/Handlers/OutputManager.cs, OnDataReceived: a line that holds `##[` or `::`
//   goes to the command manager.
// - src/Runner.Worker/ActionCommandManager.cs, TryProcessCommand: TryParseV2 first, then TryParse;
//   a command must be registered (names compared without case); `stop-commands` pauses every
//   command until one named by its token, which resumes them.
// - src/Runner.Common/ActionCommand.cs:
//   TryParseV2: after TrimStart, the line starts with `::`; the command info runs to the next `::`;
//     its name ends at the first space; properties are `,`-separated `k=v`; the rest is the data.
//   TryParse: `##[` *anywhere* (IndexOf); the command info runs to the next `]`; its name ends at
//     the first space; properties are `;`-separated `k=v`; the rest is the data.
// .NET compares culture-sensitively there; this oracle compares ordinally, which finds the same
// commands in the text the action prints (forLog escapes every literal `::` start and `##[`).

/** The commands the runner registers (ActionCommandManager.cs and its extensions), lower case. */
export const RUNNER_COMMANDS = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
]

/** .NET's Char.IsWhiteSpace, which String.TrimStart() removes. */
const DOTNET_WHITE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

/**
 * @typedef {{ line: number, text: string, syntax: 'v2' | 'legacy', command: string,
 *   properties: Record<string, string>, data: string }} RunnerCommand
 */

/**
 * Every command the runner would execute from `output` (a step's stdout or stderr), in order.
 * @param {string} output
 * @returns {RunnerCommand[]}
 */
export function runnerCommands(output) {
  const registered = new Set(RUNNER_COMMANDS)
  /** @type {string | undefined} */
  let stopToken
  /** @type {RunnerCommand[]} */
  const found = []
  output.split(/\r\n|\r|\n/).forEach((text, index) => {
    if (!text.includes('##[') && !text.includes('::')) return
    const parsed = parseV2(text, registered) ?? parseLegacy(text, registered)
    if (!parsed) return
    if (stopToken !== undefined) {
      // Stopped: only the token resumes, and nothing else is a command.
      if (parsed.command !== stopToken) return
      registered.delete(stopToken)
      stopToken = undefined
    } else if (parsed.command === 'stop-commands') {
      stopToken = parsed.data.toLowerCase()
      registered.add(stopToken)
    }
    found.push({ line: index + 1, text, ...parsed })
  })
  return found
}

/**
 * ActionCommand.TryParseV2.
 * @param {string} line @param {Set<string>} registered
 */
function parseV2(line, registered) {
  const message = line.replace(DOTNET_WHITE_SPACE, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const data = unescape(message.slice(end + 2), DATA_ESCAPES)
  return command('v2', info, registered, { separator: ',', trim: true, escapes: PROPERTY_ESCAPES }, data)
}

/**
 * ActionCommand.TryParse: the legacy `##[name props]data`, found anywhere in the line.
 * @param {string} line @param {Set<string>} registered
 */
function parseLegacy(line, registered) {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  const data = unescape(line.slice(close + 1), LEGACY_ESCAPES)
  return command('legacy', info, registered, { separator: ';', trim: false, escapes: LEGACY_ESCAPES }, data)
}

/**
 * The command in its info (`name k=v…`), as both parsers read it: the name ends at the first space
 * and must be registered; the properties are `k=v` pairs between separators, empty ones dropped.
 * @param {'v2' | 'legacy'} syntax @param {string} info @param {Set<string>} registered
 * @param {{ separator: string, trim: boolean, escapes: Escapes }} properties @param {string} data
 */
function command(syntax, info, registered, { separator, trim, escapes }, data) {
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  /** @type {Record<string, string>} */
  const properties = {}
  const list = space > 0 ? info.slice(space + 1) : ''
  for (const pair of (trim ? list.trim() : list).split(separator).filter(Boolean)) {
    const split = splitPair(pair)
    if (split) properties[split[0]] = unescape(split[1], escapes)
  }
  return { syntax, command: name, properties, data }
}

/**
 * `k=v` split at the first `=`, or undefined unless both parts are there (.NET's Split with
 * count 2 and RemoveEmptyEntries, then `pair.Length == 2`).
 * @param {string} pair @returns {[string, string] | undefined}
 */
function splitPair(pair) {
  const at = pair.indexOf('=')
  const kept = (at < 0 ? [pair] : [pair.slice(0, at), pair.slice(at + 1)]).filter(part => part !== '')
  return kept.length === 2 ? [kept[0], kept[1]] : undefined
}

/** @typedef {Array<[string, string]>} Escapes token, replacement; unescaped in this order */
/** @type {Escapes} */
const LEGACY_ESCAPES = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
  ['%', '%25']
]
/** @type {Escapes} */
const DATA_ESCAPES = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  ['%', '%25']
]
/** @type {Escapes} */
const PROPERTY_ESCAPES = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  [':', '%3A'],
  [',', '%2C'],
  ['%', '%25']
]

/** @param {string} text @param {Escapes} escapes */
function unescape(text, escapes) {
  let out = text
  for (const [token, replacement] of escapes) out = out.split(replacement).join(token)
  return out
}

/**
 * The commands in a step's output that the action did not mean to send. The action speaks only
 * the `::` syntax, through @actions/core: it masks the key once (`add-mask`), annotates
 * (`error`, `warning`, `notice`), writes debug lines and groups. Anything else (any legacy `##[`
 * command, an `add-mask` of anything but the key, any command at all from the CLI beyond those)
 * came from server text.
 * @param {string} output @param {{ apiKey?: string }} [expected]
 * @returns {RunnerCommand[]}
 */
export function unintendedCommands(output, expected = {}) {
  const ours = new Set(['debug', 'error', 'warning', 'notice', 'group', 'endgroup'])
  return runnerCommands(output).filter(found => {
    if (found.syntax !== 'v2') return true
    if (found.command === 'add-mask') return !expected.apiKey || found.data !== expected.apiKey
    return !ours.has(found.command)
  })
}
