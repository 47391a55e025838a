import type { LoadedQuestion } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import { hasCjk, normalise } from '../text/normalise.js'

/**
 * Matching hygiene: a key point's `with` terms are a second condition ("the point is explained, not just
 * named"), and a red flag's `with` terms are the wrong predicate. Each rule here finds a `with` term that
 * cannot do that job.
 */
export const MATCHING_RULES: Record<string, string> = {
  'bank/with-inside-term': "a key point's `with` term is a word or phrase of one of its own `terms`, so the `with` check can never fail",
  'bank/with-single-cjk': 'a `with` term is one Chinese character (值, 层, 步 …), which matches almost any sentence',
  'bank/with-generic': 'a `with` term is a generic or ambiguous word (before, order, 发现, 推理 …) that matches sentences that do not make the point',
}

/**
 * `with` terms that match sentences which do not make any particular point. 推理 means both reasoning and
 * inference, so alone it cannot tell the two apart; 之前/之后 and before/after match any narrative.
 */
export const GENERIC_WITH: Readonly<Record<'en' | 'zh', ReadonlySet<string>>> = {
  en: new Set([
    'before', 'after', 'order', 'use', 'used', 'using', 'uses', 'model', 'models', 'data', 'system', 'way',
    'also', 'good', 'better', 'more', 'less', 'first', 'then', 'one', 'time', 'thing', 'things', 'make', 'work',
  ]),
  zh: new Set(['之前', '之后', '以前', '以后', '发现', '使用', '模型', '数据', '系统', '问题', '方法', '可以', '进行', '推理', '然后', '一个', '时候']),
}

/** A `with` term that cannot do its job makes the grade wrong, so these are errors. */
export const MATCHING_SEVERITY: Issue['severity'] = 'error'

type Report = (path: readonly PropertyKey[], rule: string, message: string) => void

/** Latin text as a space-padded word sequence, so containment means whole words. */
function words(text: string): string {
  return ` ${normalise(text).replace(/[^\p{L}\p{N}.%²]+/gu, ' ').trim()} `
}

/** True when `inner` is a word or phrase of `outer` (Latin: whole words; Chinese: a substring). */
export function containedIn(inner: string, outer: string): boolean {
  if (hasCjk(inner)) return normalise(outer).replace(/\s+/g, '').includes(normalise(inner).replace(/\s+/g, ''))
  const w = words(inner)
  return w.trim() !== '' && words(outer).includes(w)
}

function isSingleCjk(term: string): boolean {
  const t = normalise(term).replace(/\s+/g, '')
  return [...t].length === 1 && hasCjk(t)
}

/** `keyPoint`: all three rules; `redFlag`: only the one-character rule (its `with` is an ordered predicate). */
function checkWith(terms: readonly string[], lang: 'en' | 'zh', withTerms: readonly string[], base: readonly PropertyKey[], what: string, report: Report, keyPoint: boolean) {
  withTerms.forEach((w, i) => {
    const path = [...base, 'with', lang, i]
    if (isSingleCjk(w)) {
      report(path, 'bank/with-single-cjk', `${what}: \`with\` term "${w}" is one character and matches almost any sentence; use a word of two or more characters that shows the point`)
      return
    }
    if (keyPoint && GENERIC_WITH[lang].has(normalise(w).trim())) {
      report(path, 'bank/with-generic', `${what}: \`with\` term "${w}" is generic${w === '推理' ? ' (推理 is both reasoning and inference)' : ''} and matches sentences that do not make the point; name the mechanism, number or trade-off instead`)
      return
    }
    if (keyPoint) {
      const host = terms.find((t) => containedIn(w, t))
      if (host !== undefined)
        report(path, 'bank/with-inside-term', `${what}: \`with\` term "${w}" is part of its own term "${host}", so the \`with\` check always passes when that term is used; give a second condition that shows the point is explained`)
    }
  })
}

/** Runs the matching-hygiene rules over one question. */
export function lintMatching(lq: LoadedQuestion, push: (issue: Issue) => void): void {
  const q = lq.question
  const report: Report = (path, rule, message) => push({ file: lq.file, ...lq.locate(path), severity: MATCHING_SEVERITY, rule, message })
  for (const [dim, kps] of Object.entries(q.key_points))
    kps.forEach((kp, k) => {
      if (!kp.with) return
      for (const lang of ['en', 'zh'] as const)
        checkWith(kp.terms[lang], lang, kp.with[lang], ['key_points', dim, k], `key point "${kp.id}"`, report, true)
    })
  q.red_flags.forEach((f, k) => {
    for (const lang of ['en', 'zh'] as const)
      checkWith(f.terms[lang], lang, f.with[lang], ['red_flags', k], `red flag "${f.id}"`, report, false)
  })
}
