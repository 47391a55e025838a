import { normalise, isCjk } from '../../text/normalise.js'
import { canonical } from '../../text/synonyms.js'
import { STOP_WORDS, tokenise, type Token } from '../../text/tokenise.js'

/** Words too generic to show that an answer knows the content: they count half. */
export const GENERIC: ReadonlySet<string> = new Set(
  (
    'data value valu function program time number set code system process result example type case point part ' +
    'work problem method way something information thing good better best new different same important ' +
    'call called memory size large small first second last step order ' +
    'user input output simpl general specif certain given'
  )
    .split(/\s+/)
    .map((w) => canonical(tokenise(w)[0]?.key ?? w)),
)

/** Content units of a text: stems of latin content words and numbers, CJK character bigrams. */
export function contentUnits(text: string): string[] {
  return contentTokens(text).map((u) => u.key)
}

/** Like {@link contentUnits}, with each unit's surface form. */
export function contentTokens(text: string): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = []
  eachUnit([tokenise(normalise(text))], (key, surface) => out.push({ key, text: surface }))
  return out
}

/**
 * Content units of sentences already tokenised (each `tokenise(normalise(text))`): the units of their
 * texts joined by line breaks, without normalising and tokenising them again. Normalisation works code
 * point by code point and whitespace yields no token, so the joined text's tokens are the sentences' tokens
 * one after the other; a CJK bigram spans two sentences there too (tests/unit/offline-units.test.ts).
 */
export function sentencesUnits(tokenLists: readonly (readonly Token[])[]): string[] {
  const out: string[] = []
  eachUnit(tokenLists, (key) => out.push(key))
  return out
}

/** Calls `emit` with each content unit of the token lists taken as one sequence, in order. */
function eachUnit(tokenLists: readonly (readonly Token[])[], emit: (key: string, surface: string) => void): void {
  let prevCjk: Token | null = null
  for (const tokens of tokenLists)
    for (const t of tokens) {
      if (t.kind === 'cjk') {
        if (prevCjk) emit(prevCjk.text + t.text, prevCjk.text + t.text)
        else emit(t.text, t.text)
        prevCjk = t
        continue
      }
      prevCjk = null
      if (t.kind === 'word' && t.text.length >= 2 && !STOP_WORDS.has(t.text) && !STOP_WORDS.has(t.key)) emit(canonical(t.key), t.text)
      else if (t.kind === 'num') emit(t.key, t.text)
    }
}

function weight(unit: string): number {
  if (GENERIC.has(unit)) return 0.5
  if ([...unit].every((c) => isCjk(c))) return unit.length === 1 ? 0.25 : 1
  return 1
}

export interface FreeScore {
  /** 0–1: how well the answer covers the reference (null when there is no reference). */
  score: number
  /** Share of the reference's weighted content units found in the answer. */
  coverage: number
  /** Reference content units the answer does not mention, most specific first. */
  missing: string[]
  /** True when the answer is very short relative to the reference. */
  short: boolean
}

/** Credit for a near match (a misspelling). */
const NEAR = 0.8

/** True when two latin stems differ by one edit (insert, delete, substitute, swap). */
function oneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

/**
 * A reference unit the answer nearly has: a latin stem of 6+ letters one edit away (`recurssion`; student
 * answers are full of these). Matching shared prefixes (`recursive`/`recursion`) was tried and dropped: it
 * merges different words (`compute`/`computer`) and did not help on the development set.
 */
function nearMatch(u: string, ans: ReadonlySet<string>): boolean {
  if (u.length < 6 || !/^[a-z]+$/.test(u)) return false
  for (const a of ans) if (a.length >= 5 && /^[a-z]+$/.test(a) && oneEdit(a, u)) return true
  return false
}

/** Matched reference weight at which the "how much right content" part of the score is 1 − 1/e. */
const SATURATION = 3

