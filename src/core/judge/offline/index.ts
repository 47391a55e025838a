import type { Question } from '../../bank/schema.js'
import { detectLang, pick, type Lang } from '../../i18n.js'
import type { Rubric } from '../../rubric/schema.js'
import { normalise } from '../../text/normalise.js'
import { STOP_WORDS } from '../../text/tokenise.js'
import { detectInjection } from '../injection.js'
import { scoreVerdict } from '../score.js'
import { ZERO_USAGE, type Flag, type GradeInput, type GradeOutcome, type Judge, type Provenance, type Verdict } from '../types.js'
import { analyseAnswer, type AnalysedSentence } from './analyse.js'
import { coverageLevel } from './bank.js'
import { measureAnswer, type PointStrength } from './features.js'
import { LEVEL_MODEL, pointStrength, predictLevel } from './model.js'
import { findRedFlags } from './red-flags.js'
import { contentUnits, scoreFree } from './free.js'
import { joinList, MSG } from './messages.js'

/** Version of the offline judge's rules; part of every grade's provenance. Bump when scores can change. */
export const OFFLINE_MODEL = 'offline-v2'

/** Share of the overall weight given to the probed dimension when grading a follow-up answer. */
export const FOLLOW_UP_WEIGHT = 0.7

/** Below this share of content words found in the question's vocabulary, an answer making no point is off topic. */
const OFF_TOPIC_OVERLAP = 0.2
/** Answers with fewer words than this are never called off topic or in the wrong language. */
const SUBSTANTIVE_WORDS = 8

/** FNV-1a, 32 bits, hex: a stable fingerprint without node:crypto. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

function provenance(rubric: Rubric): Provenance {
  return { kind: 'offline', model: OFFLINE_MODEL, prompt_hash: fnv1a(`${OFFLINE_MODEL}|${rubric.id}@${rubric.version}`) }
}

/** Scales a level on 0–4 to the rubric's scale. */
function toScale(level4: number, rubric: Rubric): number {
  return Math.round((level4 * rubric.scale.max) / 4)
}

function dimTitle(rubric: Rubric, id: string, lang: Lang): string {
  const d = rubric.dimensions.find((x) => x.id === id)
  return d ? pick(d.title, lang) : id
}

/** Every word an answer could share with a question: prompt, reference, key-point texts and terms. */
function questionVocabulary(q: Question): ReadonlySet<string> {
  const cached = vocabularies.get(q)
  if (cached) return cached
  const parts = [q.prompt.en, q.prompt.zh, q.reference.en, q.reference.zh]
  for (const points of Object.values(q.key_points))
    for (const p of points) parts.push(p.en, p.zh, ...p.terms.en, ...p.terms.zh, ...(p.with?.en ?? []), ...(p.with?.zh ?? []))
  for (const f of q.follow_ups) parts.push(f.en, f.zh)
  const vocab = new Set(contentUnits(parts.join('\n')))
  vocabularies.set(q, vocab)
  return vocab
}
const vocabularies = new WeakMap<Question, ReadonlySet<string>>()

function overlap(answer: readonly AnalysedSentence[], vocab: ReadonlySet<string>): number {
  const units = contentUnits(answer.map((s) => s.text).join('\n'))
  if (units.length === 0) return 0
  return units.filter((u) => vocab.has(u)).length / units.length
}

interface Prepared {
  sentences: AnalysedSentence[]
  flags: Flag[]
  words: number
}



/** Removes text that instructs the grader, splits the rest into sentences and raises the common flags. */
function prepare(input: GradeInput): Prepared {
  const flags: Flag[] = []
  // Empty when nothing in it would tokenise as a word, number or CJK character (after NFKC: ① is a 1).
  if (!/[\p{L}\p{N}]/u.test(normalise(input.answer))) flags.push('empty')
  const injection = detectInjection(input.answer)
  if (injection.flagged) flags.push('prompt_injection')
  const sentences = analyseAnswer(input.answer, injection.spans)
  const kept = sentences.reduce((n, s) => n + s.words, 0)
  if (kept >= SUBSTANTIVE_WORDS) {
    const lang = detectLang(sentences.map((s) => s.text).join('\n'))
    if (lang !== null && lang !== input.lang) flags.push('language_mismatch')
  }
  return { sentences, flags, words: kept }
}

/** Which bank dimension a follow-up probes: the bank follow-up whose text matches, else null. */
function followUpDimension(q: Question, prompt: string): string | null {
  const n = normalise(prompt)
  for (const f of q.follow_ups) if (normalise(f.en) === n || normalise(f.zh) === n) return f.dimension
  return null
}

