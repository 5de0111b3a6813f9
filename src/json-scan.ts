/**
 * Finding where a JSON string ends, in text that may be a piece of a longer stream: shared by the
 * row counter (chunk by chunk) and the preview (the first 64 KiB).
 */
/** The index of the unescaped quote at or after `from` (which starts a string's text), or -1. */
export function closingQuote(s: string, from: number): number {
  let i = from
  for (;;) {
    const quote = s.indexOf('"', i)
    if (quote < 0) return -1
    if (backslashesBefore(s, quote, from) % 2 === 0) return quote
    i = quote + 1
  }
}

/** The run of backslashes that ends just before `end`, not reaching back past `floor`. */
function backslashesBefore(s: string, end: number, floor: number): number {
  let n = 0
  for (let k = end - 1; k >= floor && s.charCodeAt(k) === 92; k--) n++
  return n
}

export function trailingBackslashes(s: string, floor: number): number {
  return backslashesBefore(s, s.length, floor)
}
