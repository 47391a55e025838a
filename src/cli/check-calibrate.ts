import { resolve } from 'node:path'
import type { Bank } from '../core/bank/load.js'
import { gradeLabels, labelAgreement, parseLabels, type LabelAgreement, type LoadedLabel } from '../core/calibration/labels.js'
import { InputError } from '../core/errors.js'
import { readRegularFile } from '../core/file-access.js'
import { MAX_WHOLE_FILE_BYTES } from '../core/grading/input.js'
import { calibrateBank, CHECKS, type CalibrationReport } from '../core/calibration/calibrate.js'
import { sortIssues, type Issue } from '../core/issue.js'
import { escapeControlChars } from '../core/text/control.js'
import { EXIT, type ExitCode } from './deps.js'
import { createJudge, describeJudgeChoice, loadJudgeConfig } from './judge.js'
import type { CommandContext } from './command.js'
import { renderCalibrationSummary, renderCalibrationTable } from './ui/check-table.js'
import { renderIssue } from './ui/issues.js'
import type { JunitCase } from './ui/junit.js'

/** `mockint check`'s flags (the command registers them; calibration reads them). */
export interface CheckOptions {
  calibrate: boolean
  judge: string
  provider?: string
  model?: string
  baseUrl?: string
  repeat: number
  labels?: string
  minAgreement?: number
  junit?: string
  format: 'text' | 'json'
  strict?: boolean
  /** False with `--no-shipped-questions`: check only the given paths (the shipped rubrics stay loaded). */
  shippedQuestions?: boolean
}

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
  // Labels are validated before anything is graded: a bad line stops the run with file:line, exit 2.
  let labels: LoadedLabel[] | undefined
  if (opts.labels) {
    const read = await readRegularFile(resolve(deps.cwd, opts.labels), MAX_WHOLE_FILE_BYTES)
    if (!read.ok) {
      const f = read.failure
      throw new InputError(
        f.kind === 'missing'
          ? 'no such labels file; check the path'
          : f.kind === 'not-regular'
            ? `the labels file is ${f.what}, not a file; save the labels to a file`
            : f.kind === 'too-large'
              ? `the labels file is over the ${MAX_WHOLE_FILE_BYTES / 1024 / 1024} MB limit`
              : `cannot read the labels file (${f.code})`,
        { file: opts.labels },
      )
    }
    labels = parseLabels(read.bytes.toString('utf8'), opts.labels, bank)
  }
  const config = await loadJudgeConfig(deps, {
    judge: opts.judge,
    provider: opts.provider,
    model: opts.model,
    baseUrl: opts.baseUrl,
  })
  const judge = await createJudge(config, {
    onRetry: ({ attempt, delayMs, reason }) =>
      deps.stderr.write(`judge: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s (${escapeControlChars(reason)})\n`),
  })
  deps.stderr.write(describeJudgeChoice(config, judge) + '\n')

  const tty = deps.stderr.isTTY === true
  let lastDraw = 0
  let lastStep = 0
  const report = await calibrateBank(bank, {
    judge,
    repeat: opts.repeat,
    strict: opts.strict,
    concurrency: judge.kind === 'offline' ? 1 : 8,
    signal: deps.signal,
    onEvent: (e) => {
      if (e.type !== 'graded') return
      if (tty) {
        const t = Date.now()
        if (t - lastDraw < 100 && e.done < e.total) return
        lastDraw = t
        deps.stderr.write(e.done === e.total ? '\r\x1b[2K' : `\r\x1b[2Kcalibrating: ${e.done}/${e.total} gradings`)
      } else if (judge.kind !== 'offline') {
        // In CI an LLM run takes minutes: a line every tenth shows it is alive without flooding the log.
        const step = Math.floor((e.done * 10) / e.total)
        if (step > lastStep) {
          lastStep = step
          deps.stderr.write(`calibrating: ${e.done}/${e.total} gradings\n`)
        }
      }
    },
  })

  let agreement: LabelAgreement | undefined
  if (labels) {
    const defaultRubric = (bank.rubrics.get('llm-engineer') ?? [...bank.rubrics.values()][0])?.rubric
    if (!defaultRubric) throw new InputError('no rubric is loaded to grade the labelled answers with')
    const grades = await gradeLabels(labels, {
      bank,
      judge,
      defaultRubric,
      repeat: opts.repeat,
      concurrency: judge.kind === 'offline' ? 1 : 8,
      signal: deps.signal,
      onGraded: (done, total) => {
        if (tty) deps.stderr.write(done === total ? '\r\x1b[2K' : `\r\x1b[2Kgrading labels: ${done}/${total}`)
      },
    })
    agreement = labelAgreement(labels, grades, judge, opts.minAgreement)
    for (const g of grades.filter((x) => x.error).slice(0, MAX_FAILURE_LINES))
      deps.stderr.write(`mockint: judge failed: ${escapeControlChars(`${opts.labels}:${g.line}: ${g.error}`)}\n`)
  }

  const failures = report.questions.flatMap((q) =>
    [...q.answers.map((a) => ({ item: `calibration[${a.index}] (line ${a.line})`, error: a.error })), ...q.probes.map((p) => ({ item: `probe ${p.name}`, error: p.error }))]
      .filter((x) => x.error)
      .map((x) => `${q.file}: ${q.id} ${x.item}: ${x.error}`),
  )
  // The server's own error text: shown, never obeyed.
  for (const f of failures.slice(0, MAX_FAILURE_LINES)) deps.stderr.write(`mockint: judge failed: ${escapeControlChars(f)}\n`)
  if (failures.length > MAX_FAILURE_LINES)
    deps.stderr.write(`mockint: judge failed for ${failures.length - MAX_FAILURE_LINES} more answers (see --format json)\n`)

  const issues = sortIssues([...report.issues])
  let text = ''
  if (report.questions.length) text += '\n' + renderCalibrationTable(report, deps.stdout.isTTY ? (deps.stdout.columns ?? 100) : 160) + '\n'
  for (const i of issues) text += renderIssue(i) + '\n'
  text += renderCalibrationSummary(report)
  if (agreement) text += renderAgreement(agreement, opts.labels!)

  let exit: ExitCode = EXIT.ok
  if (report.summary.failed > 0 || report.questions.some((q) => q.status === 'fail')) exit = EXIT.content
  if (agreement?.passed === false) exit = EXIT.content
  if (report.judge_failures > 0 || (agreement?.failed ?? 0) > 0) exit = EXIT.judge
  const cases = calibrationCases(report)
  if (agreement) cases.push(agreementCase(agreement, opts.labels!))
  return { exit, json: { ...report, agreement: agreement ?? null }, cases, text, issues }
}