/**
 * Scores a free-text answer against a reference answer. Units are stems of content words (stop words
 * removed, synonyms folded, see text/synonyms.ts) and CJK character bigrams; a misspelt long word (one edit
 * away) earns 0.8. Each distinct reference unit
 * weighs 1, generic words ½, and words the question itself uses ¼ (copying the question earns little).
 * `raw = 0.6 × recall + 0.4 × (1 − e^(−matched / 3))`: the share of the reference covered, plus how much
 * right content there is in absolute terms, so a short answer that makes the main point is not punished
 * for leaving out the reference's detail. `score = min(1, 1.1 × raw + 0.2 × min(1, raw / 0.08))`, fitted to
 * the development set (bench/data/dev-set.jsonl) so that the score reads like a grader's 0–5 / 5; the
 * leniency term fades to zero for answers that share (almost) nothing with the reference. Pure.
 */
export function scoreFree(prompt: string, reference: string, answer: string): FreeScore {
  return scoreAgainst(freeQuestion(prompt, reference), contentUnits(answer))
}

/** What free-text grading needs of a question (its prompt and reference), worked out once per question. */
export interface FreeQuestion {
  /** Content units of the prompt. */
  prompt: ReadonlySet<string>
  /** Content units of the reference (none when it has none or there is no reference). */
  reference: ReadonlySet<string>
  /** Content units of the prompt and the reference together. */
  topic: ReadonlySet<string>
  /** Each distinct reference unit in order of first use: its weight and its surface form (the first one). */
  units: readonly { unit: string; weight: number; surface: string }[]
  /** The units' weights summed in that order. */
  total: number
}

/** Questions worked out, by prompt then reference; a batch of free-text records usually asks a few questions. */
const freeQuestions = new Map<string, Map<string, FreeQuestion>>()
let freeQuestionCount = 0
const MAX_FREE_QUESTIONS = 256

/** The {@link FreeQuestion} of a prompt and reference (`''` for none), kept for the next record that asks it. */
export function freeQuestion(prompt: string, reference = ''): FreeQuestion {
  let byReference = freeQuestions.get(prompt)
  const hit = byReference?.get(reference)
  if (hit) return hit
  const q = new Set(contentUnits(prompt))
  const surface = new Map<string, string>()
  for (const u of contentTokens(reference)) if (!surface.has(u.key)) surface.set(u.key, u.text)
  let total = 0
  const units = [...surface].map(([unit, text]) => {
    const w = weight(unit) * (q.has(unit) ? 0.25 : 1)
    total += w
    return { unit, weight: w, surface: text }
  })
  const entry: FreeQuestion = { prompt: q, reference: new Set(surface.keys()), topic: new Set(contentUnits(`${prompt}\n${reference}`)), units, total }
  // Bounded: answers to thousands of different questions must not keep every one.
  if (freeQuestionCount >= MAX_FREE_QUESTIONS) {
    freeQuestions.clear()
    freeQuestionCount = 0
    byReference = undefined
  }
  if (!byReference) freeQuestions.set(prompt, (byReference = new Map()))
  byReference.set(reference, entry)
  freeQuestionCount++
  return entry
}

/** {@link scoreFree} of an answer given as its content units. */
export function scoreAgainst(question: FreeQuestion, ansUnits: readonly string[]): FreeScore {
  const q = question.prompt
  const ans = new Set(ansUnits)
  const total = question.total
  let got = 0
  let gotNew = 0
  const missing: [string, number, number][] = []
  for (const { unit: u, weight: w, surface } of question.units) {
    const credit = ans.has(u) ? 1 : nearMatch(u, ans) ? NEAR : 0
    if (credit > 0) {
      got += credit * w
      if (!q.has(u)) gotNew += credit * w
    } else missing.push([surface, w, surface.length])
  }
  const coverage = total > 0 ? got / total : 0
  const raw = 0.6 * coverage + 0.4 * (1 - Math.exp(-got / SATURATION))
  // The leniency term needs at least one reference word the question does not already give away.
  const score = Math.max(0, Math.min(1, 1.1 * raw + 0.2 * Math.min(1, raw / 0.08, gotNew)))
  const short = ansUnits.filter((u) => !q.has(u)).length < 3
  // Most specific first: full-weight words before generic ones, longer words before shorter ones.
  missing.sort((a, b) => b[1] - a[1] || b[2] - a[2])
  return { score, coverage, missing: missing.map(([surface]) => surface), short }
}
