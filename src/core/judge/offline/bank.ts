import type { KeyPoint, Question } from '../../bank/schema.js'
import {
  analyseAnswer,
  compileTerm,
  contentWeight,
  indexTerms,
  sentenceUnits,
  termsIn,
  textsUnits,
  type AnalysedSentence,
  type CompiledTerm,
  type TermIndex,
} from './analyse.js'
import { HAN_PAIR as CJK_UNIT } from '../../text/cjk.js'
import { COMMON_WORDS } from '../../text/common-words.js'
import { wordCount } from '../../text/tokenise.js'
import { GENERIC } from './free.js'
import { questionTexts } from './common.js'

/** Minimum length of an evidence sentence: 6 words, CJK characters counting ½ (so 12 of them). */
export const MIN_EVIDENCE_WORDS = 6
/** A sentence whose key-point terms cover this share of its words or more is padding. */
export const MAX_TERM_DENSITY = 0.65
/** A clause evidences at most this many key points. */
export const MAX_POINTS_PER_CLAUSE = 2

const CONJUNCTIONS = new Set(['and', 'but', 'so', 'which', 'while', 'whereas', 'then', 'because', 'since', 'though', 'although', 'yet'])

/**
 * The clause of every token of a sentence. A clause ends at a comma followed by a conjunction (`, and`,
 * `, but`, `, which`) or by Chinese text (the Chinese clause comma `，` normalises to `,`); the enumeration
 * comma `、` and plain commas in a list do not end a clause, so a list of names stays one clause.
 */
export function clauseOf(s: AnalysedSentence): number[] {
  const out: number[] = []
  let clause = 0
  s.tokens.forEach((t, i) => {
    out.push(clause)
    if (t.kind === 'sym' && t.text === ',') {
      const next = s.tokens[i + 1]
      if (next && ((next.kind === 'word' && CONJUNCTIONS.has(next.text)) || next.kind === 'cjk')) clause++
    }
  })
  return out
}

/**
 * Besides the key point's own term, an evidence sentence must hold this many distinct content words of the
 * question's vocabulary (everyday words excluded, see text/common-words.ts): a name dropped into filler ("A lot of people overlook GQA, but it makes a real
 * difference") says nothing about the topic.
 */
export const MIN_SUPPORT = 2
/** Support credit of a CJK character bigram: a word of n characters yields n − 1 bigrams. */
const CJK_SUPPORT = 0.5

export interface CompiledKeyPoint {
  dimension: string
  point: KeyPoint
  terms: CompiledTerm[]
  with: CompiledTerm[] | null
  /** Content units of the question (prompt, reference, key points, terms; both languages). */
  vocabulary: ReadonlySet<string>
}

/** Compiles every key point of a question (both languages' terms), in rubric-dimension order of the bank. */
export function compileKeyPoints(question: Question): CompiledKeyPoint[] {
  const cached = compiled.get(question)
  if (cached) return cached
  const out: CompiledKeyPoint[] = []
  const vocabulary = questionUnits(question)
  const compile = (list: readonly string[]): CompiledTerm[] =>
    list.map(compileTerm).filter((t): t is CompiledTerm => t !== null)
  for (const [dimension, points] of Object.entries(question.key_points)) {
    for (const point of points) {
      out.push({
        dimension,
        point,
        terms: compile([...point.terms.en, ...point.terms.zh]),
        with: point.with ? compile([...point.with.en, ...point.with.zh]) : null,
        vocabulary,
      })
    }
  }
  compiled.set(question, out)
  return out
}

// Questions are immutable once loaded; compiling their terms once makes every later grade cheap.
const compiled = new WeakMap<Question, CompiledKeyPoint[]>()

/**
 * Content units of a question (prompt, reference, key points, terms; both languages), less generic and
 * everyday words: every compiled key point's `vocabulary`, and the question model's (features.ts). One set
 * per question, for both: a thousand units or so, tens of kilobytes each time it is built.
 */
export function questionUnits(question: Question): ReadonlySet<string> {
  let units = unitsOf.get(question)
  if (!units) {
    units = new Set(textsUnits(questionTexts(question)).filter((u) => !GENERIC.has(u) && !COMMON_WORDS.has(u)))
    unitsOf.set(question, units)
  }
  return units
}
const unitsOf = new WeakMap<Question, ReadonlySet<string>>()

const NONE: readonly number[] = []
const termIndexes = new WeakMap<readonly CompiledKeyPoint[], TermIndex>()

/** Every term and `with` term of the key points, indexed once per list (see {@link termsIn}). */
function termIndex(kps: readonly CompiledKeyPoint[]): TermIndex {
  let index = termIndexes.get(kps)
  if (!index) {
    index = indexTerms(kps.flatMap((kp) => [...kp.terms, ...(kp.with ?? [])]))
    termIndexes.set(kps, index)
  }
  return index
}

