import type { Question } from '../../bank/schema.js'
import { pick, type Lang } from '../../lang.js'
import type { Rubric } from '../../rubric/schema.js'
import type { Flag } from '../types.js'
import type { AnalysedSentence } from './analyse.js'
import { contentUnits, sentencesUnits } from './free.js'

/** Share of the overall weight given to the probed dimension when grading a follow-up answer. */
export const FOLLOW_UP_WEIGHT = 0.7

/** Below this share of content words found in the question's vocabulary, an answer making no point is off topic. */
export const OFF_TOPIC_OVERLAP = 0.2
/** Answers with fewer words than this are never called off topic or in the wrong language. */
export const SUBSTANTIVE_WORDS = 8

/** Scales a level on 0–4 to the rubric's scale. */
export function toScale(level4: number, rubric: Rubric): number {
  return Math.round((level4 * rubric.scale.max) / 4)
}

export function dimTitle(rubric: Rubric, id: string, lang: Lang): string {
  const d = rubric.dimensions.find((x) => x.id === id)
  return d ? pick(d.title, lang) : id
}

/** A question's texts in both languages: prompt, reference, and each key point's description, terms and `with` terms. */
export function questionTexts(q: Question): string[] {
  const parts = [q.prompt.en, q.prompt.zh, q.reference.en, q.reference.zh]
  for (const points of Object.values(q.key_points))
    for (const p of points) parts.push(p.en, p.zh, ...p.terms.en, ...p.terms.zh, ...(p.with?.en ?? []), ...(p.with?.zh ?? []))
  return parts
}

/** Every word an answer could share with a question: prompt, reference, key-point texts and terms. */
export function questionVocabulary(q: Question): ReadonlySet<string> {
  const cached = vocabularies.get(q)
  if (cached) return cached
  const parts = questionTexts(q)
  for (const f of q.follow_ups) parts.push(f.en, f.zh)
  const vocab = new Set(contentUnits(parts.join('\n')))
  vocabularies.set(q, vocab)
  return vocab
}
const vocabularies = new WeakMap<Question, ReadonlySet<string>>()

export function overlap(answer: readonly AnalysedSentence[], vocab: ReadonlySet<string>): number {
  // The units of the sentences' text joined by line breaks, from their tokens (no second tokenising).
  const units = sentencesUnits(answer.map((s) => s.tokens))
  if (units.length === 0) return 0
  return units.filter((u) => vocab.has(u)).length / units.length
}

/** An answer ready to grade: injected text removed, split into sentences, common flags raised. */
export interface Prepared {
  sentences: AnalysedSentence[]
  flags: Flag[]
  words: number
}
