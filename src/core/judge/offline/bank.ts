import type { KeyPoint, Question } from '../../bank/schema.js'
import {
  analyseAnswer,
  compileTerm,
  indexTerms,
  sentenceIds,
  termsIn,
  textsUnits,
  type AnalysedSentence,
  type CompiledTerm,
  type TermIndex,
  type TermScan,
} from './analyse.js'
import { COMMON_WORDS } from '../../text/common-words.js'
import { CJK_CHAR_WEIGHT, wordCount } from '../../text/tokenise.js'
import { GENERIC } from './free.js'
import { questionTexts } from './common.js'
import { hasUnit, isHanBigram, Marks, unitSet, type UnitSet } from './units.js'

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
  vocabulary: UnitSet
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
 * per question, for both: a thousand units or so, a bit each in a set of unit ids (units.ts).
 */
export function questionUnits(question: Question): UnitSet {
  let units = unitsOf.get(question)
  if (!units) {
    units = unitSet(textsUnits(questionTexts(question)).filter((u) => !GENERIC.has(u) && !COMMON_WORDS.has(u)))
    unitsOf.set(question, units)
  }
  return units
}
const unitsOf = new WeakMap<Question, UnitSet>()

/** Every term and `with` term of a list of key points, indexed once per list (see {@link termsIn}). */
interface PointsIndex {
  terms: TermIndex
  /** Per term number: the key point it belongs to, and whether it is one of the point's `with` terms. */
  owner: number[]
  isWith: boolean[]
  /** Per key point: the number of its first term (its terms are numbered in turn, then its `with` terms). */
  first: number[]
}

const pointsIndexes = new WeakMap<readonly CompiledKeyPoint[], PointsIndex>()

function pointsIndex(kps: readonly CompiledKeyPoint[]): PointsIndex {
  let index = pointsIndexes.get(kps)
  if (!index) {
    const terms: CompiledTerm[] = []
    const owner: number[] = []
    const isWith: boolean[] = []
    const first: number[] = []
    kps.forEach((kp, k) => {
      first.push(terms.length)
      for (const t of kp.terms) terms.push(t), owner.push(k), isWith.push(false)
      for (const t of kp.with ?? []) terms.push(t), owner.push(k), isWith.push(true)
    })
    index = { terms: indexTerms(terms), owner, isWith, first }
    pointsIndexes.set(kps, index)
  }
  return index
}

export interface PointMatch {
  kp: CompiledKeyPoint
  /** The sentence quoted as evidence, or null when the point was not made. */
  evidence: string | null
}

/** A {@link PointMatch} made by a constructor, not a literal V8 may pretenure (see tokenise.ts's tokens). */
class Match implements PointMatch {
  constructor(
    readonly kp: CompiledKeyPoint,
    readonly evidence: string | null,
  ) {}
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
): { matches: PointMatch[] } {
  // candidates[k] = [sentence, clause] pairs that could evidence key point k (made for a point that has one)
  let candidates: [number, number][][] | undefined
  const index = pointsIndex(kps)
  for (let si = 0; si < sentences.length; si++) {
    const s = sentences[si]!
    // Too short to evidence anything, whatever it holds.
    if (s.words < MIN_EVIDENCE_WORDS) continue
    const scan = termsIn(index.terms, s)
    let hits: [number, number][] | undefined
    // Words covered by the terms of all key points (numbers not counted), for the density test.
    let termWeight = 0
    // A sentence holding no term of any key point evidences none (most sentences of most answers).
    if (scan.found.length > 0) {
      const tokens = s.tokens
      const gWith = withFound.next()
      covered.next()
      pointsFound.next()
      const points: number[] = []
      for (const f of scan.found) {
        const k = index.owner[f]!
        if (index.isWith[f]) {
          withFound.mark(k)
          continue
        }
        if (pointsFound.mark(k)) points.push(k)
        const at = scan.hits[f]!
        for (let j = 0, end = scan.counts[f]!; j < end; j++) {
          const i = at[j]!
          if (covered.mark(i)) {
            const kind = tokens[i]!.kind
            if (kind === 'word') termWeight += 1
            else if (kind === 'cjk') termWeight += CJK_CHAR_WEIGHT
          }
        }
      }
      // Clauses only matter for a sentence that evidences a point: found on the first one.
      let clauses: number[] | undefined
      for (const k of points) {
        const kp = kps[k]!
        if (kp.with && !withFound.marked(k, gWith)) continue
        const first = ownTokens(index, scan, k, kp.terms.length)
        if (support(s, kp.vocabulary) < MIN_SUPPORT) continue
        clauses ??= clauseOf(s)
        ;(hits ??= []).push([k, clauses[first] ?? 0])
      }
    }
    if (hits && !isDense(s, termWeight)) for (const [k, c] of hits) ((candidates ??= [])[k] ??= []).push([si, c])
  }
  const chosen: (number | null)[] = kps.map(() => null)
  if (candidates) choose(candidates, chosen)
  return {
    matches: kps.map((kp, k) => {
      const si = chosen[k]
      return new Match(kp, si === null || si === undefined ? null : (sentences[si]?.text ?? null))
    }),
  }
}

