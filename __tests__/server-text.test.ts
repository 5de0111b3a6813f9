// Everything a server says reaches people through server-text.ts: redacted first, then cut, then
// escaped. Each row is one thing a hostile server (or a scraped page) sends, and what must show.
import { unintendedCommands } from '../sandbox/runner-commands.js'
import {
  forCell,
  forLog,
  jsonOf,
  keepSecret,
  redact,
  requestIdOf,
  SECRET_PREFIX_CHARS,
  timeOf
} from '../src/server-text.js'

const KEY = 'sk-SECRETKEY-0123456789abcdef'
beforeAll(() => keepSecret(KEY))

/** The text as one line of the step's log: what the runner would execute in it. */
const commandsIn = (line: string) => unintendedCommands(`| ${line}\n${line}\n`)

describe('forLog: no line the runner would execute, under either syntax', () => {
  test.each([
    [
      'a legacy command anywhere',
      'progress ##[set-output name=path;]/etc/passwd',
      'progress ##\\[set-output name=path;]/etc/passwd'
    ],
    ['a legacy command at the start', '##[add-mask]everything', '##\\[add-mask]everything'],
    [
      'with properties',
      '##[error file=.github/workflows/release.yml;line=1;title=Security]Rotate',
      '##\\[error file=.github/workflows/release.yml;line=1;title=Security]Rotate'
    ],
    ['names without case', '##[SET-OUTPUT name=path;]x', '##\\[SET-OUTPUT name=path;]x'],
    ['stop-commands, then its token', '##[stop-commands]tok ##[tok]', '##\\[stop-commands]tok ##\\[tok]'],
    ['a `[` at the start is text: nothing before it is the server’s', '[{"field":"format"}]', '[{"field":"format"}]'],
    ['a `#` at the end, which the next text could follow with `[`', 'issue ##', 'issue #\\#'],
    ['#[ inside', 'a #[b', 'a #\\[b'],
    ['a command at the start', '::add-mask::everything', '\\::add-mask::everything'],
    ['after spaces, which the runner trims', '   ::warning::forged', '   \\::warning::forged'],
    ['after a no-break space, which .NET trims too', '\u00a0::warning::forged', '\u00a0\\::warning::forged'],
    ['after a tab, escaped visibly', '\t::warning::forged', '\\t::warning::forged'],
    ['a line break before a command', 'a\n::error::forged', 'a\\n::error::forged'],
    ['a lone CR, a line break to the runner', 'a\r##[warning]x', 'a\\r##\\[warning]x'],
    ['`::` inside a line is text', 'std::vector and a::b', 'std::vector and a::b'],
    ['plain text stays as it is', 'Page 2 of 3 # done [ok]', 'Page 2 of 3 # done [ok]']
  ])('%s', (_, raw, shown) => {
    expect(forLog(raw)).toBe(shown)
    expect(commandsIn(forLog(raw))).toEqual([])
  })

  test('the oracle sees the raw payloads as commands: the rows above test something', () => {
    expect(commandsIn('progress ##[set-output name=path;]/etc/passwd').map(c => c.command)).toEqual([
      'set-output',
      'set-output'
    ])
    expect(unintendedCommands('\u00a0::warning::forged\n').map(c => c.command)).toEqual([])
    expect(unintendedCommands('\u00a0::add-mask::x\n').map(c => c.command)).toEqual(['add-mask'])
  })

  test('cut at the cap, with the rest counted; the escape comes after the cut', () => {
    expect(forLog(`${'a'.repeat(10)}##[x`, 10)).toBe('aaaaaaaaaa… (4 more characters)')
    expect(forLog(`${'a'.repeat(9)}##[x`, 12)).toBe('aaaaaaaaa##\\[… (1 more characters)')
  })

  test('invisible characters that disguise text are shown; ZWJ and ZWNJ are kept', () => {
    expect(forLog('\u202Egnp.exe')).toBe('\\u202egnp.exe')
    expect(forLog('👨\u200d👩\u200d👧')).toBe('👨\u200d👩\u200d👧')
  })
})

