/**
 * Text that came from a server (CoreClaw's API, a gateway, the storage host) is data, never
 * markup or commands. It reaches people through exactly these functions:
 * - `forLog`: one line, no control characters, never a workflow command (a line that starts
 *   with `::` is one), at most 4 KiB, with the length said when cut;
 * - `forCell`: a Markdown table cell that shows exactly its text: no formatting, links, images,
 *   HTML, mentions or references, and no cell breaks;
 * - `jsonOf`: a value as JSON text, however deep or large, never throwing;
 * and fields are checked by type and shape before anything uses them (`requestIdOf`, ...).
 * Both first replace every secret (`keepSecret`: the API key, a download link's signature) with
 * `***`, before any escaping: the runner masks only the literal text, and an escaped key (`sk&#45;…`
 * in the summary) is no longer that text. Both escape the invisible characters that can disguise
 * text (bidirectional controls, zero-width space, word joiners, the BOM) visibly, so
 * `\u202Egnp.exe` can't pass for another name; ZWJ and ZWNJ, which emoji and scripts such as
 * Persian and Hindi need, stay as they are.
 */

const secrets = new Set<string>()

/** Never shown again, on any surface: the text is replaced with `***` wherever server text holds it. */
export function keepSecret(value: string): void {
  // Shorter than this could match ordinary words; the runner's own mask covers the log anyway.
  if (value.length >= 6) secrets.add(value)
}

/** The text with every secret replaced, longest first (one secret may contain another). */
export function redact(text: string): string {
  let out = text
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***')
  return out
}

/**
 * A server's time as milliseconds since the epoch, `value` counted in units of `unitMs` (1000 for
 * unix seconds): a positive number that is a real date, or undefined. Number.isSafeInteger alone
 * lets 9e15 through, beyond what Date can show, and toISOString would throw on it.
 */
export function timeOf(value: unknown, unitMs: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined
  const ms = value * unitMs
  return Number.isFinite(new Date(ms).getTime()) ? ms : undefined
}

/** No log line carries more server text than this. */
export const LOG_CAP = 4096

/** One line of log text. `cap` counts characters of the server's text. */
export function forLog(raw: string, cap = LOG_CAP): string {
  const text = redact(raw)
  const cut = text.length > cap ? `${text.slice(0, cap)}… (${text.length - cap} more characters)` : text
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible).replace(INVISIBLE, visible)
  // Escaped like this it has no line break left, so only its own start could begin a command.
  return escaped.startsWith('::') ? `\\${escaped}` : escaped
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

/** A value as JSON text for a message: nesting past `depth` and text past `cap` are cut, and it never throws. */
export function jsonOf(value: unknown, cap = 1024, depth = 8): string {
  const limited = (item: unknown, level: number): unknown => {
    if (item === null || typeof item !== 'object') return item
    if (level >= depth) return Array.isArray(item) ? '[…]' : '{…}'
    if (Array.isArray(item)) return item.slice(0, 50).map(entry => limited(entry, level + 1))
    return Object.fromEntries(
      Object.entries(item)
        .slice(0, 50)
        .map(([key, entry]) => [key, limited(entry, level + 1)])
    )
  }
  let text: string
  try {
    text = JSON.stringify(limited(value, 0)) ?? String(value)
  } catch {
    text = '(not representable)'
  }
  return text.length > cap ? `${text.slice(0, cap)}…` : text
}

/** A request id we can show and output: short, and made of characters ids are made of. */
export function requestIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/.test(value) ? value : undefined
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