const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits))

/** The agreement line(s) under the calibration table. */
export function renderAgreement(a: LabelAgreement, file: string): string {
  let s =
    `agreement with ${a.graded} human label${a.graded === 1 ? '' : 's'} in ${file} (${a.judge.kind} judge, scale 0–${a.scale}): ` +
    `Pearson ${num(a.pearson)}  Spearman ${num(a.spearman)}  QWK ${num(a.qwk)}  MAE ${num(a.mae)}  ` +
    `within-one ${a.within_one === null ? 'n/a' : `${Math.round(a.within_one * 100)}%`}` +
    (a.failed ? `  (${a.failed} not graded: judge failed)` : '') +
    '\n'
  const dims = Object.entries(a.dimensions)
  if (dims.length) s += `agreement per dimension (Pearson): ${dims.map(([d, r]) => `${d} ${num(r)}`).join('  ')}\n`
  if (a.passed === false)
    s += `agreement: Pearson ${num(a.pearson)} is below --min-agreement ${a.min_agreement}; the judge does not rank answers the way your graders do\n`
  return s
}

function agreementCase(a: LabelAgreement, file: string): JunitCase {
  const tc: JunitCase = { classname: file, name: 'agreement with human labels' }
  if (a.failed) tc.error = { message: `judge failed for ${a.failed} labelled answer${a.failed === 1 ? '' : 's'}`, body: a.labels.filter((l) => l.error).map((l) => `${file}:${l.line}: ${l.error}`).join('\n') }
  else if (a.passed === false) tc.failure = { message: `Pearson ${num(a.pearson)} is below --min-agreement ${a.min_agreement}` }
  return tc
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
