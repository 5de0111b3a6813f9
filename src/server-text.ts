/**
 * Text that came from a server (CoreClaw's API, a gateway, the storage host, a scraped page in a
 * run's log) is data, never markup or commands. It reaches people through exactly these functions:
 * - `forLog`: one line, no control characters, at most 4 KiB with the length said when cut, and
 *   never a workflow command under either of the runner's syntaxes (see `inert`);
 * - `forCell`: a Markdown table cell that shows exactly its text: no formatting, links, images,
 *   HTML, mentions or references, and no cell breaks;
 * - `jsonOf`: a value as JSON text, however deep or large, never throwing;
 * and fields are checked by type and shape before anything uses them (`requestIdOf`, ...).
 * Every one of them first replaces every secret (`keepSecret`: the API key, a download link's
 * signature) with `***`, in the whole text, and only then cuts and escapes: the runner masks only
 * the literal, whole text, so a key cut in two (`sk-SECRET…`) or escaped (`sk&#45;…` in the
 * summary) would show. Both escape the invisible characters that can disguise text (bidirectional
 * controls, zero-width space, word joiners, the BOM) visibly, so `\u202Egnp.exe` can't pass for
 * another name; ZWJ and ZWNJ, which emoji and scripts such as Persian and Hindi need, stay as they are.
 */

/**
 * The secrets, longest first (one secret may contain another), each with its pattern across line
 * breaks: made once, when a secret is kept, not for every line of server text.
 */
const secrets: Array<{ value: string; brokenAcrossLines: RegExp }> = []

/** Never shown again, on any surface: the text is replaced with `***` wherever server text holds it. */
export function keepSecret(value: string): void {
  // Shorter than this could match ordinary words; the runner's own mask covers the log anyway.
  if (value.length < 6 || secrets.some(secret => secret.value === value)) return
  secrets.push({ value, brokenAcrossLines: acrossLineBreaks(value) })
  secrets.sort((a, b) => b.value.length - a.value.length)
}

/**
 * A secret's start that a server echoes cut short (a message capped at some length) still gives
 * most of it away, and the runner's mask matches only the whole value: a run of this many of a
 * secret's leading characters, or more, is replaced too.
 */
export const SECRET_PREFIX_CHARS = 8

/**
 * The text with every secret replaced by `***`: each whole secret, longest first, also where
 * line breaks split it (a log entry is printed line by line, and each
 * piece alone is not what the runner masks); then each run of a secret's first
 * SECRET_PREFIX_CHARS characters or more.
 */
export function redact(text: string): string {
  let out = text
  for (const { value, brokenAcrossLines } of secrets) {
    out = out.split(value).join('***')
    if (/[\r\n]/.test(out)) out = out.replace(brokenAcrossLines, '***')
  }
  for (const { value: secret } of secrets) {
    if (secret.length <= SECRET_PREFIX_CHARS) continue
    const head = secret.slice(0, SECRET_PREFIX_CHARS)
    // Pieces, joined once: a text that repeats the head a million times stays linear.
    const pieces: string[] = []
    let from = 0
    for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, from)) {
      let end = at + SECRET_PREFIX_CHARS
      while (end < out.length && end - at < secret.length && out[end] === secret[end - at]) end++
      pieces.push(out.slice(from, at), '***')
      from = end
    }
    if (pieces.length > 0) out = pieces.join('') + out.slice(from)
  }
  return out
}

/** The secret, with line breaks allowed between its characters. */
function acrossLineBreaks(secret: string): RegExp {
  const chars = [...secret].map(char => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
  return new RegExp(chars.join('(?:\\r\\n|\\r|\\n)*'), 'g')
}

/** No server time is shown or used from before this: CoreClaw did not exist, and 1.5 is no date. */
const EARLIEST_MS = Date.UTC(2000, 0, 1)
/** Clocks disagree, but not by more than this: a later time is not believed. */
const LATEST_AHEAD_MS = 24 * 60 * 60 * 1000

/**
 * A server's time as milliseconds since the epoch, `value` counted in units of `unitMs` (1000 for
 * unix seconds), or undefined unless it is a plausible time: no earlier than 2000 and no later
 * than a day past `nowMs`. A real Date alone is not enough: 8.64e15 ms is one (the year 275760)
 * and shows as "13T00:00", and 1.5 ms is one (1970) and shows as "00:00:00".
 */
export function timeOf(value: unknown, unitMs: number, nowMs = Date.now()): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const ms = value * unitMs
  return ms >= EARLIEST_MS && ms <= nowMs + LATEST_AHEAD_MS ? ms : undefined
}

