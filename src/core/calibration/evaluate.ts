import type { LoadedQuestion } from '../bank/schema.js'
import type { Rubric } from '../rubric/schema.js'
import { checkBands, gradedAnswers } from './checks/bands.js'
import { createQuestionIssues } from './checks/issues.js'
import { checkOrderAndMargin } from './checks/order.js'
import { checkProbes, probeResults } from './checks/probes.js'
import { checkStability } from './checks/stability.js'
import type { Probe } from './probes.js'
import type { CheckName, CheckResult, QuestionCalibration, RunResult } from './results.js'

/**
 * Evaluates one question's graded answers and probes into the five checks (bands, order, margin, probes,
 * stability) and their issues, listed in that order. Pure.
 */
export function evaluateQuestion(
  lq: LoadedQuestion,
  rubric: Rubric,
  probes: readonly Probe[],
  ctx: {
    runsOf(item: string): RunResult[]
    /** Evidence quoted per dimension in the first run of a probe. */
    evidenceOf?(item: string): Record<string, string[]>
    strict: boolean
    maxSpread: number
    repeat: number
  },
): QuestionCalibration {
  const issues = createQuestionIssues(lq)
  const answers = gradedAnswers(lq, ctx.runsOf)
  const bands = checkBands(answers, ctx.repeat, issues)
  const { discrimination, order, margin } = checkOrderAndMargin(answers, rubric, issues)
  const probed = probeResults(lq.question, probes, answers, ctx)
  const probesCheck = checkProbes(probed, ctx, issues)
  const stability = checkStability(answers, ctx, issues)
  const checks: Record<CheckName, CheckResult> = { bands, order, margin, probes: probesCheck, stability }
  const statuses = Object.values(checks).map((c) => c.status)
  return {
    id: lq.question.id,
    file: lq.file,
    rubric: rubric.id,
    margin_required: rubric.margin,
    status: statuses.includes('error') ? 'error' : statuses.includes('fail') ? 'fail' : 'pass',
    answers,
    probes: probed,
    discrimination,
    checks,
    issues: issues.all,
  }
}
