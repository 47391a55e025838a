import type { Question } from '../../bank/schema.js'
import { pick, type Lang } from '../../lang.js'
import { normalise } from '../../text/normalise.js'
import type { Rubric } from '../../rubric/schema.js'
import { MAX_ANSWER_CHARS } from '../limits.js'
import type { GradeInput, Verdict } from '../types.js'
import { forgetBankTexts } from './analyse.js'
import { coverageLevel } from './bank.js'
import { dimTitle, FOLLOW_UP_WEIGHT, OFF_TOPIC_OVERLAP, overlap, questionVocabulary, SUBSTANTIVE_WORDS, toScale, type Prepared } from './common.js'
import { measureAnswer, type PointStrength } from './features.js'
import { coreMessages } from '../../messages/index.js'
import { joinList } from './messages.js'
import { LEVEL_MODEL, offTopic, pointStrength, predictLevel } from './model.js'
import { findRedFlags, type RedFlagHit } from './red-flags.js'

/** Which bank dimension a follow-up probes: the bank follow-up whose text matches, else null. */
function followUpDimension(q: Question, prompt: string): string | null {
  const n = normalise(prompt)
  for (const f of q.follow_ups) if (normalise(f.en) === n || normalise(f.zh) === n) return f.dimension
  return null
}

/**
 * Compiles what grading answers to `q` under `rubric` reads (the question model and key points with their
 * term index, the question's and the rubric's red flags, the question's vocabulary), each kept for the
 * question as the first answer would keep it. A batch compiles its questions before its first answer: the
 * compiled structures live as long as the question and are allocated by some of the same literals as each
 * answer's short-lived objects (tokens, term hits); compiled between answers, they made V8 judge those
 * literals long-lived and allocate every later answer's objects straight in the old generation.
 */
export function compileQuestion(q: Question, rubric: Rubric): void {
  measureAnswer(q, [])
  findRedFlags(q, [], rubric.red_flags)
  questionVocabulary(q)
  // The units of the question's texts were read for its compiled structures only; kept, they would outlive it.
  forgetBankTexts()
}

/** A key point's strength in an answer (by a constructor: see features.ts's MeasuredPoint). */
class Graded {
  constructor(
    readonly point: PointStrength,
    readonly strength: number,
  ) {}
}

