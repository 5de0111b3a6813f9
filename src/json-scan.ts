/**
 * The structure of JSON text that may be a piece of a longer stream: where a string ends, and where
 * each element of a top-level array begins and ends. One scanner serves the row counter (on every
 * chunk of the download), the comparison (which takes each element's text) and the preview (the
 * first 64 KiB). The characters it looks for are ASCII, which never occurs inside a UTF-8 sequence,
 * so it reads text decoded as latin1 (one character per byte) as exactly as UTF-8 text.
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

function trailingBackslashes(s: string, floor: number): number {
  return backslashesBefore(s, s.length, floor)
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9

/**
 * A top-level JSON array, read piece by piece. `scan` calls `onStart(i)` where an element begins
 * at s[i] and `onEnd(i)` where the element being read ends, just before s[i]. It checks the
 * structure only: JSON.parse judges each element.
 */
export class JsonArrayScanner {
  started = false
  ended = false
  /** The text does not begin with an array. */
  invalid = false
  /** Something other than white space follows the array. */
  trailing = false
  private depth = 0
  private inString = false
  /** The previous piece ended with an odd run of backslashes inside a string. */
  private escaping = false
  private inElement = false

  scan(s: string, onStart?: (at: number) => void, onEnd?: (at: number) => void): void {
    if (this.invalid) return
    if (this.ended) {
      this.trailing ||= /\S/.test(s)
      return
    }
    let i = 0
    while (i < s.length) {
      if (this.inString) {
        // A backslash that ended the last piece escapes this piece's first character.
        const first = this.escaping ? i + 1 : i
        const end = closingQuote(s, first)
        if (end < 0) {
          this.escaping = trailingBackslashes(s, first) % 2 === 1
          return
        }
        this.escaping = false
        this.inString = false
        i = end + 1
        continue
      }
      const c = s.charCodeAt(i)
      if (!this.started) {
        i++
        // White space, and a UTF-8 byte order mark (EF BB BF read as latin1, or U+FEFF), before the array.
        if (isSpace(c) || c === 0xef || c === 0xbb || c === 0xbf || c === 0xfeff) continue
        if (c !== 91) return void (this.invalid = true)
        this.started = true
        this.depth = 1
        continue
      }
      if (this.depth === 1 && !this.inElement) {
        if (isSpace(c) || c === 44) {
          i++
          continue
        }
        if (c === 93) return this.end(s, i)
        this.inElement = true
        onStart?.(i)
      }
      if (c === 34) this.inString = true
      else if (c === 91 || c === 123) this.depth++
      else if (c === 93 || c === 125) {
        if (--this.depth === 0) {
          this.inElement = false
          onEnd?.(i)
          return this.end(s, i)
        }
      } else if (c === 44 && this.depth === 1) {
        this.inElement = false
        onEnd?.(i)
      }
      i++
    }
  }

  /** The array closed at s[at]. */
  private end(s: string, at: number): void {
    this.ended = true
    this.trailing = /\S/.test(s.slice(at + 1))
  }
}

/** The elements of a top-level JSON array, as their text, from pieces of it. */
export class JsonArraySplitter {
  readonly scanner = new JsonArrayScanner()
  /** Elements found so far. */
  elements = 0
  /** An element was longer than `maxElementLength`: it was not kept. */
  tooLong = false
  /** The current element's text, when it began in an earlier piece. */
  private pieces: string[] = []
  private pieceLength = 0
  private open = false

  constructor(private readonly maxElementLength = Infinity) {}

  /** The elements that end in `s`. */
  push(s: string): string[] {
    const done: string[] = []
    let start = 0
    this.scanner.scan(
      s,
      at => {
        start = at
        this.open = true
      },
      at => {
        const element = (this.pieces.join('') + s.slice(start, at)).trimEnd()
        if (element.length > this.maxElementLength) this.tooLong = true
        else done.push(element)
        this.pieces = []
        this.pieceLength = 0
        this.open = false
        this.elements++
      }
    )
    if (this.open) {
      const piece = s.slice(start)
      this.pieceLength += piece.length
      if (this.pieceLength > this.maxElementLength) this.tooLong = true
      else this.pieces.push(piece)
    }
    return done
  }
}
