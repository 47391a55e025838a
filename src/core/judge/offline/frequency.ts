import { HAN_PAIR as CJK_BIGRAM } from '../../text/cjk.js'
import FREQUENCY_DATA from './bank-frequency.json' with { type: 'json' }
import { unitText } from './units.js'

/**
 * In how many questions of the shipped bank each word occurs (latin words in 3 or more, every CJK bigram;
 * written by bench/fit-offline.mjs). Words every topic uses — model, token, latency, 数据 — say little about
 * whether an answer is on this question's topic.
 */
/**
 * The table as shipped: the units sorted (UTF-16 order), one per line in one string, and their counts in the
 * same order. Two flat values parse in half the time of an object with 16,000 keys, which was a tenth of the
 * start-up of grading one bank answer; a word such as `constructor` or `__proto__` is just a string here.
 */
const FREQUENCY = FREQUENCY_DATA as { questions: number; units: string; df: number[] }
/**
 * Where each unit starts in `FREQUENCY.units` (and, last, where one past the end would start): found once with
 * `indexOf`, which is a third of the cost of splitting the string into 16,000 strings at start-up.
 */
let starts: Int32Array | undefined

function unitStarts(): Int32Array {
  const text = FREQUENCY.units
  const out = new Int32Array(FREQUENCY.df.length + 1)
  let k = 1
  for (let at = text.indexOf('\n'); at >= 0 && k < out.length; at = text.indexOf('\n', at + 1)) out[k++] = at + 1
  out[k] = text.length + 1
  return out
}

/** `unit` against the table's unit from `from` to `to` (exclusive), in UTF-16 order as the table is sorted. */
function compareAt(unit: string, from: number, to: number): number {
  const text = FREQUENCY.units
  const n = to - from
  const m = Math.min(unit.length, n)
  for (let i = 0; i < m; i++) {
    const d = unit.charCodeAt(i) - text.charCodeAt(from + i)
    if (d !== 0) return d
  }
  return unit.length - n
}

/** FNV-1a of `text` from `from` to `to` (exclusive). */
function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const FILTER_BITS = 1 << 19
/**
 * Two bits per unit of the table, by hash (a Bloom filter, 64 kB): a unit with either bit clear is not in the
 * table, which is most of an answer's words that no question uses, without the binary search.
 */
let filter: Uint32Array | undefined
/**
 * Lookups answered by the binary search alone before the filter is built: building it hashes every unit of the
 * table, which a `grade` of one answer (a few hundred lookups) would pay for nothing.
 */
const FILTER_AFTER = 4_096
let lookups = 0

function mayHold(unit: string): boolean {
  if (!filter) {
    if (++lookups <= FILTER_AFTER) return true
    filter = new Uint32Array(FILTER_BITS >>> 5)
    const text = FREQUENCY.units
    for (let k = 0; k < FREQUENCY.df.length; k++) {
      const h = hashOf(text, starts![k]!, starts![k + 1]! - 1)
      for (const bit of [h & (FILTER_BITS - 1), (h >>> 13) & (FILTER_BITS - 1)]) filter[bit >>> 5]! |= 1 << (bit & 31)
    }
  }
  const h = hashOf(unit, 0, unit.length)
  const a = h & (FILTER_BITS - 1)
  const b = (h >>> 13) & (FILTER_BITS - 1)
  return (filter[a >>> 5]! & (1 << (a & 31))) !== 0 && (filter[b >>> 5]! & (1 << (b & 31))) !== 0
}

/** The table's count for `unit`, if it has one: a binary search over the sorted units. */
function documentFrequency(unit: string): number | undefined {
  starts ??= unitStarts()
  if (!mayHold(unit)) return undefined
  let lo = 0
  let hi = FREQUENCY.df.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const c = compareAt(unit, starts[mid]!, starts[mid + 1]! - 1)
    if (c === 0) return FREQUENCY.df[mid]
    if (c > 0) lo = mid + 1
    else hi = mid - 1
  }
  return undefined
}

/**
 * Specificity of the table's units already looked up (a question's units recur across its key points).
 * Only units the table holds are remembered, so it is bounded by the table: an answer's own words (a
 * number, a name, a typo) would each be kept by this long-lived map, and so outlive the answer and be
 * promoted to the old generation, one per answer, for the next full collection to find.
 */
const SPECIFICITY = new Map<string, number>()

/**
 * How specific a word is to a topic: 1 for a word few questions use, near 0 for one they all use, and 0 for
 * a CJK bigram the bank never uses (more likely two characters across a word boundary than a word).
 */
export function specificity(unit: string): number {
  const known = SPECIFICITY.get(unit)
  if (known !== undefined) return known
  const df = documentFrequency(unit)
  if (!df) return CJK_BIGRAM.test(unit) ? 0 : 1
  const value = Math.max(0.05, Math.min(1, Math.log(FREQUENCY.questions / df) / Math.log(FREQUENCY.questions / 2)))
  SPECIFICITY.set(unit, value)
  return value
}

/** {@link specificity} of a unit of the table (units.ts), by id: read from the table's units once each. */
export function specificityOf(id: number): number {
  if (id >= byId.length) {
    let n = byId.length * 2
    while (n <= id) n *= 2
    const grown = new Float64Array(n).fill(Number.NaN)
    grown.set(byId)
    byId = grown
  }
  let value = byId[id]!
  if (Number.isNaN(value)) byId[id] = value = specificity(unitText(id))
  return value
}
let byId = new Float64Array(1024).fill(Number.NaN)
