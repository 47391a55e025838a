import { detectLangOf } from '../../lang.js'
import type { Rubric } from '../../rubric/schema.js'
import { STOP_WORDS } from '../../text/tokenise.js'
import { detectInjection, injectionText } from '../injection.js'
import { MAX_ANSWER_CHARS } from '../limits.js'
import { scoreVerdict } from '../score.js'
import type { Flag, GradeInput, GradeOutcome, Judge, Provenance, Verdict } from '../types.js'
import { ZERO_USAGE } from '../usage.js'
import { analyseAnswer, type AnalysedSentence } from './analyse.js'
import { OFF_TOPIC_OVERLAP, overlap, SUBSTANTIVE_WORDS, toScale, type Prepared } from './common.js'
import { freeQuestion, scoreAgainst, sentencesUnits } from './free.js'
import { coreMessages } from '../../messages/index.js'

/** Version of the offline judge's rules; part of every grade's provenance. Bump when scores can change. */
export const OFFLINE_MODEL = 'offline-v2'

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

/** Removes text that instructs the grader, splits the rest into sentences and raises the common flags. */
function prepare(input: GradeInput): Prepared {
  const flags: Flag[] = []
  // Like the LLM judge, only the first MAX_ANSWER_CHARS are read: a 5 MB answer must not take seconds and
  // a gigabyte. The cut is flagged and said in the feedback.
  const cut = input.answer.length > MAX_ANSWER_CHARS
  const answer = cut ? input.answer.slice(0, MAX_ANSWER_CHARS) : input.answer
  if (cut) flags.push('truncated')
  // Empty when nothing in it would tokenise as a word, number or CJK character (after NFKC: ① is a 1).
  // Normalised once for this test and the injection detector (trimming changes neither).
  const normalised = injectionText(answer)
  if (!/[\p{L}\p{N}]/u.test(normalised)) flags.push('empty')
  const injection = detectInjection(answer, normalised)
  if (injection.flagged) flags.push('prompt_injection')
  const sentences = analyseAnswer(answer, injection.spans)
  const kept = sentences.reduce((n, s) => n + s.words, 0)
  if (kept >= SUBSTANTIVE_WORDS) {
    const lang = detectLangOf(sentences)
    if (lang !== null && lang !== input.lang) flags.push('language_mismatch')
  }
  return { sentences, flags, words: kept }
}

/** Share of function words below which a sentence of 8+ latin words reads as a keyword list. */
const LIST_FUNCTION_SHARE = 0.1

function isWordList(s: AnalysedSentence): boolean {
  let words = 0
  let functionWords = 0
  for (const t of s.tokens) {
    if (t.kind !== 'word') continue
    words++
    if (STOP_WORDS.has(t.text)) functionWords++
  }
  return words >= 8 && functionWords < LIST_FUNCTION_SHARE * words
}

function gradeFree(input: GradeInput, prompt: string, reference: string | undefined, prep: Prepared): Verdict {
  const { rubric, lang } = input
  const m = coreMessages(lang).offline
  // A word list is not an answer: sentences of 8+ latin words with almost no function words earn nothing.
  const kept = prep.sentences.filter((x) => !isWordList(x))
  const flags = [...prep.flags]
  const n = rubric.dimensions.length
  const parts: string[] = []
  if (flags.includes('empty')) parts.push(m.empty)
  if (flags.includes('truncated')) parts.push(m.cut(MAX_ANSWER_CHARS))
  if (flags.includes('prompt_injection')) parts.push(m.injection)
  if (flags.includes('language_mismatch')) parts.push(m.langMismatch(lang))
  let steps = 0
  let rationale: string
  let missing: string[] = []
  let evidence: string[] = []
  const question = freeQuestion(prompt, reference)
  if (!reference || question.reference.size === 0) {
    // Without a reference the judge cannot tell right from wrong: at most level 1 everywhere, and only for a
    // substantive answer that shares vocabulary with the question.
    const rel = overlap(prep.sentences, question.prompt)
    const relevant = prep.words >= SUBSTANTIVE_WORDS && rel > 0
    if (prep.words >= SUBSTANTIVE_WORDS && !relevant) flags.push('off_topic')
    steps = relevant ? n : 0
    rationale = m.free.noReference
    parts.push(m.free.noReference)
  } else {
    // The units of the kept sentences' text joined by line breaks, from their tokens.
    const s = scoreAgainst(question, sentencesUnits(kept.map((x) => x.tokens)))
    steps = Math.round(s.score * 4 * n)
    // Quote the (up to two) sentences sharing the most reference content, in answer order.
    const refUnits = question.reference
    const promptUnits = question.prompt
    evidence = kept
      .map((x, i) => ({ x, i, hits: new Set(sentencesUnits([x.tokens]).filter((u) => refUnits.has(u) && !promptUnits.has(u))).size }))
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
      const rel = overlap(prep.sentences, question.topic)
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
  // Bank grading (its features, word-frequency table and level model) loads with the first bank question:
  // a batch of free-text answers never needs it.
  let bankGrader: Promise<typeof import('./grade-bank.js')> | undefined
  return {
    kind: 'offline',
    describe: () => `offline (built-in, deterministic, ${OFFLINE_MODEL})`,
    about: () => ({ kind: 'offline', version: OFFLINE_MODEL }),
    async prepare(questions) {
      if (questions.length === 0) return
      const { compileQuestion } = await (bankGrader ??= import('./grade-bank.js'))
      for (const { question, rubric } of questions) compileQuestion(question, rubric)
    },
    async grade(input: GradeInput, opts?: { signal?: AbortSignal }): Promise<GradeOutcome> {
      const gradeBank = input.question.kind === 'bank' ? (await (bankGrader ??= import('./grade-bank.js'))).gradeBank : undefined
      const started = performance.now()
      const judge = provenance(input.rubric)
      if (opts?.signal?.aborted) return { ok: false, reason: 'cancelled', cause: 'cancelled', retryable: false, judge }
      const prep = prepare(input)
      let verdict: Verdict
      let scoring = input.rubric
      if (input.question.kind === 'bank') {
        const r = gradeBank!(input, input.question.question, prep)
        verdict = r.verdict
        scoring = r.rubric
      } else {
        const q = input.question
        verdict = gradeFree(input, input.prompt ?? q.prompt, q.reference, prep)
      }
      const scored = scoreVerdict(verdict, scoring)
      const latency_ms = Math.round(performance.now() - started)
      if (!scored.ok) return { ok: false, reason: scored.reason, cause: 'internal', retryable: false, judge, latency_ms }
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

export { FOLLOW_UP_WEIGHT } from './common.js'
export { detectInjection } from '../injection.js'
export { keyPointsMade } from './bank.js'
export { scoreFree } from './free.js'
