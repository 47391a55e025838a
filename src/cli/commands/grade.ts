import { rm, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import type { Config } from '../../core/config/resolve.js'
import { InputError } from '../../core/errors.js'
import { INPUT_FORMATS } from '../../core/grading/input.js'
import { DEFAULT_PRICES, type Price } from '../../core/grading/prices.js'
import type { ResolveDefaults } from '../../core/grading/record.js'
import { openResultsFile, readPreviousResults, streamSink } from '../../core/grading/results-file.js'
import { acquireResultsLock } from '../../core/grading/results-lock.js'
import { createSummary } from '../../core/grading/summary.js'
import type { InputCheck } from '../../core/grading/validate.js'
import { checkOutputPath } from '../../core/output-path.js'
import type { CommandContext } from '../command.js'
import { addBankOption, addJudgeOptions, intOption, langOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { cacheFolderWritable, checkBatchStateFolder } from '../context.js'
import { openBankForGrading } from '../grade/bank.js'
import { finishGrade, reportKindOf } from '../grade/finish.js'
import { openGradeInput, validateGradeInput } from '../grade/input.js'
import type { GradeOptions, GradeOutcome, GradeSetup } from '../grade/options.js'
import { loadJudgeConfig } from '../judge.js'
import { cliMessages } from '../messages/index.js'

export type { GradeOptions } from '../grade/options.js'

export function registerGrade(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('grade <file>')
    .description('grade written answers in bulk (.jsonl, .json, .yaml, .csv, or - for stdin: JSONL, JSON, CSV or YAML)')
    .option('--out <file>', 'append results (JSONL) to this file as each one finishes')
    .option('--resume', 'with --out: skip ids already graded there, retry those marked error')
    .option('--concurrency <n>', 'answers graded at once', intOption('--concurrency', 1, 1024), 8)
    .option('--repeat <n>', 'grade each answer n times and report the spread', intOption('--repeat', 1, 20), 1)
    .option('--report <file>', 'write a report (.md or .html)')
    .option('--rubric <id>', 'rubric for records that name none')
    .option('--min-score <score>', 'exit 1 when the mean overall score is below this', intOption('--min-score', 0, 100))
    .option('--batch-api', 'send the work through the OpenAI Batch API (half price, slower)')
    .option('--no-cache', 'bypass the on-disk judge cache')
    .addOption(langOption('language of feedback'))
    .addOption(
      new Option('--input-format <format>', 'how to read the input (default: a file by its extension, stdin by its content)').choices(INPUT_FORMATS),
    )
    .addHelpText('after', '\nExamples:\n  $ mockint grade answers.jsonl --out results.jsonl --report report.html\n  $ cat answers.jsonl | mockint grade - --judge offline > results.jsonl\n  $ cat answers.csv | mockint grade - --input-format csv --judge offline')
  addBankOption(addJudgeOptions(cmd)).action(async (file: string, opts: GradeOptions) =>
    ctx.setExit(await runGrade(ctx, file, opts)),
  )
}

export async function runGrade(ctx: CommandContext, file: string, opts: GradeOptions): Promise<ExitCode> {
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const started = now()
  if (opts.resume && !opts.out) throw new InputError('--resume needs --out <file.jsonl> (the results file to continue)', { file: 'command line' })
  // Every output path is checked before anything is graded: a typo must not cost a paid run.
  const outPath = opts.out ? resolve(deps.cwd, opts.out) : undefined
  if (outPath) await checkOutputPath(outPath, opts.out!, '--out', 'results.jsonl')
  if (opts.report) await checkOutputPath(resolve(deps.cwd, opts.report), opts.report, '--report', 'report.html')
  const reportKind = opts.report ? reportKindOf(opts.report) : undefined
  const config = await loadJudgeConfig(deps, {
    judge: opts.judge,
    provider: opts.provider,
    model: opts.model,
    baseUrl: opts.baseUrl,
    lang: opts.lang,
  })
  // A server found on a local port has no Batch API.
  if (opts.batchApi && (config.effectiveJudge !== 'openai' || config.discovery?.found))
    throw new InputError('--batch-api needs the LLM judge: set OPENAI_API_KEY (or --base-url) and --judge openai', { file: 'command line' })
  if (opts.batchApi && !opts.out) await checkBatchStateFolder(deps, config)

  // One writer per results file: two runs appending (or resuming) the same file would grade ids twice.
  const lock = outPath && (await isRegularFileOrNew(outPath)) ? await acquireResultsLock(outPath, opts.out!, { ...deps.host, now }) : undefined
  const undoExitHook = lock ? deps.host.onExit(() => lock.releaseSync()) : undefined
  try {
    return await gradeInput(ctx, file, opts, { config, outPath, reportKind, started })
  } finally {
    // Released before the exit hook goes: a second Ctrl+C during the release still removes the lock.
    await lock?.release()
    undoExitHook?.()
  }
}

/** True when `path` is a regular file or does not exist yet: a device or pipe (`--out /dev/stdout`) takes no lock. */
async function isRegularFileOrNew(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => true)
}


/** Validates, then grades `file` (the results file, if any, is this run's alone) and reports. */
async function gradeInput(
  ctx: CommandContext,
  file: string,
  opts: GradeOptions,
  run: { config: Config; outPath?: string; reportKind?: 'md' | 'html'; started: number },
): Promise<ExitCode> {
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { config, outPath, reportKind, started } = run
  const input = await openGradeInput(deps, file, opts)
  try {
    // Only the questions and rubrics the records name are read (see openGradeBank).
    const lazyBank = await openBankForGrading(deps, config, opts.bank ?? [], opts.rubric)
    const defaults: ResolveDefaults = { rubric: opts.rubric, lang: config.lang }
    let check: InputCheck | undefined = await validateGradeInput(deps, input, opts, lazyBank, defaults, config.lang)
    if (!check) return EXIT.usage

    const prices: Record<string, Price> = { ...DEFAULT_PRICES, ...(config.file.prices ?? {}) }
    const summary = createSummary({ repeat: opts.repeat, model: config.model, prices, batch: opts.batchApi })
    let skip = new Set<string>()
    let already = 0
    if (outPath && opts.resume) {
      const ids = check.ids
      const prev = await readPreviousResults(outPath, opts.out!, (r) => {
        if (ids.has(r.id)) summary.add(r, { previous: true })
      })
      skip = prev.graded
      for (const id of skip) if (ids.has(id)) already++
      deps.stderr.write(`mockint: ${cliMessages(config.lang).grade.resuming(opts.out!, already, check.ids.size, prev.errorLines, prev.tornBytes > 0)}\n`)
    }
    const total = check.ids.size - already
    // Only ids were kept, but 100,000 of them are worth freeing before the grading pass.
    check = undefined
    // The offline judge is never cached; the LLM judge without a writable cache grades uncached, warned once.
    if (opts.cache && config.effectiveJudge !== 'offline' && !(await cacheFolderWritable(deps, config))) opts = { ...opts, cache: false }
    const sink = outPath ? await openResultsFile(outPath, opts.out!, { resume: !!opts.resume, earlier: already }) : streamSink(deps.stdout)
    const { path, shown, format } = input
    const setup: GradeSetup = { ctx, opts, config, bank: lazyBank.bank, path, shown, format, defaults, total, skip, sink, summary, prices, outPath }

    let outcome: GradeOutcome
    try {
      outcome = opts.batchApi
        ? await (await import('../grade/batch-api.js')).gradeViaBatchApi(setup)
        : await (await import('../grade/direct.js')).gradeDirect(setup)
    } finally {
      await sink.close()
    }
    return await finishGrade(deps, summary.finish(now() - started), outcome, { opts, lang: config.lang, outPath, reportKind, shown })
  } finally {
    if (input.tmp) await rm(input.tmp, { recursive: true, force: true })
  }
}
