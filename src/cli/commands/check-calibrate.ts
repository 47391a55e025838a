import type { Bank } from '../../core/bank/load.js'
import { calibrateBank, CHECKS, type CalibrationReport } from '../../core/calibration/calibrate.js'
import { sortIssues, type Issue } from '../../core/issue.js'
import { loadCliConfig } from '../context.js'
import { EXIT, type ExitCode } from '../deps.js'
import { createJudge, describeJudgeChoice } from '../judge.js'
import type { CommandContext } from '../run.js'
import { renderCalibrationSummary, renderCalibrationTable } from '../ui/check-table.js'
import { renderIssue } from '../ui/issues.js'
import type { JunitCase } from '../ui/junit.js'
import type { CheckOptions } from './check.js'

export interface CheckCalibrationResult {
  exit: ExitCode
  json: unknown
  cases: JunitCase[]
  text: string
  /** Calibration problems, for GitHub annotations. */
  issues: Issue[]
}

/** Most judge failures listed on stderr before "and N more". */
const MAX_FAILURE_LINES = 10

/**
 * Calibrates every question with the chosen judge and renders the result. Exit: 3 when the judge failed
 * for any answer (after the run), 1 when a check failed, else 0.
 */
export async function runCheckCalibration(
  ctx: CommandContext,
  bank: Bank,
  opts: CheckOptions,
): Promise<CheckCalibrationResult> {
  const { deps } = ctx
  const config = await loadCliConfig(deps, {
    judge: opts.judge,
    provider: opts.provider,
    model: opts.model,
    baseUrl: opts.baseUrl,
  })
  const judge = await createJudge(config, {
    onRetry: ({ attempt, delayMs, reason }) =>
      deps.stderr.write(`judge: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s (${reason})\n`),
  })
  deps.stderr.write(describeJudgeChoice(config, judge) + '\n')

  const tty = deps.stderr.isTTY === true
  let lastDraw = 0
  const report = await calibrateBank(bank, {
    judge,
    repeat: opts.repeat,
    strict: opts.strict,
    concurrency: judge.kind === 'offline' ? 1 : 8,
    signal: deps.signal,
    onEvent: (e) => {
      if (!tty) return
      if (e.type === 'graded') {
        const t = Date.now()
        if (t - lastDraw < 100 && e.done < e.total) return
        lastDraw = t
        deps.stderr.write(`\r\x1b[2Kcalibrating: ${e.done}/${e.total} gradings`)
        if (e.done === e.total) deps.stderr.write('\r\x1b[2K')
      }
    },
  })

  const failures = report.questions.flatMap((q) =>
    [...q.answers.map((a) => ({ item: `calibration[${a.index}] (line ${a.line})`, error: a.error })), ...q.probes.map((p) => ({ item: `probe ${p.name}`, error: p.error }))]
      .filter((x) => x.error)
      .map((x) => `${q.file}: ${q.id} ${x.item}: ${x.error}`),
  )
  for (const f of failures.slice(0, MAX_FAILURE_LINES)) deps.stderr.write(`mockint: judge failed: ${f}\n`)
  if (failures.length > MAX_FAILURE_LINES)
    deps.stderr.write(`mockint: judge failed for ${failures.length - MAX_FAILURE_LINES} more answers (see --format json)\n`)

  const issues = sortIssues([...report.issues])
  let text = ''
  if (report.questions.length) text += '\n' + renderCalibrationTable(report, deps.stdout.columns ?? 100) + '\n'
  for (const i of issues) text += renderIssue(i) + '\n'
  text += renderCalibrationSummary(report)

  let exit: ExitCode = EXIT.ok
  if (report.summary.failed > 0 || report.questions.some((q) => q.status === 'fail')) exit = EXIT.content
  if (report.judge_failures > 0) exit = EXIT.judge
  return { exit, json: report, cases: calibrationCases(report), text, issues }
}

/** One JUnit case per question and check: content failures are `<failure>`, judge failures `<error>`. */
export function calibrationCases(report: CalibrationReport): JunitCase[] {
  const cases: JunitCase[] = []
  for (const q of report.questions)
    for (const name of CHECKS) {
      const c = q.checks[name]
      const tc: JunitCase = { classname: q.file, name: `${q.id} calibration/${name}` }
      if (c.status === 'error')
        tc.error = { message: `judge failed: ${c.errors[0] ?? 'unknown'}`, body: [...c.errors, ...c.issues.map(renderIssue)].join('\n') }
      else if (c.status === 'fail')
        tc.failure = { message: c.issues[0]?.message ?? `${name} failed`, body: c.issues.map(renderIssue).join('\n') }
      else if (c.status === 'skip') tc.skipped = name === 'stability' ? 'needs --repeat 2 or more' : 'not applicable'
      cases.push(tc)
    }
  return cases
}
