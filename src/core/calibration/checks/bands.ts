import type { LoadedQuestion } from '../../bank/schema.js'
import type { Issue } from '../../issue.js'
import { BAND_EDGE, type AnswerResult, type CheckResult, type RunResult } from '../results.js'
import { summariseRuns } from '../stats.js'
import { fmt, type QuestionIssues } from './issues.js'

/** Every calibration answer of the question with its graded runs and whether it landed in its band. */
export function gradedAnswers(lq: LoadedQuestion, runsOf: (item: string) => RunResult[]): AnswerResult[] {
  return lq.question.calibration.map((c, index) => {
    const g = summariseRuns(runsOf(`calibration[${index}]`))
    const loc = lq.locate(['calibration', index, 'answer'])
    return {
      index,
      kind: c.kind,
      lang: c.lang,
      band: c.band,
      line: loc.line,
      column: loc.column,
      ...g,
      in_band: g.overall === null ? null : g.overall >= c.band[0] && g.overall <= c.band[1],
    }
  })
}

/**
 * The `bands` check: an error for every answer outside its band (with a hint that depends on the side and
 * the kind), then a warning for every answer on an inner edge of its band.
 */
export function checkBands(answers: readonly AnswerResult[], repeat: number, issues: QuestionIssues): CheckResult {
  const found: Issue[] = []
  for (const a of answers) if (a.in_band === false) found.push(outOfBand(a, repeat, issues))
  for (const a of answers) {
    const edge = a.in_band ? innerEdge(a.overall!, a.band) : null
    if (edge !== null)
      found.push(
        issues.add(
          a.index,
          'warning',
          'calibration/band-edge',
          `${a.kind} (${a.lang}) answer scored ${fmt(a.overall!)}, on the edge of its band [${a.band.join(', ')}]; move the answer or the band so it sits at least ${BAND_EDGE} points inside`,
        ),
      )
  }
  const errors = answers.filter((a) => a.error).map((a) => `calibration[${a.index}]: ${a.error}`)
  const failed = found.some((i) => i.severity === 'error')
  return {
    status: errors.length ? 'error' : failed ? 'fail' : found.length ? 'warn' : 'pass',
    detail: `${answers.filter((a) => a.in_band).length}/${answers.length}`,
    issues: found,
    errors,
  }
}

function outOfBand(a: AnswerResult, repeat: number, issues: QuestionIssues): Issue {
  const low = a.overall! < a.band[0]
  const runs = repeat > 1 ? ` (runs: ${a.runs.map((r) => (r.ok ? fmt(r.overall) : 'error')).join(', ')})` : ''
  const hint = low
    ? a.kind === 'weak'
      ? 'lower the band or check the answer'
      : 'the key points or their terms miss what this answer says; fix the terms/`with`, the answer, or the band'
    : a.kind === 'strong'
      ? 'raise the band or check the answer'
      : 'the answer makes key points it should not; make the terms stricter (add `with`) or rewrite the answer'
  return issues.add(
    a.index,
    'error',
    'calibration/band',
    `${a.kind} (${a.lang}) answer scored ${fmt(a.overall!)}${runs}, ${low ? 'below' : 'above'} its band [${a.band.join(', ')}]; ${hint}`,
  )
}

/**
 * The inner edge of `band` that `overall` sits closer than {@link BAND_EDGE} to, or null. An answer there
 * leaves no room: one key point less or more, or a slightly different judge, moves it out. 0 and 100 are
 * not inner edges.
 */
export function innerEdge(overall: number, band: readonly [number, number]): number | null {
  if (band[0] > 0 && overall - band[0] < BAND_EDGE) return band[0]
  if (band[1] < 100 && band[1] - overall < BAND_EDGE) return band[1]
  return null
}
