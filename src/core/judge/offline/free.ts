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
  const tokens = tokenise(normalise(text))
  const out: { key: string; text: string }[] = []
  let prevCjk: Token | null = null
  for (const t of tokens) {
    if (t.kind === 'cjk') {
      if (prevCjk) out.push({ key: prevCjk.text + t.text, text: prevCjk.text + t.text })
      else out.push({ key: t.text, text: t.text })
      prevCjk = t
      continue
    }
    prevCjk = null
    if (t.kind === 'word' && t.text.length >= 2 && !STOP_WORDS.has(t.text) && !STOP_WORDS.has(t.key))
      out.push({ key: canonical(t.key), text: t.text })
    else if (t.kind === 'num') out.push({ key: t.key, text: t.text })
  }
  return out
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
  const q = new Set(contentUnits(prompt))
  const refTokens = contentTokens(reference)
  const surface = new Map<string, string>()
  for (const u of refTokens) if (!surface.has(u.key)) surface.set(u.key, u.text)
  const ansUnits = contentUnits(answer)
  const ans = new Set(ansUnits)
  let total = 0
  let got = 0
  let gotNew = 0
  const missing: [string, number, number][] = []
  for (const u of surface.keys()) {
    const w = weight(u) * (q.has(u) ? 0.25 : 1)
    total += w
    const credit = ans.has(u) ? 1 : nearMatch(u, ans) ? NEAR : 0
    if (credit > 0) {
      got += credit * w
      if (!q.has(u)) gotNew += credit * w
    } else missing.push([u, w, (surface.get(u) ?? u).length])
  }
  const coverage = total > 0 ? got / total : 0
  const raw = 0.6 * coverage + 0.4 * (1 - Math.exp(-got / SATURATION))
  // The leniency term needs at least one reference word the question does not already give away.
  const score = Math.max(0, Math.min(1, 1.1 * raw + 0.2 * Math.min(1, raw / 0.08, gotNew)))
  const short = ansUnits.filter((u) => !q.has(u)).length < 3
  // Most specific first: full-weight words before generic ones, longer words before shorter ones.
  missing.sort((a, b) => b[1] - a[1] || b[2] - a[2])
  return { score, coverage, missing: missing.map(([u]) => surface.get(u) ?? u), short }
}
