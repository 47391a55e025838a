import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { loadBank, shippedBankPaths } from '../../core/bank/load.js'
import { EnvironmentError, InputError } from '../../core/errors.js'
import { fsProblem } from '../../core/fs-errors.js'
import { countBySeverity, sortIssues, type Issue } from '../../core/issue.js'
import { lintBank } from '../../core/lint/rules.js'
import { checkOutputPath } from '../../core/output-path.js'
import type { CommandContext } from '../command.js'
import { addJudgeOptions, intOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { renderGithubAnnotation, renderIssue } from '../ui/issues.js'
import { renderJunit, type JunitCase } from '../ui/junit.js'
import type { CheckOptions } from '../check-calibrate.js'

export type { CheckOptions }


export function registerCheck(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('check [path...]')
    .description('quality gate for banks and rubrics: static checks, then calibration with a judge')
    .option('--no-calibrate', 'static checks only (no grading)')
    .option('--repeat <n>', 'grade each calibration answer n times (stability)', intOption('--repeat', 1, 20), 1)
    .option('--labels <file>', 'human-graded answers (JSONL): report agreement with the judge')
    .option('--min-agreement <r>', 'with --labels: fail when Pearson r is below this', parseFloat)
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--strict', 'treat stability and echo-probe warnings as errors')
    .option('--no-shipped-questions', 'check only the given paths (the shipped rubrics stay loaded)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ mockint check --no-calibrate\n  $ mockint check my-bank/ --junit check.xml\n  $ mockint check --judge openai --model gpt-4.1-mini --repeat 3\n' +
        '  $ mockint check --labels graded.jsonl --min-agreement 0.7\n\n' +
        'Calibration grades every calibration answer and generated probes (empty, off-topic, buzzword-padded,\n' +
        'instruction and fake-verdict injections); problems are reported as file:line:column at the answer.\n' +
        'Exit codes: 0 passed · 1 content failed · 2 usage · 3 the judge failed for some answers',
    )
  addJudgeOptions(cmd, 'offline').action(async (paths: string[], opts: CheckOptions) =>
    ctx.setExit(await runCheck(ctx, paths, opts)),
  )
}

export async function runCheck(ctx: CommandContext, paths: string[], opts: CheckOptions): Promise<ExitCode> {
  const { deps } = ctx
  const started = performance.now()
  if (opts.labels && !opts.calibrate)
    throw new InputError('--labels grades answers with the judge; drop --no-calibrate to use it')
  if (opts.minAgreement !== undefined && !opts.labels)
    throw new InputError('--min-agreement needs --labels <file> (human-graded answers to compare with)')
  if (opts.minAgreement !== undefined && !(opts.minAgreement >= -1 && opts.minAgreement <= 1))
    throw new InputError('--min-agreement must be a correlation from -1 to 1, e.g. 0.7')
  // The JUnit path is checked before the bank is loaded or a single answer graded: a typo must not cost a
  // calibration run (with a paid judge) and then end without the report.
  const junitPath = opts.junit ? resolve(deps.cwd, opts.junit) : undefined
  if (junitPath) await checkOutputPath(junitPath, opts.junit!, '--junit', 'check.xml')
  const shipped = shippedBankPaths()
  const bankPaths = opts.shippedQuestions === false ? [...shipped.filter((p) => !p.endsWith('questions')), ...paths] : [...shipped, ...paths]
  const { bank, issues: loadIssues } = await loadBank(bankPaths, deps.cwd)
  const issues = sortIssues([...loadIssues, ...lintBank(bank)])
  const staticMs = performance.now() - started
  const counts = countBySeverity(issues)
  const cases: JunitCase[] = issuesToCases(issues)

  let calibration: { exit: ExitCode; json: unknown; cases: JunitCase[]; text: string; issues: Issue[] } | undefined
  if (opts.calibrate && counts.errors === 0) {
    const { runCheckCalibration } = await import('../check-calibrate.js')
    calibration = await runCheckCalibration(ctx, bank, opts)
    cases.push(...calibration.cases)
  }

  if (deps.env.GITHUB_ACTIONS === 'true') {
    // Workflow commands are read from stdout and stderr alike; keep `--format json` stdout pure JSON.
    const out = opts.format === 'json' ? deps.stderr : deps.stdout
    for (const i of [...issues, ...(calibration?.issues ?? [])]) out.write(renderGithubAnnotation(i) + '\n')
  }
  if (opts.format === 'json') {
    deps.stdout.write(
      JSON.stringify(
        {
          ok: counts.errors === 0 && (calibration?.exit ?? EXIT.ok) === EXIT.ok,
          questions: bank.questions.length,
          rubrics: bank.rubricFiles.length,
          errors: counts.errors,
          warnings: counts.warnings,
          issues,
          static_ms: Math.round(staticMs),
          calibration: calibration?.json ?? null,
        },
        null,
        2,
      ) + '\n',
    )
  } else {
    for (const i of issues) deps.stdout.write(renderIssue(i) + '\n')
    if (calibration) deps.stdout.write(calibration.text)
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
    const cal = calibration ? countBySeverity(calibration.issues) : undefined
    const exit = counts.errors > 0 ? EXIT.content : (calibration?.exit ?? EXIT.ok)
    deps.stdout.write(
      `checked ${plural(bank.questions.length, 'question')} and ${plural(bank.rubricFiles.length, 'rubric')}: ` +
        `static ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}` +
        (cal
          ? ` · calibration ${plural(cal.errors, 'error')}, ${plural(cal.warnings, 'warning')}`
          : opts.calibrate
            ? ' · calibration skipped until the static errors are fixed'
            : ' · calibration off (--no-calibrate)') +
        ` — ${exit === EXIT.ok ? 'passed' : exit === EXIT.judge ? 'the judge failed' : 'FAILED'}\n`,
    )
  }
  if (junitPath) await writeJunit(junitPath, opts.junit!, renderJunit('mockint check', cases))
  if (counts.errors > 0) return EXIT.content
  return calibration?.exit ?? EXIT.ok
}

/** Writes the JUnit report; what can still fail after the up-front check is the machine (a full disk). */
async function writeJunit(path: string, shown: string, xml: string): Promise<void> {
  try {
    await writeFile(path, xml)
  } catch (e) {
    const p = fsProblem(e)
    if (!p) throw e
    throw new EnvironmentError(`cannot write the JUnit report (${p.what}, ${p.code}); ${p.fix} and run again`, { file: shown })
  }
}

function issuesToCases(issues: Issue[]): JunitCase[] {
  return issues
    .filter((i) => i.severity === 'error')
    .map((i) => ({
      classname: i.file,
      name: `${i.rule} (${i.line}:${i.column})`,
      failure: { message: i.message, body: renderIssue(i) },
    }))
}