/** No log line carries more server text than this. */
export const LOG_CAP = 4096

/** One line of log text, inert to the runner. `cap` counts characters of the server's text. */
export function forLog(raw: string, cap = LOG_CAP): string {
  const text = redact(raw)
  const cut = text.length > cap ? `${text.slice(0, cap)}… (${text.length - cap} more characters)` : text
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible).replace(INVISIBLE, visible)
  return inert(escaped)
}

/**
 * The runner reads every line a step prints for commands, in two syntaxes (actions/runner,
 * src/Runner.Common/ActionCommand.cs, called from src/Runner.Worker/Handlers/OutputManager.cs):
 * - `::name args::data`, once the line's leading white space is trimmed (`TryParseV2`);
 * - `##[name args]data` *anywhere* in the line (`TryParse`, by IndexOf).
 * Escaped like this, a line has no line break left; a backslash goes before a `::` that starts it
 * (after any white space .NET's TrimStart removes), before every `[` that follows a `#`, and
 * before a `#` that ends the text, so no `##[` remains, not even where this text meets the next.
 * A command needs the exact `::` or `##[`, so the line shows what the server sent, and commands nothing.
 */
function inert(line: string): string {
  return line
    .replace(/^([\s\u0085]*)::/, '$1\\::')
    .replace(/#\[/g, '#\\[')
    .replace(/#$/, '\\#')
}

function visible(char: string): string {
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  if (char === '\t') return '\\t'
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/**
 * Invisible, and able to disguise text: bidirectional marks, overrides and isolates (and Arabic's
 * letter mark), the zero-width space, the word joiner and invisible operators, and the BOM.
 * Not ZWNJ and ZWJ (U+200C, U+200D): emoji sequences and several scripts are written with them.
 */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/**
 * A Markdown table cell that shows exactly its text, on one line, at most `cap` characters. Every
 * ASCII punctuation character, the ones Markdown could read as syntax (`*`, `_`, `[`, `!`, `\\`,
 * `|`, `<`, …), becomes a numeric character reference, which GFM shows as the character and never
 * as syntax. Two things act on the text after that: GFM's extended autolinks make `a@-b.io` a
 * mailto link, and GitHub links `@name` and `#123`. A word joiner (U+2060, invisible, and no place
 * for a line break) after every `@`, and after `#` before a word, defeats both.
 */
export function forCell(raw: string, cap = 200): string {
  const text = redact(raw)
  const cut = text.length > cap ? `${text.slice(0, cap)}…` : text
  return cut
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(INVISIBLE, visible)
    .replace(/[!-/:-@[-`{-~]/g, char => `&#${char.charCodeAt(0)};`)
    .replace(/&#64;/g, '&#64;\u2060')
    .replace(/&#35;(?=[\p{L}\p{N}_])/gu, '&#35;\u2060')
}

/**
 * A value as JSON text for a message: nesting past `depth` and text past `cap` are cut, and it
 * never throws. Secrets are replaced before the cut, so none is shown in part.
 */
export function jsonOf(value: unknown, cap = 1024, depth = 8): string {
  const limited = (item: unknown, level: number): unknown => {
    if (typeof item === 'string') return redact(item)
    if (item === null || typeof item !== 'object') return item
    if (level >= depth) return Array.isArray(item) ? '[…]' : '{…}'
    if (Array.isArray(item)) return item.slice(0, 50).map(entry => limited(entry, level + 1))
    return Object.fromEntries(
      Object.entries(item)
        .slice(0, 50)
        .map(([key, entry]) => [redact(key), limited(entry, level + 1)])
    )
  }
  let text: string
  try {
    text = redact(JSON.stringify(limited(value, 0)) ?? String(value))
  } catch {
    text = '(not representable)'
  }
  return text.length > cap ? `${text.slice(0, cap)}…` : text
}

/**
 * A request id we can show and output: short, and made of characters ids are made of. One that
 * holds a secret (a server that echoes the key as its request id) has it replaced: the id goes to
 * an output, which a later step may send anywhere.
 */
export function requestIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/.test(value) ? redact(value) : undefined
}

/** A count: a non-negative whole number, or unknown. */
export function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

/** A short word such as a run status: lowercase letters and '_' only. */
export function wordOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z_]{1,32}$/.test(value) ? value.toLowerCase() : undefined
}

/** A free-text field (a message, err_msg): a string, or nothing. Escaping is forLog's job. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** A signed download link: an http(s) URL of sane length with no spaces or control characters. */
export function downloadUrlOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 16_384 || !/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/.test(value)) {
    return undefined
  }
  return URL.canParse(value) ? value : undefined
}
