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

/**
 * A map from fingerprint to a mark and either a count (rows compared whole: how many times a row
 * occurs) or a second fingerprint (rows matched by key: the row's content). Made for a known
 * number of entries (`expected`), so a million rows are one allocation, not a chain of doublings
 * whose garbage would outlive them; it still grows, by doubling, for entries beyond that.
 */
export class FingerprintTable {
  private capacity: number
  private hi: Uint32Array
  private lo: Uint32Array
  /** 0: empty slot; otherwise the fingerprint's Mark. */
  private marks: Uint8Array
  private counts?: Uint32Array
  private valueHi?: Uint32Array
  private valueLo?: Uint32Array
  size = 0

  /** `withValues`: a second fingerprint per entry (a keyed row's content) instead of a count. */
  constructor(
    expected: number,
    private readonly withValues = false
  ) {
    this.capacity = 1 << Math.max(10, Math.ceil(Math.log2((expected + 1) / MAX_LOAD)))
    ;({
      hi: this.hi,
      lo: this.lo,
      marks: this.marks,
      counts: this.counts,
      valueHi: this.valueHi,
      valueLo: this.valueLo
    } = this.allocate(this.capacity))
  }

  /** The slot holding `key`, or -1. */
  find(key: Fingerprint): number {
    const slot = this.probe(key)
    return this.marks[slot] === EMPTY ? -1 : slot
  }

  /** The slot for `key`, a new one marked `mark` when it was not there. Returns [slot, isNew]. */
  add(key: Fingerprint, mark: Mark): [number, boolean] {
    let slot = this.probe(key)
    if (this.marks[slot] !== EMPTY) return [slot, false]
    if (this.size + 1 > this.capacity * MAX_LOAD) {
      this.grow()
      slot = this.probe(key)
    }
    this.hi[slot] = key.hi
    this.lo[slot] = key.lo
    this.marks[slot] = mark
    this.size++
    return [slot, true]
  }

  mark(slot: number): Mark {
    return this.marks[slot] as Mark
  }

  setMark(slot: number, mark: Mark): void {
    this.marks[slot] = mark
  }

  count(slot: number): number {
    return this.counts![slot]
  }

  setCount(slot: number, count: number): void {
    this.counts![slot] = count
  }

  /** The second fingerprint of a keyed row. */
  value(slot: number): Fingerprint {
    return { hi: this.valueHi![slot], lo: this.valueLo![slot] }
  }

  setValue(slot: number, value: Fingerprint): void {
    this.valueHi![slot] = value.hi
    this.valueLo![slot] = value.lo
  }

  /** Every occupied slot, in table order. */
  *slots(): Generator<number> {
    for (let slot = 0; slot < this.capacity; slot++) if (this.marks[slot] !== EMPTY) yield slot
  }

  private probe({ hi, lo }: Fingerprint): number {
    const mask = this.capacity - 1
    let slot = lo & mask
    while (this.marks[slot] !== EMPTY && (this.hi[slot] !== hi || this.lo[slot] !== lo)) slot = (slot + 1) & mask
    return slot
  }

  private allocate(capacity: number) {
    return {
      hi: new Uint32Array(capacity),
      lo: new Uint32Array(capacity),
      marks: new Uint8Array(capacity),
      counts: this.withValues ? undefined : new Uint32Array(capacity),
      valueHi: this.withValues ? new Uint32Array(capacity) : undefined,
      valueLo: this.withValues ? new Uint32Array(capacity) : undefined
    }
  }

  private grow(): void {
    const old = {
      hi: this.hi,
      lo: this.lo,
      marks: this.marks,
      counts: this.counts,
      valueHi: this.valueHi,
      valueLo: this.valueLo
    }
    this.capacity *= 2
    ;({
      hi: this.hi,
      lo: this.lo,
      marks: this.marks,
      counts: this.counts,
      valueHi: this.valueHi,
      valueLo: this.valueLo
    } = this.allocate(this.capacity))
    for (let from = 0; from < old.marks.length; from++) {
      if (old.marks[from] === EMPTY) continue
      const to = this.probe({ hi: old.hi[from], lo: old.lo[from] })
      this.hi[to] = old.hi[from]
      this.lo[to] = old.lo[from]
      this.marks[to] = old.marks[from]
      if (this.counts) this.counts[to] = old.counts![from]
      if (this.valueHi) {
        this.valueHi[to] = old.valueHi![from]
        this.valueLo![to] = old.valueLo![from]
      }
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
