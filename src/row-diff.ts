/**
 * What changed since the previous export: rows added, removed and (with key fields) changed, and
 * columns added or removed. Both files are read as streams; each row is remembered as a fixed-size
 * fingerprint (fingerprints.ts), so a million rows take tens of megabytes.
 *
 *   1. the previous file: every row's fingerprint (and its key's, with key fields) into a table;
 *   2. this export: each row looked up, counted as unchanged, changed or added; the first few kept;
 *   3. the previous file again, only for the first few removed rows and changed rows' old values.
 *
 * CSV columns are matched by name: rows are compared on the columns both files have, so a moved
 * column changes nothing, and an added or removed one is reported as such. JSON values compare by
 * value, whatever the order of their keys. Other formats, and files whose rows can't be read, are
 * compared by their bytes.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Format } from './coreclaw-contract.js'
import { thousands as n } from './progress.js'
import {
  csvHeader,
  estimatedRows,
  isRowFormat,
  rowsOf,
  UnreadableRowsError,
  type Row,
  type RowFormat
} from './export-rows.js'
import {
  canonicalJson,
  fingerprint,
  FingerprintList,
  FingerprintTable,
  Mark,
  type Fingerprint
} from './fingerprints.js'

/** Rows of either file beyond which rows are not compared (the file still is, by its bytes). */
export const ROW_LIMIT = 2_000_000
/** Rows of each kind shown as examples. */
export const SAMPLES = 10

export interface Comparison {
  previousSha256: string
  changed: boolean
  /** By rows, for csv, json and jsonl; absent when the files were compared by their bytes. */
  rows?: RowChanges
  /** Why rows were not compared where they could have been, or why key fields were not used. */
  notice?: string
}

export interface RowChanges {
  added: number
  removed: number
  /** Only with key fields: rows whose key stayed and whose other fields differ. */
  changed?: number
  columnsAdded: string[]
  columnsRemoved: string[]
  examples: { added: Row[]; removed: Row[]; changed: ChangedRow[] }
}

export interface ChangedRow {
  /** The key fields and their values. */
  key: Record<string, unknown>
  fields: Array<{ name: string; before: unknown; after: unknown }>
}

export interface CompareJob {
  previous: string
  current: string
  currentSha256: string
  format: Format
  keyFields: string[]
  signal?: AbortSignal
  /** Rows of either file beyond which rows are not compared. */
  rowLimit?: number
}

export async function compareExports(job: CompareJob): Promise<Comparison> {
  const { previous, currentSha256, format, signal } = job
  const hashing = new HashOnTheWay(previous, signal)
  const byBytes = async (notice?: string): Promise<Comparison> => {
    const previousSha256 = await hashing.sha256()
    return { previousSha256, changed: previousSha256 !== currentSha256, notice }
  }
  if (!isRowFormat(format)) return byBytes()
  try {
    const compared = await compareRows({ ...job, format }, hashing)
    return { previousSha256: await hashing.sha256(), ...compared }
  } catch (error) {
    const bytesOnly = 'so rows were not compared: the files were compared by their bytes.'
    if (error instanceof TooManyRows) return byBytes(`Too many rows to compare (${error.message}), ${bytesOnly}`)
    if (error instanceof UnreadableRowsError) return byBytes(`${error.message}, ${bytesOnly}`)
    // JSON nested deeper than the stack allows ([[[[…]]]] from a scraped page).
    if (error instanceof RangeError) return byBytes(`A row is nested too deeply to compare, ${bytesOnly}`)
    throw error
  }
}

class TooManyRows extends Error {
  /** `estimate`: the rows a file holds by its size and first rows, when it was not read. */
  constructor(who: string, limit: number, estimate?: number) {
    super(
      estimate === undefined
        ? `${who} has over ${n(limit)} rows`
        : `${who} has about ${n(estimate < 10_000 ? estimate : Math.round(estimate / 1000) * 1000)} rows; at most ${n(limit)} are compared`
    )
  }
}

/** The name a file goes by in a notice. */
function whoIs(file: string, { previous }: CompareJob): string {
  return file === previous ? 'the earlier export' : 'this export'
}

/**
 * The SHA-256 of the earlier file, taken on the way by the first read that goes through it whole
 * (the comparison's first pass), so the file is not read once more for it; or, when no read did
 * (another format, a file over the row limit or one that is not its format), by a read of its own.
 */
class HashOnTheWay {
  private readonly hash = createHash('sha256')
  private state: 'unused' | 'reading' | 'whole' = 'unused'

  constructor(
    private readonly file: string,
    private readonly signal?: AbortSignal
  ) {}

