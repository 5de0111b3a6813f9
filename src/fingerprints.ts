/**
 * Rows remembered as fixed-size fingerprints, so that comparing two exports of a million rows
 * takes tens of megabytes, not the rows themselves. A fingerprint is the first 64 bits of the
 * SHA-256 of a row's canonical text (with a million rows, the chance that two different rows share
 * one is about 1 in 30 million). The table is open addressing over typed arrays: no object per row.
 */
import { hash } from 'node:crypto'

/** A row's fingerprint: the first 64 bits of SHA-256, as two 32-bit halves. */
export interface Fingerprint {
  hi: number
  lo: number
}

export function fingerprint(text: string): Fingerprint {
  // As hex, not a Buffer: a string is young garbage the heap collects at once, where a million
  // 32-byte buffers each hold memory outside it until a full collection.
  const digest = hash('sha256', text, 'hex')
  return { hi: parseInt(digest.slice(0, 8), 16), lo: parseInt(digest.slice(8, 16), 16) }
}

/** Where a fingerprint has been seen: only in the previous export (so far), in both, or only in this one. */
export const Mark = { Previous: 1, Matched: 2, Added: 3 } as const
export type Mark = (typeof Mark)[keyof typeof Mark]

const EMPTY = 0

/** Slots per entry at most this full: a linear probe then stays a few slots long. */
const MAX_LOAD = 0.75

/** The table's columns, one entry per slot: typed arrays, so that no row is an object. */
interface Slots {
  hi: Uint32Array
  lo: Uint32Array
  /** 0: empty slot; otherwise the fingerprint's Mark. */
  marks: Uint8Array
  /** Rows compared whole: how many times the row occurs. */
  counts?: Uint32Array
  /** Rows matched by key: the row's own fingerprint. */
  valueHi?: Uint32Array
  valueLo?: Uint32Array
}

/**
 * A map from fingerprint to a mark and either a count (rows compared whole: how many times a row
 * occurs) or a second fingerprint (rows matched by key: the row's content). Made for a known
 * number of entries (`expected`), so a million rows are one allocation, not a chain of doublings
 * whose garbage would outlive them; it still grows, by doubling, for entries beyond that.
 */
export class FingerprintTable {
  private slots: Slots
  size = 0

  /** `withValues`: a second fingerprint per entry (a keyed row's content) instead of a count. */
  constructor(
    expected: number,
    private readonly withValues = false
  ) {
    this.slots = this.allocate(1 << Math.max(10, Math.ceil(Math.log2((expected + 1) / MAX_LOAD))))
  }

  /** The slot holding `key`, or -1. */
  find(key: Fingerprint): number {
    const slot = this.probe(key)
    return this.slots.marks[slot] === EMPTY ? -1 : slot
  }

  /** The slot for `key`, a new one marked `mark` when it was not there. Returns [slot, isNew]. */
  add(key: Fingerprint, mark: Mark): [number, boolean] {
    let slot = this.probe(key)
    if (this.slots.marks[slot] !== EMPTY) return [slot, false]
    if (this.size + 1 > this.slots.marks.length * MAX_LOAD) {
      this.grow()
      slot = this.probe(key)
    }
    this.slots.hi[slot] = key.hi
    this.slots.lo[slot] = key.lo
    this.slots.marks[slot] = mark
    this.size++
    return [slot, true]
  }

  mark(slot: number): Mark {
    return this.slots.marks[slot] as Mark
  }

  setMark(slot: number, mark: Mark): void {
    this.slots.marks[slot] = mark
  }

  count(slot: number): number {
    return this.slots.counts![slot]
  }

  setCount(slot: number, count: number): void {
    this.slots.counts![slot] = count
  }

  /** The second fingerprint of a keyed row. */
  value(slot: number): Fingerprint {
    return { hi: this.slots.valueHi![slot], lo: this.slots.valueLo![slot] }
  }

  setValue(slot: number, value: Fingerprint): void {
    this.slots.valueHi![slot] = value.hi
    this.slots.valueLo![slot] = value.lo
  }

  /** Every occupied slot, in table order. */
  *occupied(): Generator<number> {
    for (let slot = 0; slot < this.slots.marks.length; slot++) if (this.slots.marks[slot] !== EMPTY) yield slot
  }

  private probe({ hi, lo }: Fingerprint): number {
    const { marks, hi: his, lo: los } = this.slots
    const mask = marks.length - 1
    let slot = lo & mask
    while (marks[slot] !== EMPTY && (his[slot] !== hi || los[slot] !== lo)) slot = (slot + 1) & mask
    return slot
  }

  private allocate(capacity: number): Slots {
    const words = () => new Uint32Array(capacity)
    const marks = new Uint8Array(capacity)
    return this.withValues
      ? { hi: words(), lo: words(), marks, valueHi: words(), valueLo: words() }
      : { hi: words(), lo: words(), marks, counts: words() }
  }

  /** Twice the slots: every entry, each of its columns, moved to where it probes now. */
  private grow(): void {
    const old = this.slots
    this.slots = this.allocate(old.marks.length * 2)
    const columns = Object.keys(old) as Array<keyof Slots>
    for (let from = 0; from < old.marks.length; from++) {
      if (old.marks[from] === EMPTY) continue
      const to = this.probe({ hi: old.hi[from], lo: old.lo[from] })
      for (const column of columns) this.slots[column]![to] = old[column]![from]
    }
  }
}

/**
 * Fingerprints in the order they came, in blocks of 64 Ki: a file's rows collected before the
 * table is made, without one large array copied each time it fills.
 */
export class FingerprintList {
  private readonly blocks: Uint32Array[] = []
  length = 0

  /** `width`: fingerprints per entry (1, or 2 for a key and its row). */
  constructor(private readonly width: 1 | 2) {}

  push(...prints: Fingerprint[]): void {
    const at = (this.length % BLOCK) * 2 * this.width
    if (at === 0) this.blocks.push(new Uint32Array(BLOCK * 2 * this.width))
    const block = this.blocks[this.blocks.length - 1]
    for (let k = 0; k < this.width; k++) {
      block[at + 2 * k] = prints[k].hi
      block[at + 2 * k + 1] = prints[k].lo
    }
    this.length++
  }

  /** The entries, in order: each a fingerprint, or a key's and its row's. */
  *entries(): Generator<Fingerprint[]> {
    for (let i = 0; i < this.length; i++) {
      const block = this.blocks[Math.floor(i / BLOCK)]
      const at = (i % BLOCK) * 2 * this.width
      const entry: Fingerprint[] = []
      for (let k = 0; k < this.width; k++) entry.push({ hi: block[at + 2 * k], lo: block[at + 2 * k + 1] })
      yield entry
    }
  }
}

const BLOCK = 64 * 1024

/** JSON text with every object's keys sorted, at every depth: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value))
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys)
  if (value === null || typeof value !== 'object') return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys((value as Record<string, unknown>)[key])
  return sorted
}
