/**
 * Text that came from a server (CoreClaw's API, a gateway, the storage host) is data, never
 * markup or commands. It reaches people through exactly these functions:
 * - `forLog`: one line, no control characters, never a workflow command (a line that starts
 *   with `::` is one), at most 4 KiB, with the length said when cut;
 * - `forCell`: a Markdown table cell, with `|`, line breaks and HTML made harmless;
 * and fields are checked by type and shape before anything uses them (`requestIdOf`, ...).
 */

/** No log line carries more server text than this. */
export const LOG_CAP = 4096

/** One line of log text. `cap` counts characters of the server's text. */
export function forLog(text: string, cap = LOG_CAP): string {
  const cut = text.length > cap ? `${text.slice(0, cap)}… (${text.length - cap} more characters)` : text
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible)
  // Escaped like this it has no line break left, so only its own start could begin a command.
  return escaped.startsWith('::') ? `\\${escaped}` : escaped
}

function visible(char: string): string {
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  if (char === '\t') return '\\t'
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** A Markdown table cell: one line, no HTML, no cell breaks, at most `cap` characters. */
export function forCell(text: string, cap = 200): string {
  const cut = text.length > cap ? `${text.slice(0, cap)}…` : text
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
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