  /** For the first read of the file only: what it must see of the bytes. */
  tap(file: string): ((bytes: Buffer) => void) | undefined {
    if (file !== this.file || this.state !== 'unused') return undefined
    this.state = 'reading'
    return bytes => this.hash.update(bytes)
  }

  /** That read went through the whole file. */
  readWhole(): void {
    if (this.state === 'reading') this.state = 'whole'
  }

  async sha256(): Promise<string> {
    return this.state === 'whole' ? this.hash.digest('hex') : sha256Of(this.file, this.signal)
  }
}

/** A file's rows, and its errors saying which file. */
async function* rowsNamed(
  file: string,
  job: CompareJob & { format: RowFormat },
  hashing: HashOnTheWay
): AsyncGenerator<Row> {
  let rows = 0
  const onBytes = hashing.tap(file)
  try {
    for await (const row of rowsOf(file, job.format, { signal: job.signal, onBytes })) {
      if (++rows > (job.rowLimit ?? ROW_LIMIT)) throw new TooManyRows(whoIs(file, job), job.rowLimit ?? ROW_LIMIT)
      yield row
    }
    if (onBytes) hashing.readWhole()
  } catch (error) {
    if (error instanceof UnreadableRowsError)
      throw new UnreadableRowsError(`${capital(whoIs(file, job))} ${error.message}`)
    throw error
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

async function compareRows(
  job: CompareJob & { format: RowFormat },
  hashing: HashOnTheWay
): Promise<Omit<Comparison, 'previousSha256'>> {
  const { format } = job
  const limit = job.rowLimit ?? ROW_LIMIT
  // A file far over the limit is told at once, not after reading two million of its rows.
  for (const file of [job.previous, job.current]) {
    const estimate = await estimatedRows(file, format)
    if (estimate > limit * 1.25) throw new TooManyRows(whoIs(file, job), limit, estimate)
  }
  const columns = format === 'csv' ? await sharedColumns(job) : undefined
  const missingKeys = columns ? job.keyFields.filter(name => !columns.shared.includes(name)) : []
  const keyFields = missingKeys.length > 0 ? [] : job.keyFields
  const canonical = (row: Row) =>
    columns ? JSON.stringify(columns.shared.map(name => field(row, name))) : canonicalJson(row)
  const keyOf = (row: Row) => JSON.stringify(keyFields.map(name => field(row, name) ?? null))
  const read = (file: string) => rowsNamed(file, { ...job, format }, hashing)

  const diff =
    keyFields.length > 0
      ? await keyedDiff(read, job, keyOf, canonical, columns?.shared)
      : await wholeDiff(read, job, canonical)
  if (diff === 'duplicate keys') {
    const again = await wholeDiff(read, job, canonical)
    return result(
      again,
      columns,
      `The key fields ${keyFields.join(', ')} do not identify rows (a key appears twice), so rows were compared whole.`
    )
  }
  const notice =
    missingKeys.length > 0
      ? `The key field${missingKeys.length > 1 ? 's' : ''} ${missingKeys.join(', ')} ${missingKeys.length > 1 ? 'are' : 'is'} not a column of both files, so rows were compared whole.`
      : undefined
  return result(diff, columns, notice)

  function result(
    diff: Omit<RowChanges, 'columnsAdded' | 'columnsRemoved'>,
    columns: Columns | undefined,
    notice: string | undefined
  ): Omit<Comparison, 'previousSha256'> {
    const columnsAdded = columns?.added ?? []
    const columnsRemoved = columns?.removed ?? []
    const changed = diff.added + diff.removed + (diff.changed ?? 0) + columnsAdded.length + columnsRemoved.length > 0
    return { changed, rows: { ...diff, columnsAdded, columnsRemoved }, notice }
  }
}

type Reader = (file: string) => AsyncGenerator<Row>

/** Rows compared whole, as a multiset: a row twice in one file and once in the other is one added or removed. */
async function wholeDiff(read: Reader, { previous, current }: CompareJob, canonical: (row: Row) => string) {
  const list = new FingerprintList(1)
  for await (const row of read(previous)) list.push(fingerprint(canonical(row)))
  const table = new FingerprintTable(list.length)
  for (const [print] of list.entries()) {
    const [slot] = table.add(print, Mark.Previous)
    table.setCount(slot, table.count(slot) + 1)
  }
  let added = 0
  const examples = { added: [] as Row[], removed: [] as Row[], changed: [] as ChangedRow[] }
  for await (const row of read(current)) {
    const slot = table.find(fingerprint(canonical(row)))
    if (slot >= 0 && table.count(slot) > 0) table.setCount(slot, table.count(slot) - 1)
    else if (added++ < SAMPLES) examples.added.push(row)
  }
  let removed = 0
  for (const slot of table.occupied()) removed += table.count(slot)
  if (removed > 0) {
    // Which rows were removed is known only now: the first few, from the previous file again.
    for await (const row of read(previous)) {
      const slot = table.find(fingerprint(canonical(row)))
      if (slot < 0 || table.count(slot) === 0) continue
      table.setCount(slot, table.count(slot) - 1)
      examples.removed.push(row)
      if (examples.removed.length === Math.min(SAMPLES, removed)) break
    }
  }
  return { added, removed, examples }
}

/** Rows matched by their key: a key in both files whose rows differ is one changed row. */
async function keyedDiff(
  read: Reader,
  { previous, current, keyFields }: CompareJob,
  keyOf: (row: Row) => string,
  canonical: (row: Row) => string,
  /** The fields rows are compared on (a CSV's shared columns); all of them when undefined. */
  fields?: string[]
) {
  const list = new FingerprintList(2)
  for await (const row of read(previous)) list.push(fingerprint(keyOf(row)), fingerprint(canonical(row)))
  const table = new FingerprintTable(list.length, true)
  for (const [key, content] of list.entries()) {
    const [slot, isNew] = table.add(key, Mark.Previous)
    if (!isNew) return 'duplicate keys' as const
    table.setValue(slot, content)
  }
  let added = 0
  let changed = 0
  const examples = { added: [] as Row[], removed: [] as Row[], changed: [] as ChangedRow[] }
  /** The changed rows shown, by key, waiting for their old values. */
  const changedShown = new Map<string, Row>()
  for await (const row of read(current)) {
    const key = keyOf(row)
    const [slot, isNew] = table.add(fingerprint(key), Mark.Added)
    if (isNew) {
      if (added++ < SAMPLES) examples.added.push(row)
      continue
    }
    if (table.mark(slot) !== Mark.Previous) return 'duplicate keys' as const
    table.setMark(slot, Mark.Matched)
    if (!same(table.value(slot), fingerprint(canonical(row)))) {
      if (changed++ < SAMPLES) changedShown.set(key, row)
    }
  }
  let removed = 0
  for (const slot of table.occupied()) if (table.mark(slot) === Mark.Previous) removed++
  if (removed > 0 || changedShown.size > 0) {
    // The removed rows, and the old values of the changed ones shown, from the previous file again.
    const wanted = Math.min(SAMPLES, removed)
    for await (const row of read(previous)) {
      const key = keyOf(row)
      const after = changedShown.get(key)
      if (after !== undefined) {
        examples.changed.push(changedFields(row, after, keyFields, fields))
        changedShown.delete(key)
      } else if (examples.removed.length < wanted && table.mark(table.find(fingerprint(key))) === Mark.Previous) {
        examples.removed.push(row)
      }
      if (changedShown.size === 0 && examples.removed.length === wanted) break
    }
  }
  return { added, removed, changed, examples }
}

function same(a: Fingerprint, b: Fingerprint): boolean {
  return a.hi === b.hi && a.lo === b.lo
}

/** A changed row as its key and the fields that differ, old → new. */
function changedFields(before: Row, after: Row, keyFields: string[], fields?: string[]): ChangedRow {
  const names = fields ?? [...new Set([...Object.keys(asObject(before)), ...Object.keys(asObject(after))])]
  return {
    key: Object.fromEntries(keyFields.map(name => [name, field(after, name)])),
    fields: names
      .filter(name => canonicalJson(field(before, name)) !== canonicalJson(field(after, name)))
      .map(name => ({ name, before: field(before, name), after: field(after, name) }))
  }
}

function asObject(row: Row): Record<string, unknown> {
  return row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : {}
}

function field(row: Row, name: string): unknown {
  return Object.hasOwn(asObject(row), name) ? asObject(row)[name] : undefined
}

interface Columns {
  /** The columns both files have, by name, sorted: what rows are compared on. */
  shared: string[]
  added: string[]
  removed: string[]
}

async function sharedColumns(job: CompareJob): Promise<Columns> {
  const header = (file: string) =>
    csvHeader(file, job.signal).catch(error => {
      if (!(error instanceof UnreadableRowsError)) throw error
      throw new UnreadableRowsError(`${capital(whoIs(file, job))} ${error.message}`)
    })
  const [before, after] = await Promise.all([header(job.previous), header(job.current)])
  return {
    shared: after.filter(name => before.includes(name)).sort(),
    added: after.filter(name => !before.includes(name)),
    removed: before.filter(name => !after.includes(name))
  }
}

async function sha256Of(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