function gradeBank(input: GradeInput, q: Question, prep: Prepared): { verdict: Verdict; rubric: Rubric } {
  const { rubric, lang } = input
  const m = MSG[lang]
  const isFollowUp = input.prompt !== undefined || input.parent !== undefined
  const probed = isFollowUp && input.prompt ? followUpDimension(q, input.prompt) : null
  const features = measureAnswer(q, prep.sentences)
  const redFlags = findRedFlags(q, prep.sentences)
  const ramp = LEVEL_MODEL.ramp
  const missing: string[] = []
  const byDim = new Map<string, { point: PointStrength; strength: number }[]>()
  const dimensions: Verdict['dimensions'] = rubric.dimensions.map((dim) => {
    const points = (features.dimensions[dim.id]?.points ?? []).map((point) => ({ point, strength: pointStrength(point, ramp) }))
    byDim.set(dim.id, points)
    const made = points.filter((x) => x.strength >= 1)
    const partly = points.filter((x) => x.strength > 0 && x.strength < 1)
    let level = prep.words === 0 ? 0 : predictLevel(features, dim.id)
    // A follow-up probes part of one dimension: making half of that dimension's points is full marks there.
    if (probed === dim.id) {
      const sum = points.reduce((t, x) => t + x.strength, 0)
      level = Math.max(level, coverageLevel(Math.round(sum), Math.ceil(points.length / 2)))
    }
    const capped = redFlags.filter((h) => h.flag.dimension === dim.id)
    for (const h of capped) level = Math.min(level, h.flag.cap)
    if (!isFollowUp || probed === null || probed === dim.id)
      for (const x of points) if (x.strength < 0.5) missing.push(pick(x.point.point, lang))
    // Quoted on one line: answers wrap sentences over lines.
    const quotes = points
      .filter((x) => x.strength >= 0.5 && x.point.evidence)
      .sort((a, b) => b.strength - a.strength)
      .map((x) => (x.point.evidence as string).replace(/\s+/g, ' '))
    const evidence = [...new Set([...quotes, ...capped.map((h) => h.evidence)])].slice(0, 4)
    const rationale =
      points.length === 0
        ? m.noPoints
        : [
            made.length + partly.length === 0 ? m.none(points.length) : m.madeSoft(made.length, partly.length, points.length),
            ...(made.length ? [joinList(made.map((x) => pick(x.point.point, lang)), lang)] : []),
            ...capped.map((h) => m.redFlag(pick(h.flag, lang), pick(h.flag.correction, lang), h.flag.cap)),
          ].join(' ')
    return { id: dim.id, evidence, rationale, level: toScale(level, rubric) }
  })

  const flags = [...prep.flags]
  const madeAny = [...byDim.values()].some((list) => list.some((x) => x.point.strict))
  if (!madeAny && prep.words >= SUBSTANTIVE_WORDS && overlap(prep.sentences, questionVocabulary(q)) < OFF_TOPIC_OVERLAP)
    flags.push('off_topic')

  // Weakest dimension (ties: the earlier one), skipping the one a follow-up just probed.
  const ranked = dimensions
    .map((d, i) => ({ d, i }))
    .filter((x) => x.d.id !== probed)
    .sort((a, b) => a.d.level - b.d.level || a.i - b.i)
  let follow_up = ''
  for (const { d } of ranked) {
    const f = q.follow_ups.find((x) => x.dimension === d.id)
    if (f) {
      follow_up = pick(f, lang)
      break
    }
  }
  const weakest = ranked[0]?.d
  const strongest = [...dimensions].map((d, i) => ({ d, i })).sort((a, b) => b.d.level - a.d.level || a.i - b.i)[0]?.d

  const parts: string[] = []
  if (flags.includes('empty')) parts.push(m.empty)
  if (flags.includes('prompt_injection')) parts.push(m.injection)
  if (flags.includes('off_topic')) parts.push(m.offTopic)
  if (flags.includes('language_mismatch')) parts.push(m.langMismatch(lang))
  if (!flags.includes('empty') && !flags.includes('off_topic')) {
    if (strongest && strongest.level > 0) parts.push(m.strongest(dimTitle(rubric, strongest.id, lang)))
    const weakMissing = weakest ? (byDim.get(weakest.id) ?? []).find((x) => x.strength < 0.5) : undefined
    if (weakest && weakMissing) parts.push(m.weakest(dimTitle(rubric, weakest.id, lang), pick(weakMissing.point.point, lang)))
    else if (missing.length === 0) parts.push(m.allCovered)
  }

  const verdict: Verdict = { dimensions, feedback: parts.join(' '), missing, follow_up, flags }
  if (probed === null) return { verdict, rubric }
  // A follow-up answer is graded mostly on the dimension it probes.
  const others = rubric.dimensions.length - 1
  const weighted: Rubric = {
    ...rubric,
    dimensions: rubric.dimensions.map((d) => ({
      ...d,
      weight: d.id === probed ? FOLLOW_UP_WEIGHT : others > 0 ? (1 - FOLLOW_UP_WEIGHT) / others : 1,
    })),
  }
  return { verdict, rubric: weighted }
}

/** Share of function words below which a sentence of 8+ latin words reads as a keyword list. */
const LIST_FUNCTION_SHARE = 0.1

function isWordList(s: AnalysedSentence): boolean {
  const words = s.tokens.filter((t) => t.kind === 'word')
  if (words.length < 8) return false
  return words.filter((t) => STOP_WORDS.has(t.text)).length < LIST_FUNCTION_SHARE * words.length
}

