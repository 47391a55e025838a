import type { Question } from '../bank/schema.js'
import { HAN } from '../text/cjk.js'
import { jaccard } from '../text/similarity.js'

/** Latin words of 3+ characters, or a pair of Han characters. */
const WORD_OR_HAN_PAIR = new RegExp(`[a-z][a-z0-9-]{2,}|${HAN.source}{2}`, 'gu')

// Memoised per question object: the off-topic pick compares every question with every other.
const vocabularies = new WeakMap<Question, Set<string>>()

function vocabulary(q: Question): Set<string> {
  const cached = vocabularies.get(q)
  if (cached) return cached
  const text = `${q.prompt.en} ${q.reference.en} ${q.prompt.zh} ${q.reference.zh}`.toLowerCase()
  const words = text.match(WORD_OR_HAN_PAIR) ?? []
  const set = new Set(words)
  vocabularies.set(q, set)
  return set
}

/**
 * Picks the question whose strong answer serves as the off-topic probe: from a different category when the
 * bank has one, and among those the one whose prompt and reference share the least vocabulary with this
 * question (ties broken by id), so that a neighbouring topic is not mistaken for an off-topic one.
 * Deterministic. Undefined when the bank holds no other question with a strong answer.
 */
export function pickOffTopic(question: Question, others: readonly Question[]): Question | undefined {
  const candidates = others.filter((o) => o.id !== question.id && o.calibration.some((c) => c.kind === 'strong'))
  const foreign = candidates.filter((o) => o.category !== question.category)
  const pool = foreign.length ? foreign : candidates
  if (pool.length === 0) return undefined
  const mine = vocabulary(question)
  return pool
    .map((o) => ({ o, sim: jaccard(mine, vocabulary(o)) }))
    .sort((a, b) => a.sim - b.sim || (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0))[0]!.o
}
