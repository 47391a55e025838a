import type { CalibrationReport, CheckName, CheckStatus, QuestionCalibration } from '../../core/calibration/calibrate.js'
import { CHECKS } from '../../core/calibration/calibrate.js'
import { displayWidth, padEnd, truncate } from './text.js'

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', error: 'E', skip: '–' }
const RESULT: Record<QuestionCalibration['status'], string> = { pass: 'pass', fail: 'FAIL', error: 'ERROR' }

/** One cell: status mark and short detail, e.g. `✓ 4/4`. */
export function renderCell(status: CheckStatus, detail: string): string {
  return status === 'skip' ? `${MARK.skip}` : `${MARK[status]} ${detail}`
}

/**
 * The calibration table: one row per question (bands, order, margin, probes, stability, result), a legend,
 * and nothing else. Pure: data in, text out. `width` caps the question column for narrow terminals.
 */
export function renderCalibrationTable(report: CalibrationReport, width = 100): string {
  const headers: Record<CheckName | 'question' | 'result', string> = {
    question: 'question',
    bands: 'bands',
    order: 'order',
    margin: 'margin',
    probes: 'probes',
    stability: 'stability',
    result: 'result',
  }
  const rows = report.questions.map((q) => ({
    question: q.id,
    ...Object.fromEntries(CHECKS.map((c) => [c, renderCell(q.checks[c].status, q.checks[c].detail)])),
    result: RESULT[q.status],
  })) as Record<keyof typeof headers, string>[]
  const cols = Object.keys(headers) as (keyof typeof headers)[]
  const widths = Object.fromEntries(
    cols.map((c) => [c, Math.max(displayWidth(headers[c]), ...rows.map((r) => displayWidth(r[c])))]),
  ) as Record<keyof typeof headers, number>
  const fixed = cols.filter((c) => c !== 'question').reduce((s, c) => s + widths[c] + 2, 0)
  widths.question = Math.max(20, Math.min(widths.question, width - fixed - 2))
  const line = (r: Record<keyof typeof headers, string>) =>
    cols
      .map((c, i) => (i === cols.length - 1 ? r[c] : padEnd(c === 'question' ? truncate(r[c], widths.question) : r[c], widths[c])))
      .join('  ')
  const out = [line(headers), ...rows.map(line)]
  out.push(`(${MARK.pass} pass  ${MARK.fail} fail  ${MARK.warn} warning  ${MARK.error} judge error  ${MARK.skip} not applicable; margin = strong − weak / required; stability = widest spread over repeats, lowest dimension agreement)`)
  return out.join('\n') + '\n'
}

/** The closing line of a calibration run. */
export function renderCalibrationSummary(report: CalibrationReport): string {
  const s = report.summary
  const parts = [`${s.passed} passed`, `${s.failed} failed`]
  if (s.errored) parts.push(`${s.errored} with judge errors`)
  const warnings = report.issues.filter((i) => i.severity === 'warning').length
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`)
  return (
    `calibration: ${s.questions} question${s.questions === 1 ? '' : 's'}, ${parts.join(', ')} — ` +
    `${report.gradings} gradings by ${report.judge.description}${report.repeat > 1 ? `, repeat ${report.repeat}` : ''} ` +
    `in ${(report.ms / 1000).toFixed(1)} s` +
    (report.usage.prompt_tokens + report.usage.completion_tokens > 0
      ? ` (${report.usage.prompt_tokens} prompt tokens, ${report.usage.cached_tokens} cached; ${report.usage.completion_tokens} completion tokens)`
      : '') +
    '\n'
  )
}