function gradeFree(input: GradeInput, prompt: string, reference: string | undefined, prep: Prepared): Verdict {
  const { rubric, lang } = input
  const m = MSG[lang]
  // A word list is not an answer: sentences of 8+ latin words with almost no function words earn nothing.
  const kept = prep.sentences.filter((x) => !isWordList(x))
  const answerText = kept.map((s) => s.text).join('\n')
  const flags = [...prep.flags]
  const n = rubric.dimensions.length
  const parts: string[] = []
  if (flags.includes('empty')) parts.push(m.empty)
  if (flags.includes('prompt_injection')) parts.push(m.injection)
  if (flags.includes('language_mismatch')) parts.push(m.langMismatch(lang))
  let steps = 0
  let rationale: string
  let missing: string[] = []
  let evidence: string[] = []
  if (!reference || contentUnits(reference).length === 0) {
    // Without a reference the judge cannot tell right from wrong: at most level 1 everywhere, and only for a
    // substantive answer that shares vocabulary with the question.
    const rel = overlap(prep.sentences, new Set(contentUnits(prompt)))
    const relevant = prep.words >= SUBSTANTIVE_WORDS && rel > 0
    if (prep.words >= SUBSTANTIVE_WORDS && !relevant) flags.push('off_topic')
    steps = relevant ? n : 0
    rationale = m.free.noReference
    parts.push(m.free.noReference)
  } else {
    const s = scoreFree(prompt, reference, answerText)
    steps = Math.round(s.score * 4 * n)
    // Quote the (up to two) sentences sharing the most reference content, in answer order.
    const refUnits = new Set(contentUnits(reference))
    const promptUnits = new Set(contentUnits(prompt))
    evidence = kept
      .map((x, i) => ({ x, i, hits: new Set(contentUnits(x.text).filter((u) => refUnits.has(u) && !promptUnits.has(u))).size }))
      .filter((x) => x.hits > 0)
      .sort((a, b) => b.hits - a.hits || a.i - b.i)
      .slice(0, 2)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.x.text.replace(/\s+/g, ' '))
    const pct = Math.round(100 * s.coverage)
    rationale = m.free.rationale(pct)
    parts.push(m.free.coverage(s.score >= 0.75 ? 'strong' : s.score >= 0.45 ? 'partial' : 'weak', pct))
    if (s.short && prep.words > 0) parts.push(m.free.short)
    missing = s.missing.slice(0, 8)
    if (missing.length > 0 && s.score < 1) parts.push(m.free.add(missing.join(', ')))
    if (prep.words >= SUBSTANTIVE_WORDS && s.coverage === 0) {
      const rel = overlap(prep.sentences, new Set(contentUnits(`${prompt}\n${reference}`)))
      if (rel < OFF_TOPIC_OVERLAP) flags.push('off_topic')
    }
  }
  // One score spread over the dimensions (levels differ by at most one, earlier dimensions first), so the
  // overall keeps the resolution of the score instead of jumping in quarters.
  const base = Math.floor(steps / n)
  const extra = steps - base * n
  const dimensions = rubric.dimensions.map((d, i) => ({
    id: d.id,
    evidence,
    rationale,
    level: toScale(Math.min(4, base + (i < extra ? 1 : 0)), rubric),
  }))
  return { dimensions, feedback: parts.join(' '), missing, follow_up: '', flags }
}

/**
 * The built-in offline judge: deterministic, instant, no network (rules in docs/offline-judge.md). Bank
 * questions are graded by the key points each dimension's answer makes; free-text questions by coverage of
 * the reference answer. Never returns a failure for a well-formed input; a rubric the verdict cannot be
 * scored against is reported as `{ok: false}`.
 */
export function createOfflineJudge(): Judge {
  return {
    kind: 'offline',
    describe: () => `offline (built-in, deterministic, ${OFFLINE_MODEL})`,
    async grade(input: GradeInput, opts?: { signal?: AbortSignal }): Promise<GradeOutcome> {
      const started = performance.now()
      const judge = provenance(input.rubric)
      if (opts?.signal?.aborted) return { ok: false, reason: 'cancelled', retryable: false, judge }
      const prep = prepare(input)
      let verdict: Verdict
      let scoring = input.rubric
      if (input.question.kind === 'bank') {
        const r = gradeBank(input, input.question.question, prep)
        verdict = r.verdict
        scoring = r.rubric
      } else {
        const q = input.question
        verdict = gradeFree(input, input.prompt ?? q.prompt, q.reference, prep)
      }
      const scored = scoreVerdict(verdict, scoring)
      const latency_ms = Math.round(performance.now() - started)
      if (!scored.ok) return { ok: false, reason: scored.reason, retryable: false, judge, latency_ms }
      return {
        ok: true,
        verdict,
        scores: scored.scores,
        overall: scored.overall,
        pass: scored.overall >= input.rubric.pass,
        judge,
        usage: { ...ZERO_USAGE },
        latency_ms,
      }
    },
  }
}

export { detectInjection } from '../injection.js'
export { keyPointsMade } from './bank.js'
export { scoreFree } from './free.js'
