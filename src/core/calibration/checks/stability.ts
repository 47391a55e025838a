import type { Issue } from '../../issue.js'
import type { AnswerResult, CheckResult } from '../results.js'
import { fmt, type QuestionIssues } from './issues.js'

/**
 * The `stability` check, made only with `repeat` ≥ 2: an issue (an error under `strict`) for every answer
 * whose overall score spread more than `maxSpread` points over the runs.
 */
export function checkStability(
  answers: readonly AnswerResult[],
  opts: { repeat: number; maxSpread: number; strict: boolean },
  issues: QuestionIssues,
): CheckResult {
  if (opts.repeat < 2) return { status: 'skip', detail: '—', issues: [], errors: [] }
  const found: Issue[] = []
  for (const a of answers) {
    if (a.spread === null || a.spread <= opts.maxSpread) continue
    found.push(
      issues.add(
        a.index,
        opts.strict ? 'error' : 'warning',
        'calibration/unstable',
        `${a.kind} (${a.lang}) answer's overall score spread ${fmt(a.spread)} points over ${opts.repeat} runs (${a.runs.map((r) => (r.ok ? fmt(r.overall) : 'error')).join(', ')}), over ${opts.maxSpread}${a.dimension_agreement !== null ? `; dimension agreement ${Math.round(a.dimension_agreement * 100)}%` : ''}; make the level descriptors or key points more concrete, or use a steadier judge`,
      ),
    )
  }
  const spreads = answers.map((a) => a.spread).filter((s): s is number => s !== null)
  const agreements = answers.map((a) => a.dimension_agreement).filter((x): x is number => x !== null)
  const agreementText = agreements.length && Math.min(...agreements) < 1 ? ` ${Math.round(Math.min(...agreements) * 100)}%` : ''
  return {
    status: found.length ? (opts.strict ? 'fail' : 'warn') : spreads.length ? 'pass' : 'error',
    detail: spreads.length ? `±${fmt(Math.max(...spreads))}${agreementText}` : '—',
    issues: found,
    errors: spreads.length ? [] : ['no answer was graded in every run'],
  }
}
