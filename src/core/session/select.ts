import type { Question } from '../bank/schema.js'

export interface SelectOptions {
  categories?: readonly string[]
  difficulty?: string
  count: number
  /** Same seed, same bank → same questions in the same order. Without one, `random` decides. */
  seed?: number
  random?: () => number
  /** Adaptive picking: question ids ranked most-needed first (from the scheduler). Overrides shuffling. */
  ranked?: readonly string[]
}

/** A small fast seeded PRNG (mulberry32): reproducible selection across machines and Node versions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Picks the questions of an interview: filters by category and difficulty, then takes `count` of them in
 * a seeded shuffle, or in `ranked` order for adaptive sessions. Questions are spread across categories
 * (round-robin) so five questions are not all on one topic when several categories qualify.
 * Returns fewer than `count` when fewer match; the caller says so.
 */
export function selectQuestions(all: readonly Question[], opts: SelectOptions): Question[] {
  const cats = opts.categories?.length ? new Set(opts.categories) : undefined
  const pool = all
    .filter((q) => (!cats || cats.has(q.category)) && (!opts.difficulty || q.difficulty === opts.difficulty))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  if (opts.ranked) {
    const rank = new Map(opts.ranked.map((id, i) => [id, i]))
    const inf = Number.MAX_SAFE_INTEGER
    return [...pool].sort((a, b) => (rank.get(a.id) ?? inf) - (rank.get(b.id) ?? inf)).slice(0, opts.count)
  }
  const random = opts.seed !== undefined ? seededRandom(opts.seed) : (opts.random ?? Math.random)
  const shuffled = [...pool]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
  }
  // Round-robin over categories, keeping the shuffled order within each.
  const byCat = new Map<string, Question[]>()
  for (const q of shuffled) byCat.set(q.category, [...(byCat.get(q.category) ?? []), q])
  const out: Question[] = []
  const queues = [...byCat.values()]
  while (out.length < opts.count && queues.some((q) => q.length > 0))
    for (const q of queues) {
      const next = q.shift()
      if (next && out.length < opts.count) out.push(next)
    }
  return out
}
