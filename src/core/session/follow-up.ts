import type { Question } from '../bank/schema.js'
import { pick, type Lang } from '../i18n.js'
import type { Rubric } from '../rubric/schema.js'
import type { GradeLine } from './run-types.js'

/**
 * Seconds a follow-up gets: half its question's budget, at least 30 s, and never more than the question's
 * own budget (under `--time 20` a follow-up gets 20 s, not 30).
 */
export function followUpBudget(mainBudgetS: number): number {
  return Math.min(mainBudgetS, Math.max(30, Math.round(mainBudgetS / 2)))
}

/**
 * The follow-up to ask: aimed at the weakest dimension of the graded answer not yet probed. The first
 * follow-up uses the judge's own `follow_up` when it gave one; otherwise the bank follow-up for that
 * dimension. When the answer could not be graded, the bank follow-ups are taken in order.
 */
export function chooseFollowUp(
  question: Question,
  rubric: Rubric,
  grade: GradeLine | undefined,
  probed: readonly string[],
  lang: Lang,
  nth: number,
): { prompt: string; dimension: string | null } | null {
  const bankFor = (dim: string) => question.follow_ups.find((f) => f.dimension === dim)
  if (grade?.type === 'grade') {
    const order = rubric.dimensions
      .map((d, i) => ({ id: d.id, level: grade.scores[d.id] ?? 0, i }))
      .filter((d) => !probed.includes(d.id))
      .sort((a, b) => a.level - b.level || a.i - b.i)
    const weakest = order[0]
    if (!weakest) return null
    const fromJudge = grade.verdict.follow_up.trim()
    if (nth === 1 && fromJudge) return { prompt: fromJudge, dimension: weakest.id }
    const bank = bankFor(weakest.id)
    if (bank) return { prompt: bank[lang], dimension: weakest.id }
    const dim = rubric.dimensions.find((d) => d.id === weakest.id)!
    return { prompt: pick(dim.asks, lang), dimension: weakest.id }
  }
  const next = question.follow_ups.find((f) => !probed.includes(f.dimension))
  return next ? { prompt: next[lang], dimension: next.dimension } : null
}