export interface PointMatch {
  kp: CompiledKeyPoint
  /** The sentence quoted as evidence, or null when the point was not made. */
  evidence: string | null
}

export interface SentenceVerdict {
  sentence: AnalysedSentence
  /** Why it earns nothing, or null when it can evidence key points. */
  padding: 'short' | 'dense' | null
}

/**
 * Finds which key points an answer makes. A point is made by a sentence that contains one of its terms (and
 * one of its `with` terms, when given), is at least {@link MIN_EVIDENCE_WORDS} words long, and is not
 * term-dense (the terms of all key points covering less than {@link MAX_TERM_DENSITY} of its words). Each
 * clause evidences at most {@link MAX_POINTS_PER_CLAUSE} points (see {@link clauseOf}); points with fewer candidate sentences
 * are assigned first, so the cap costs as little as possible. Deterministic.
 */
export function matchKeyPoints(
  kps: readonly CompiledKeyPoint[],
  sentences: readonly AnalysedSentence[],
): { matches: PointMatch[]; sentences: SentenceVerdict[] } {
  const verdicts: SentenceVerdict[] = []
  // candidates[k] = [sentence, clause] pairs that could evidence key point k
  const candidates: [number, number][][] = kps.map(() => [])
  const index = termIndex(kps)
  sentences.forEach((s, si) => {
    const termTokens: number[] = []
    const hits: [number, number][] = []
    // Clauses only matter for a sentence that evidences a point: found on the first one.
    let clauses: number[] | undefined
    const present = termsIn(index, s)
    // A sentence holding no term of any key point evidences none (most sentences of most answers).
    if (present.size > 0) kps.forEach((kp, k) => {
      let first = -1
      // Built only for a key point whose term occurs: most do not.
      let own: Set<number> | undefined
      for (const t of kp.terms) {
        const found = present.get(t) ?? NONE
        if (found.length > 0) {
          termTokens.push(...found)
          own ??= new Set<number>()
          for (const i of found) own.add(i)
          const at = Math.min(...found)
          if (first < 0 || at < first) first = at
        }
      }
      if (first < 0 || !own) return
      if (kp.with && !kp.with.some((t) => present.has(t))) return
      let support = 0
      // A CJK unit is a character bigram: a word of n characters yields n − 1 of them, so each counts half.
      for (const u of new Set(sentenceUnits(s, own))) if (kp.vocabulary.has(u)) support += CJK_UNIT.test(u) ? CJK_SUPPORT : 1
      if (support < MIN_SUPPORT) return
      clauses ??= clauseOf(s)
      hits.push([k, clauses[first] ?? 0])
    })
    let padding: SentenceVerdict['padding'] = null
    const words = wordCount(s.tokens, { numbers: false })
    if (s.words < MIN_EVIDENCE_WORDS) padding = 'short'
    else if (words === 0 || contentWeight(s.tokens, termTokens) / words >= MAX_TERM_DENSITY) padding = 'dense'
    verdicts.push({ sentence: s, padding })
    if (padding === null) for (const [k, c] of hits) candidates[k]?.push([si, c])
  })
  const load = new Map<string, number>()
  const chosen: (number | null)[] = kps.map(() => null)
  const order = kps.map((_, k) => k).sort((a, b) => (candidates[a]?.length ?? 0) - (candidates[b]?.length ?? 0) || a - b)
  for (const k of order) {
    for (const [si, c] of candidates[k] ?? []) {
      const key = `${si}:${c}`
      if ((load.get(key) ?? 0) < MAX_POINTS_PER_CLAUSE) {
        load.set(key, (load.get(key) ?? 0) + 1)
        chosen[k] = si
        break
      }
    }
  }
  return {
    matches: kps.map((kp, k) => {
      const si = chosen[k]
      return { kp, evidence: si === null || si === undefined ? null : (sentences[si]?.text ?? null) }
    }),
    sentences: verdicts,
  }
}

/** Maps key-point coverage to a level on 0–4: 0 → 0; < 0.34 → 1; < 0.6 → 2; < 0.85 → 3; else 4. */
export function coverageLevel(made: number, total: number): number {
  if (total <= 0 || made <= 0) return 0
  const c = made / total
  if (c < 0.34) return 1
  if (c < 0.6) return 2
  if (c < 0.85) return 3
  return 4
}

/** Convenience for tests and `mockint check`: which key point ids an answer makes. */
export function keyPointsMade(question: Question, answer: string): string[] {
  const { matches } = matchKeyPoints(compileKeyPoints(question), analyseAnswer(answer))
  return matches.filter((m) => m.evidence !== null).map((m) => m.kp.point.id)
}
