import type { Question } from '../../bank/schema.js'
import { pick, type Lang } from '../../lang.js'
import type { Rubric } from '../../rubric/schema.js'
import type { Flag } from '../types.js'
import { canonical } from '../../text/synonyms.js'
import type { Token } from '../../text/tokenise.js'
import { NO_UNIT, sentenceIds, UNKNOWN_UNIT, type AnalysedSentence } from './analyse.js'
import { contentUnits, sentencesUnits } from './free.js'
import { hasUnit, unitId, unitSet, type UnitSet } from './units.js'

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

/**
 * Every word an answer could share with a question: prompt, reference, key-point texts and terms, follow-ups
 * (their content units as free-text grading reads them, see free.ts), as a set of unit ids.
 */
export function questionVocabulary(q: Question): UnitSet {
  const cached = vocabularies.get(q)
  if (cached) return cached
  const parts = questionTexts(q)
  for (const f of q.follow_ups) parts.push(f.en, f.zh)
  const vocab = unitSet(contentUnits(parts.join('\n')))
  vocabularies.set(q, vocab)
  return vocab
}
const vocabularies = new WeakMap<Question, UnitSet>()

/**
 * Share of the answer's content units (free.ts's: synonyms folded, every CJK character or bigram, counted with
 * repeats) found in `vocab`: a set of units, or of unit ids ({@link questionVocabulary}).
 */
export function overlap(answer: readonly AnalysedSentence[], vocab: ReadonlySet<string> | UnitSet): number {
  if (vocab instanceof Uint32Array) return overlapIds(answer, vocab)
  // The units of the sentences' text joined by line breaks, from their tokens (no second tokenising).
  const units = sentencesUnits(answer.map((s) => s.tokens))
  if (units.length === 0) return 0
  return units.filter((u) => vocab.has(u)).length / units.length
}

/** {@link overlap} against unit ids: the units `sentencesUnits` would list, each looked up as an id. */
function overlapIds(answer: readonly AnalysedSentence[], vocab: UnitSet): number {
  let units = 0
  let hits = 0
  let prevCjk: Token | null = null
  for (const s of answer) {
    sentenceIds(s)
    const keyIds = s.keyIds!
    const unitIds = s.unitIds!
    for (let i = 0; i < s.tokens.length; i++) {
      const t = s.tokens[i]!
      let id: number
      if (t.kind === 'cjk') {
        // The bigram with the token before, in the same sentence, is read already when it is a content unit
        // (its id, or unknown: no id); one holding a function character, or across sentences, is looked up.
        const pair = prevCjk && i > 0 && prevCjk === s.tokens[i - 1] ? unitIds[i - 1]! : NO_UNIT
        id = !prevCjk ? keyIds[i]! : pair >= 0 ? pair : pair === UNKNOWN_UNIT ? -1 : unitId(prevCjk.text + t.text)
        prevCjk = t
      } else {
        prevCjk = null
        // A latin token has a content unit exactly when free.ts counts it (a content word or a number).
        if (unitIds[i] === NO_UNIT) continue
        id = t.kind === 'word' ? canonicalId(keyIds[i]!, t.key) : keyIds[i]!
      }
      units++
      if (id >= 0 && hasUnit(vocab, id)) hits++
    }
  }
  return units === 0 ? 0 : hits / units
}

/** The id of a word's synonym group's stem ({@link canonical}), from its key's id; known ids remembered. */
function canonicalId(keyId: number, key: string): number {
  if (keyId >= 0 && keyId < canonicalIds.length && canonicalIds[keyId]! >= 0) return canonicalIds[keyId]!
  const c = canonical(key)
  const id = c === key ? keyId : unitId(c)
  // An id found stays right; -1 may not once another question is compiled.
  if (keyId >= 0 && id >= 0) {
    if (keyId >= canonicalIds.length) {
      const grown = new Int32Array(Math.max(keyId + 1, canonicalIds.length * 2)).fill(-1)
      grown.set(canonicalIds)
      canonicalIds = grown
    }
    canonicalIds[keyId] = id
  }
  return id
}
let canonicalIds = new Int32Array(4096).fill(-1)

/** An answer ready to grade: injected text removed, split into sentences, common flags raised. */
export interface Prepared {
  sentences: AnalysedSentence[]
  flags: Flag[]
  words: number
}
