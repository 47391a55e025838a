import { normalise, isCjk } from '../../text/normalise.js'
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
    .map((w) => tokenise(w)[0]?.key ?? w),
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
      out.push({ key: t.key, text: t.text })
    else if (t.kind === 'num') out.push({ key: t.key, text: t.text })
  }
  return out
}

function weight(unit: string): number {
  if (GENERIC.has(unit)) return 0.5
  if ([...unit].every((c) => isCjk(c))) return unit.length === 1 ? 0.25 : 1
  return 1
}

function bigrams(units: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < units.length; i++) out.push(`${units[i]} ${units[i + 1]}`)
  return out
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

/**
 * Scores a free-text answer against a reference answer: weighted recall of the reference's content words
 * (stop words removed, stemmed; generic words count half; words the question itself uses count a quarter,
 * so copying the question earns little), blended with recall of the reference's content-word bigrams, damped
 * for answers much shorter than the reference, then mapped through a concave curve (a short answer that
 * makes the reference's main point is a good answer). Pure and deterministic.
 */
export function scoreFree(prompt: string, reference: string, answer: string): FreeScore {
  const q = new Set(contentUnits(prompt))
  const refTokens = contentTokens(reference)
  const refUnits = refTokens.map((u) => u.key)
  const surface = new Map<string, string>()
  for (const u of refTokens) if (!surface.has(u.key)) surface.set(u.key, u.text)
  const ansUnits = contentUnits(answer)
  const ans = new Set(ansUnits)
  const ref = new Map<string, number>()
  for (const u of refUnits) if (!ref.has(u)) ref.set(u, weight(u) * (q.has(u) ? 0.25 : 1))
  let total = 0
  let got = 0
  const missing: [string, number][] = []
  for (const [u, w] of ref) {
    total += w
    if (ans.has(u)) got += w
    else missing.push([u, w])
  }
  const coverage = total > 0 ? got / total : 0
  const refBi = new Set(bigrams(refUnits))
  const ansBi = new Set(bigrams(ansUnits))
  let biGot = 0
  for (const b of refBi) if (ansBi.has(b)) biGot++
  const biCoverage = refBi.size > 0 ? biGot / refBi.size : coverage
  let raw = 0.8 * coverage + 0.2 * biCoverage
  // Damp very short answers: fewer content units than a third of the reference's (at least 3).
  const need = Math.max(3, Math.round(ref.size / 3))
  const newUnits = ansUnits.filter((u) => !q.has(u)).length
  const short = newUnits < need
  if (short) raw *= Math.max(0, newUnits) / need
  const score = Math.min(1, Math.pow(Math.min(1, raw / 0.6), 0.8))
  missing.sort((a, b) => b[1] - a[1])
  return { score, coverage, missing: missing.map(([u]) => surface.get(u) ?? u), short }
}