export function gradeBank(input: GradeInput, q: Question, prep: Prepared): { verdict: Verdict; rubric: Rubric } {
  const { rubric, lang } = input
  const m = coreMessages(lang).offline
  const isFollowUp = input.prompt !== undefined || input.parent !== undefined
  const probed = isFollowUp && input.prompt ? followUpDimension(q, input.prompt) : null
  const features = measureAnswer(q, prep.sentences)
  const redFlags = findRedFlags(q, prep.sentences, rubric.red_flags)
  const ramp = LEVEL_MODEL.ramp
  const missing: string[] = []
  const byDim = new Map<string, { point: PointStrength; strength: number }[]>()
  const dimensions: Verdict['dimensions'] = rubric.dimensions.map((dim) => {
    const points = (features.dimensions[dim.id]?.points ?? []).map((point) => new Graded(point, pointStrength(point, ramp)))
    byDim.set(dim.id, points)
    const made = points.filter((x) => x.strength >= 1)
    const partly = points.filter((x) => x.strength >= 0.5 && x.strength < 1)
    let level = prep.words === 0 ? 0 : predictLevel(features, dim.id)
    // A follow-up probes part of one dimension: making half of that dimension's points is full marks there.
    if (probed === dim.id) {
      const sum = points.reduce((t, x) => t + x.strength, 0)
      level = Math.max(level, coverageLevel(Math.round(sum), Math.ceil(points.length / 2)))
    }
    const capped = redFlags.filter((h) => h.flag.dimension === dim.id)
    for (const h of capped) level = Math.min(level, h.flag.cap)
    const wholeCap = redFlags.length ? LEVEL_MODEL.red_flag_caps?.caps[dim.id] : undefined
    const cappedElsewhere = wholeCap !== undefined && wholeCap < level && !capped.length
    if (wholeCap !== undefined) level = Math.min(level, wholeCap)
    if (!isFollowUp || probed === null || probed === dim.id)
      for (const x of points) if (x.strength < 0.5) missing.push(pick(x.point.point, lang))
    // Quoted on one line: answers wrap sentences over lines.
    const quotes = points
      .filter((x) => x.strength >= 0.5 && x.point.evidence)
      .sort((a, b) => b.strength - a.strength)
      .map((x) => (x.point.evidence as string).replace(/\s+/g, ' '))
    const evidence = [...new Set([...(cappedElsewhere ? redFlags : capped).map((h) => h.evidence), ...quotes])].slice(0, 4)
    const rationale =
      points.length === 0
        ? m.noPoints
        : [
            made.length + partly.length === 0 ? m.none(points.length) : m.madeSoft(made.length, partly.length, points.length),
            ...(made.length ? [joinList(made.map((x) => pick(x.point.point, lang)), lang)] : []),
            ...capped.map((h) => m.redFlag(pick(h.flag, lang), pick(h.flag.correction, lang), h.flag.cap)),
            ...(cappedElsewhere ? [m.wrongElsewhere(wholeCap as number, redFlags.map((h) => `"${pick(h.flag, lang)}"`).join('; '))] : []),
          ].join(' ')
    return { id: dim.id, evidence, rationale, level: toScale(level, rubric) }
  })

  const flags = [...prep.flags]
  const madeAny = [...byDim.values()].some((list) => list.some((x) => x.point.strict))
  const unrelated = !madeAny && prep.words >= SUBSTANTIVE_WORDS && overlap(prep.sentences, questionVocabulary(q)) < OFF_TOPIC_OVERLAP
  if (unrelated || offTopic(features)) flags.push('off_topic')

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
  const parts: string[] = []
  if (flags.includes('empty')) parts.push(m.empty)
  if (flags.includes('truncated')) parts.push(m.cut(MAX_ANSWER_CHARS))
  if (flags.includes('prompt_injection')) parts.push(m.injection)
  if (flags.includes('off_topic')) parts.push(m.offTopic)
  if (flags.includes('language_mismatch')) parts.push(m.langMismatch(lang))
  if (!flags.includes('empty') && !flags.includes('off_topic')) parts.push(...coaching(dimensions, ranked.map((x) => x.d), byDim, redFlags, rubric, lang))

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

/** A quote cut to a readable length at a word boundary. */
function quote(text: string, max = 160): string {
  const t = text.replace(/\s+/g, ' ').trim()
  if (t.length <= max) return t
  const cut = t.slice(0, max)
  const at = cut.lastIndexOf(' ')
  return `${at > max / 2 ? cut.slice(0, at) : cut}…`
}

/**
 * What a coach would say: what the answer did well, in its own words; the wrong claims it made; the two
 * most valuable points to add (one from each of the two weakest rungs, else the weakest one twice); and
 * what the offline judge can and cannot see.
 */
function coaching(
  dimensions: Verdict['dimensions'],
  weakestFirst: readonly Verdict['dimensions'][number][],
  byDim: ReadonlyMap<string, { point: PointStrength; strength: number }[]>,
  redFlags: readonly RedFlagHit[],
  rubric: Rubric,
  lang: Lang,
): string[] {
  const m = coreMessages(lang).offline
  const out: string[] = []
  const strongest = [...dimensions].map((d, i) => ({ d, i })).sort((a, b) => b.d.level - a.d.level || a.i - b.i)[0]?.d
  const best = strongest ? [...(byDim.get(strongest.id) ?? [])].filter((x) => x.point.evidence).sort((a, b) => b.strength - a.strength)[0] : undefined
  if (strongest && strongest.level > 0)
    out.push(best && best.strength >= 0.5 ? m.didWell(dimTitle(rubric, strongest.id, lang), quote(best.point.evidence!)) : m.strongest(dimTitle(rubric, strongest.id, lang)))
  for (const h of redFlags.slice(0, 2)) out.push(m.wrongClaim(quote(h.evidence, 120), pick(h.flag.correction, lang)))
  const next: string[] = []
  for (const d of weakestFirst) {
    const missing = (byDim.get(d.id) ?? []).filter((x) => x.strength < 0.5)
    for (const x of missing) {
      if (next.length >= 2 || next.includes(pick(x.point.point, lang))) break
      next.push(pick(x.point.point, lang))
      if (weakestFirst.length > 1) break // one from each of the two weakest rungs
    }
    if (next.length >= 2) break
  }
  if (next.length) out.push(m.addNext(next))
  else out.push(m.allCovered)
  out.push(m.offlineScope)
  return out
}
