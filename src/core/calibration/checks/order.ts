import type { CalibrationKind } from '../../bank/schema.js'
import type { Issue } from '../../issue.js'
import type { Rubric } from '../../rubric/schema.js'
import type { AnswerResult, CheckResult, LangDiscrimination } from '../results.js'
import { fmt, type QuestionIssues } from './issues.js'

const RANK: Record<CalibrationKind, number> = { weak: 0, borderline: 1, strong: 2 }

/** The `order` and `margin` checks and the per-language discrimination they are read from. */
export interface OrderAndMargin {
  discrimination: LangDiscrimination[]
  order: CheckResult
  margin: CheckResult
}

/**
 * Compares the answers of each language: every higher kind must score above every lower kind (`order`),
 * and the lowest strong answer must lead the highest weak one by the rubric's margin (`margin`). Answers a
 * judge failed to grade make both checks `error` for that language.
 */
export function checkOrderAndMargin(answers: readonly AnswerResult[], rubric: Rubric, issues: QuestionIssues): OrderAndMargin {
  const discrimination: LangDiscrimination[] = []
  const orderIssues: Issue[] = []
  const marginIssues: Issue[] = []
  const orderErrors: string[] = []
  for (const { lang, answers: inLang } of languageGroups(answers)) {
    const kinds = new Set(inLang.map((a) => a.kind))
    const errored = inLang.filter((a) => a.error)
    if (kinds.size >= 2 && errored.length) orderErrors.push(...errored.map((a) => `calibration[${a.index}]: ${a.error}`))
    const compared = kinds.size >= 2 && errored.length === 0
    const swapped = compared ? orderIssuesOf(inLang, issues) : []
    orderIssues.push(...swapped)
    const gap = compared ? marginOf(inLang) : null
    const margin_ok = gap === null ? null : gap.margin >= rubric.margin
    // A negative gap is already an order error; report the margin only when the order holds.
    if (gap && !margin_ok && gap.margin > 0) marginIssues.push(marginIssue(gap, lang, rubric, issues))
    const scored = (k: CalibrationKind) => inLang.filter((a) => a.kind === k && a.overall !== null).map((a) => a.overall!)
    discrimination.push({
      lang,
      strong: scored('strong'),
      borderline: scored('borderline'),
      weak: scored('weak'),
      margin: gap?.margin ?? null,
      order_ok: compared ? swapped.length === 0 : null,
      margin_ok,
    })
  }
  const orderChecked = discrimination.filter((d) => d.order_ok !== null)
  const order: CheckResult = {
    status: orderErrors.length ? 'error' : orderIssues.length ? 'fail' : orderChecked.length ? 'pass' : 'skip',
    detail: orderChecked.length ? (orderIssues.length ? 'swapped' : 'ok') : '—',
    issues: orderIssues,
    errors: orderErrors,
  }
  const margins = discrimination.filter((d) => d.margin !== null)
  const minMargin = margins.length ? Math.min(...margins.map((d) => d.margin!)) : null
  const margin: CheckResult = {
    status: orderErrors.length ? 'error' : margins.some((d) => !d.margin_ok) ? 'fail' : margins.length ? 'pass' : 'skip',
    detail: minMargin === null ? '—' : `${minMargin >= 0 ? '+' : ''}${fmt(minMargin)}/${rubric.margin}`,
    issues: marginIssues,
    errors: orderErrors.length ? [...orderErrors] : [],
  }
  return { discrimination, order, margin }
}

/**
 * The answers grouped by language, in the order languages first appear. When no language has two kinds
 * (say strong only in English, weak only in Chinese), one more group compares across languages rather
 * than not at all.
 */
export function languageGroups(answers: readonly AnswerResult[]): { lang: LangDiscrimination['lang']; answers: AnswerResult[] }[] {
  const langs = [...new Set(answers.map((a) => a.lang))]
  const groups: { lang: LangDiscrimination['lang']; answers: AnswerResult[] }[] = langs.map((lang) => ({
    lang,
    answers: answers.filter((a) => a.lang === lang),
  }))
  if (langs.length > 1 && groups.every((g) => new Set(g.answers.map((a) => a.kind)).size < 2)) groups.push({ lang: 'all', answers: [...answers] })
  return groups
}

/** An error for every pair where a higher kind does not score above a lower kind (all graded). */
function orderIssuesOf(inLang: readonly AnswerResult[], issues: QuestionIssues): Issue[] {
  const found: Issue[] = []
  for (const hi of inLang)
    for (const lo of inLang) {
      if (RANK[hi.kind] <= RANK[lo.kind] || hi.overall! > lo.overall!) continue
      found.push(
        issues.add(
          hi.index,
          'error',
          'calibration/order',
          `${hi.kind} (${hi.lang}) answer scored ${fmt(hi.overall!)}, not above the ${lo.kind}${lo.lang !== hi.lang ? ` (${lo.lang})` : ''} answer (${issues.lineOf(lo.index)}) at ${fmt(lo.overall!)}; the key points cannot tell them apart — check that the answers are not swapped and that the terms match what a ${hi.kind} answer says`,
        ),
      )
    }
  return found
}

interface Gap {
  margin: number
  lowStrong: AnswerResult
  highWeak: AnswerResult
}

/** min(strong) − max(weak), rounded to one decimal, with the two answers; null without both kinds. */
function marginOf(inLang: readonly AnswerResult[]): Gap | null {
  const strong = inLang.filter((a) => a.kind === 'strong')
  const weak = inLang.filter((a) => a.kind === 'weak')
  if (!strong.length || !weak.length) return null
  const lowStrong = strong.reduce((a, b) => (b.overall! < a.overall! ? b : a))
  const highWeak = weak.reduce((a, b) => (b.overall! > a.overall! ? b : a))
  return { margin: Math.round((lowStrong.overall! - highWeak.overall!) * 10) / 10, lowStrong, highWeak }
}

function marginIssue({ margin, lowStrong, highWeak }: Gap, lang: LangDiscrimination['lang'], rubric: Rubric, issues: QuestionIssues): Issue {
  return issues.add(
    lowStrong.index,
    'error',
    'calibration/margin',
    `strong − weak (${lang === 'all' ? 'across languages' : lang}) is ${fmt(margin)} points (${fmt(lowStrong.overall!)} − ${fmt(highWeak.overall!)} at ${issues.lineOf(highWeak.index)}), under the margin ${rubric.margin} of rubric "${rubric.id}"; the rubric barely separates them — make the strong answer complete or the key points more specific`,
  )
}