describe('redact, then cut, then escape: no secret shows, not even in part', () => {
  test.each([
    ['the key', `token ${KEY} refused`, 'token *** refused'],
    ['the key twice', `${KEY}/${KEY}`, '***/***'],
    ['the key split by a line break', `one entry: ${KEY.slice(0, 14)}\n${KEY.slice(14)} end`, 'one entry: *** end'],
    ['the key split by CRLF twice', `${KEY.slice(0, 5)}\r\n${KEY.slice(5, 9)}\r\n${KEY.slice(9)}`, '***'],
    ['a start of the key the server cut', `Bearer ${KEY.slice(0, 20)}…`, 'Bearer ***…'],
    [`the key's first ${SECRET_PREFIX_CHARS} characters`, `x ${KEY.slice(0, SECRET_PREFIX_CHARS)} y`, 'x *** y'],
    [
      `fewer than ${SECRET_PREFIX_CHARS} are words, not the key`,
      `x ${KEY.slice(0, SECRET_PREFIX_CHARS - 1)} y`,
      `x ${KEY.slice(0, SECRET_PREFIX_CHARS - 1)} y`
    ],
    ['its tail alone is not a secret', `x ${KEY.slice(10)}`, `x ${KEY.slice(10)}`]
  ])('%s', (_, raw, shown) => {
    expect(redact(raw)).toBe(shown)
  })

  test('a text that repeats the key’s start a million times is redacted in linear time', () => {
    const text = `${KEY.slice(0, SECRET_PREFIX_CHARS)} `.repeat(1_000_000)
    const started = Date.now()
    expect(redact(text)).toBe('*** '.repeat(1_000_000))
    // Quadratic work would take hours; linear takes well under a second. Generous for a busy machine.
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  test('a key that straddles forLog’s cap is replaced before the cut', () => {
    const text = `${'f'.repeat(70)}Authorization: Bearer ${KEY}`
    const line = forLog(text, 100)
    expect(line).toContain('Bearer ***')
    expect(line).not.toContain(KEY.slice(0, SECRET_PREFIX_CHARS))
  })

  test('a key at the cut of jsonOf (details) is replaced before the cut', () => {
    const details = { note: `${'x'.repeat(1024 - 11 - '{"note":"'.length)}${KEY}` }
    const text = jsonOf(details, 1024)
    expect(text).toContain('***')
    expect(text).not.toContain(KEY.slice(0, SECRET_PREFIX_CHARS))
    expect(jsonOf({ [KEY]: 1 })).toBe('{"***":1}')
  })

  test('a key in a table cell is replaced before the cell is cut and escaped', () => {
    const cell = forCell(`${'c'.repeat(190)}${KEY}`, 200)
    expect(cell).not.toContain('SECRETKE')
    expect(cell).toContain('&#42;&#42;&#42;')
  })

  test('a request id that holds the key has it replaced; one that does not is kept', () => {
    expect(requestIdOf(KEY)).toBe('***')
    expect(requestIdOf(`req-${KEY}`)).toBe('req-***')
    expect(requestIdOf('req-abc-123')).toBe('req-abc-123')
    expect(requestIdOf('a b')).toBeUndefined()
  })
})

describe('timeOf: only a plausible time is a time', () => {
  const now = Date.UTC(2026, 11, 5, 12)
  test.each([
    ['a time today, in ms', now - 1000, 1, now - 1000],
    ['unix seconds', 1764000000, 1000, 1764000000 * 1000],
    ['the start of 2000', Date.UTC(2000, 0, 1), 1, Date.UTC(2000, 0, 1)],
    ['before 2000', Date.UTC(1999, 11, 31), 1, undefined],
    ['1.5 ms: 1970', 1.5, 1, undefined],
    ['8.64e15 ms: the year 275760', 8.64e15, 1, undefined],
    ['9e15: beyond what Date shows', 9e15, 1, undefined],
    ['a day ahead of the clock', now + 24 * 3600 * 1000, 1, now + 24 * 3600 * 1000],
    ['more than a day ahead', now + 24 * 3600 * 1000 + 1, 1, undefined],
    ['a string', '1764000000', 1000, undefined],
    ['NaN', Number.NaN, 1, undefined],
    ['negative', -1, 1, undefined]
  ])('%s', (_, value, unit, expected) => {
    expect(timeOf(value, unit as number, now)).toBe(expected)
  })
})
