import { HAN_PAIR } from '../../text/cjk.js'
import { COMMON_WORDS } from '../../text/common-words.js'
import { GENERIC } from './free.js'

/**
 * The process-wide table of units (token keys, content units, CJK bigrams) that compiled questions and red
 * flags use, each interned to a small integer id once. An answer's tokens are looked up once each (see
 * `sentenceIds` in analyse.ts); from then on membership in a question's vocabulary, key-point names, bags,
 * everyday words and specificity are array reads. Only compiling a question (or a flag list) adds units: the
 * table is bounded by the bank, never by the answers (an answer's unknown units keep their string).
 */
const ids = new Map<string, number>()
const texts: string[] = []
/** Per id: bit 1, an everyday or generic word ({@link COMMON_WORDS}, {@link GENERIC}); bit 2, a CJK character bigram. */
let info = new Uint8Array(1024)

const COMMON = 1
const HAN_BIGRAM = 2

/** The id of `unit`, added to the table if new. Call only while compiling bank texts (the table must stay bounded). */
export function internUnit(unit: string): number {
  let id = ids.get(unit)
  if (id === undefined) {
    id = texts.length
    if (id >= info.length) {
      const grown = new Uint8Array(info.length * 2)
      grown.set(info)
      info = grown
    }
    texts.push(unit)
    ids.set(unit, id)
    info[id] = (COMMON_WORDS.has(unit) || GENERIC.has(unit) ? COMMON : 0) | (HAN_PAIR.test(unit) ? HAN_BIGRAM : 0)
  }
  return id
}

/** The id of `unit`, or -1 when no compiled text uses it. */
export function unitId(unit: string): number {
  return ids.get(unit) ?? -1
}

/** How many units the table holds: it only grows, so a sentence's ids read at this size are still current. */
export function unitCount(): number {
  return texts.length
}

/** The unit of an id. */
export function unitText(id: number): string {
  return texts[id]!
}

/** Whether the unit is an everyday or generic word (never evidence of topical content). */
export function isCommonUnit(id: number): boolean {
  return (info[id]! & COMMON) !== 0
}

/** Whether the unit is a CJK character bigram. */
export function isHanBigram(id: number): boolean {
  return (info[id]! & HAN_BIGRAM) !== 0
}

// Every everyday and generic word has an id: a unit missing from the table is neither.
for (const u of COMMON_WORDS) internUnit(u)
for (const u of GENERIC) internUnit(u)

/** A set of unit ids: one bit per id (ids past its end are not in it). */
export type UnitSet = Uint32Array

/** The set of the units (interned). */
export function unitSet(units: Iterable<string>): UnitSet {
  const list: number[] = []
  // Each distinct unit looked up once (texts repeat their words): a small set is quicker to probe than the table.
  for (const u of new Set(units)) list.push(internUnit(u))
  return idSet(list)
}

/** The set of unit ids. */
export function idSet(ids: Iterable<number>): UnitSet {
  const list = [...ids]
  let max = -1
  for (const id of list) if (id > max) max = id
  const bits = new Uint32Array(max < 0 ? 0 : (max >>> 5) + 1)
  for (const id of list) bits[id >>> 5]! |= 1 << (id & 31)
  return bits
}

/** Whether unit `id` (≥ 0) is in the set. */
export function hasUnit(set: UnitSet, id: number): boolean {
  const w = id >>> 5
  return w < set.length && (set[w]! & (1 << (id & 31))) !== 0
}

/**
 * Generation marks over small integers (unit ids, token positions): `mark(i)` is true the first time `i` is
 * marked in the current generation, and {@link Marks.next} starts a new one without clearing anything (a
 * per-sentence or per-window `Set` becomes a counter bump). One instance per purpose, reused across answers.
 */
export class Marks {
  private stamps = new Uint32Array(1024)
  private gen = 1

  /** Starts a new generation (an empty set); returns its number. */
  next(): number {
    if (this.gen >= 0xfffffff0) {
      this.stamps.fill(0)
      this.gen = 0
    }
    return ++this.gen
  }

  /** The current generation's number. */
  current(): number {
    return this.gen
  }

  /** Marks `id` in the current generation; true when it was not marked yet. */
  mark(id: number): boolean {
    if (id >= this.stamps.length) this.grow(id)
    if (this.stamps[id] === this.gen) return false
    this.stamps[id] = this.gen
    return true
  }

  /** Whether `id` was marked in generation `gen` (and not marked again since). */
  marked(id: number, gen: number): boolean {
    return id < this.stamps.length && this.stamps[id] === gen
  }

  private grow(id: number): void {
    let n = this.stamps.length * 2
    while (n <= id) n *= 2
    const grown = new Uint32Array(n)
    grown.set(this.stamps)
    this.stamps = grown
  }
}

/**
 * An immutable map from unit ids to small non-negative integers, read on hot paths (a window's units, a
 * sentence's term starts): open addressing over two typed arrays, a multiply and a compare or two per lookup.
 */
export class IdMap {
  /** Slot h's id at 2h (-1: empty) and its value at 2h + 1: a probe reads one cache line, not two arrays. */
  private readonly slots: Int32Array
  private readonly shift: number

  constructor(entries: Iterable<readonly [number, number]>) {
    const list = [...entries]
    let bits = 3
    while (1 << bits < list.length * 2) bits++
    this.shift = 32 - bits
    this.slots = new Int32Array(2 << bits).fill(-1)
    const mask = (1 << bits) - 1
    for (const [id, value] of list) {
      let h = Math.imul(id, 0x9e3779b1) >>> this.shift
      while (this.slots[2 * h] !== -1 && this.slots[2 * h] !== id) h = (h + 1) & mask
      this.slots[2 * h] = id
      this.slots[2 * h + 1] = value
    }
  }

  /** The value of `id` (≥ 0), or -1 when it has none. */
  get(id: number): number {
    const slots = this.slots
    const mask = (slots.length >>> 1) - 1
    let h = Math.imul(id, 0x9e3779b1) >>> this.shift
    for (;;) {
      const k = slots[2 * h]!
      if (k === id) return slots[2 * h + 1]!
      if (k === -1) return -1
      h = (h + 1) & mask
    }
  }
}