/**
 * Whether a sentence long enough to be evidence ({@link matchKeyPoints} skips shorter ones) earns nothing anyway:
 * term-dense (`termWeight`, the words the terms of all key points cover, is {@link MAX_TERM_DENSITY} of its words or more).
 */
function isDense(s: AnalysedSentence, termWeight: number): boolean {
  const words = wordCount(s.tokens, { numbers: false })
  return words === 0 || termWeight / words >= MAX_TERM_DENSITY
}

/**
 * Assigns each key point the first of its candidate (sentence, clause) pairs whose clause evidences fewer than
 * {@link MAX_POINTS_PER_CLAUSE} points yet, points with fewer candidates first (ties: bank order).
 */
function choose(candidates: readonly ([number, number][] | undefined)[], chosen: (number | null)[]): void {
  const load = new Map<number, number>()
  const order = chosen.map((_, k) => k).sort((a, b) => (candidates[a]?.length ?? 0) - (candidates[b]?.length ?? 0) || a - b)
  for (const k of order) {
    for (const [si, c] of candidates[k] ?? []) {
      const key = si * CLAUSE_KEY + c
      const n = load.get(key) ?? 0
      if (n < MAX_POINTS_PER_CLAUSE) {
        load.set(key, n + 1)
        chosen[k] = si
        break
      }
    }
  }
}

/** A (sentence, clause) pair as one number: more clauses than tokens, and tokens than answer characters, is impossible. */
const CLAUSE_KEY = 2 ** 26

/** Token positions covered by any key point's term, key points with a term, with a `with` term (per sentence). */
const covered = new Marks()
const pointsFound = new Marks()
const withFound = new Marks()
/** Token positions of one key point's own terms, and the units counted as its support (per key point). */
const own = new Marks()
const supported = new Marks()

/**
 * Marks (in `own`) the tokens of key point `k`'s own terms that the scan found, and returns the first of them.
 */
function ownTokens(index: PointsIndex, scan: TermScan, k: number, terms: number): number {
  own.next()
  let first = -1
  for (let f = index.first[k]!, end = f + terms; f < end; f++) {
    const at = scan.hits[f]
    for (let j = 0, n = scan.counts[f]!; j < n; j++) {
      const i = at![j]!
      own.mark(i)
      if (first < 0 || i < first) first = i
    }
  }
  return first
}

/**
 * Distinct content units of the sentence in the question's vocabulary, skipping the tokens of the key point's own
 * terms (marked in `own` by {@link ownTokens}); a CJK unit is a character bigram: a word of n characters yields
 * n − 1 of them, so each counts half. Counted up to {@link MIN_SUPPORT} only.
 */
function support(s: AnalysedSentence, vocabulary: UnitSet): number {
  sentenceIds(s)
  const units = s.unitIds!
  const g = own.current()
  supported.next()
  let n = 0
  for (let i = 0; i < units.length && n < MIN_SUPPORT; i++) {
    const u = units[i]!
    if (u < 0 || own.marked(i, g) || (s.tokens[i]!.kind === 'cjk' && own.marked(i + 1, g)) || !supported.mark(u)) continue
    if (hasUnit(vocabulary, u)) n += isHanBigram(u) ? CJK_SUPPORT : 1
  }
  return n
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
