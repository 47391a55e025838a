import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Option, type Command } from 'commander'
import type { Bank } from '../../core/bank/load.js'
import type { Config } from '../../core/config/resolve.js'
import { EnvironmentError, InputError } from '../../core/errors.js'
import { fsProblem } from '../../core/fs-errors.js'
import { createFileCache, type JudgeIdentity } from '../../core/grading/cache.js'
import { INPUT_FORMATS, inputFormat, readInput, type InputFormat } from '../../core/grading/input.js'
import { sniffInputFile } from '../../core/grading/input-format.js'
import { AdaptiveLimiter } from '../../core/grading/limiter.js'
import { DEFAULT_PRICES, type Price } from '../../core/grading/prices.js'
import type { ResolveDefaults } from '../../core/grading/record.js'
import type { ResultRecord } from '../../core/grading/result.js'
import { openResultsFile, readPreviousResults, streamSink, type ResultSink } from '../../core/grading/results-file.js'
import { acquireResultsLock } from '../../core/grading/results-lock.js'
import { createSummary, type SummaryAccumulator } from '../../core/grading/summary.js'
import { checkInput, preparedRecords, type InputCheck } from '../../core/grading/validate.js'
import { checkOutputPath } from '../../core/output-path.js'
import { escapeControlChars } from '../../core/text/control.js'
import type { CommandContext } from '../command.js'
import { addBankOption, addJudgeOptions, intOption, langOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { cacheFolderWritable, checkBatchStateFolder, openGradeBank } from '../context.js'
import { loadJudgeConfig } from '../judge.js'
import { createProgress } from '../ui/progress.js'
import { cliMessages } from '../messages/index.js'
import { renderSummaryText } from '../ui/grade-text.js'

/** Lines with invalid UTF-8 named one by one; the rest are counted. */
const MAX_UTF8_WARNINGS = 5

export interface GradeOptions {
  out?: string
  resume?: boolean
  concurrency: number
  repeat: number
  report?: string
  rubric?: string
  minScore?: number
  batchApi?: boolean
  cache: boolean
  lang?: 'en' | 'zh'
  /** How to read the input, overriding the extension (a file) or the content (stdin). */
  inputFormat?: InputFormat
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}

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

/** Everything both grading paths (direct and Batch API) share once the input has been checked. */
export interface GradeSetup {
  ctx: CommandContext
  opts: GradeOptions
  config: Config
  bank: Bank
  /** The input as a file on disk (stdin is spooled to a temp file so it can be read twice). */
  path: string
  /** The name shown in messages. */
  shown: string
  format: InputFormat
  defaults: ResolveDefaults
  /** Records to grade in this run (valid records not already graded). */
  total: number
  /** Ids already graded in `--out` (with `--resume`). */
  skip: Set<string>
  sink: ResultSink
  summary: SummaryAccumulator
  prices: Record<string, Price>
  outPath?: string
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

const FORMAT_NAMES: Record<InputFormat, string> = { jsonl: 'JSONL', json: 'a JSON array', csv: 'CSV', yaml: 'YAML' }

/**
 * When an input read with an explicit --input-format fails and its content looks like another format:
 * what it looks like and the flag to use. Empty when the content agrees with the flag (the problems are
 * then in the records themselves) or cannot be read again.
 */
async function formatHint(path: string, shown: string, format: InputFormat): Promise<string> {
  const sniffed = await sniffInputFile(path).catch(() => undefined)
  if (!sniffed || sniffed.format === format) return ''
  return `${shown} was read as ${FORMAT_NAMES[format]} (--input-format ${format}) but looks like ${FORMAT_NAMES[sniffed.format]} (${sniffed.reason}): use --input-format ${sniffed.format}, or leave the flag out to detect it`
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
  const t = cliMessages(config.lang).grade

  let tmp: string | undefined
  let path: string
  let shown: string
  let format: InputFormat | undefined
  if (file === '-') {
    tmp = await mkdtemp(join(tmpdir(), 'mockint-stdin-'))
    path = join(tmp, 'stdin.jsonl')
    // Spooled to disk, not memory: the input is read twice (validate, then grade) and may be large.
    await pipeline(deps.stdin, createWriteStream(path))
    shown = 'stdin'
    if (opts.inputFormat) format = opts.inputFormat
    else {
      // No extension to go by: the content says which format it is, and the person is told how it was read.
      const sniffed = await sniffInputFile(path)
      format = sniffed.format
      if (format !== 'jsonl') deps.stderr.write(`mockint: reading stdin as ${FORMAT_NAMES[format]} (${sniffed.reason}; --input-format to choose)\n`)
    }
  } else {
    path = resolve(deps.cwd, file)
    shown = file
    format = opts.inputFormat ?? inputFormat(file)
    if (!format)
      throw new InputError(
        `unknown input format "${extname(file) || '(no extension)'}"; use .jsonl, .json, .yaml, .yml or .csv, or say which with --input-format <jsonl|json|csv|yaml>`,
        { file },
      )
  }
  try {
    // Only the questions and rubrics the records name are read (see openGradeBank).
    const lazyBank = await openGradeBank(deps, config, opts.bank ?? [], slimBank)
    if (opts.rubric) {
      await lazyBank.need(undefined, opts.rubric)
      if (!lazyBank.bank.rubrics.has(opts.rubric)) await lazyBank.loadAll()
    }
    const bank = lazyBank.bank
    if (opts.rubric && !bank.rubrics.has(opts.rubric))
      throw new InputError(`unknown rubric "${opts.rubric}" (known: ${[...bank.rubrics.keys()].join(', ')})`, { file: '--rubric' })
    const defaults: ResolveDefaults = { rubric: opts.rubric, lang: config.lang }

    // Pass 1: validate everything before spending anything.
    const invalidUtf8: number[] = []
    let invalidUtf8Count = 0
    const onInvalidUtf8 = (line: number) => {
      if (invalidUtf8Count++ < MAX_UTF8_WARNINGS) invalidUtf8.push(line)
    }
    let check: InputCheck | undefined
    try {
      check = await checkInput(readInput(path, format, shown, { onInvalidUtf8 }), lazyBank, defaults)
    } catch (e) {
      const hint = e instanceof InputError && opts.inputFormat ? await formatHint(path, shown, format) : ''
      throw hint ? new InputError(`${e instanceof Error ? e.message : e}; ${hint}`, (e as InputError).where) : e
    }
    // Bad bytes are read as U+FFFD and grading goes on; the person learns which lines lost text.
    for (const line of invalidUtf8) deps.stderr.write(escapeControlChars(`${shown}:${line}: ${t.invalidUtf8Line}`) + '\n')
    if (invalidUtf8Count > 0) deps.stderr.write(`mockint: ${escapeControlChars(t.invalidUtf8(invalidUtf8Count, invalidUtf8Count - invalidUtf8.length, shown))}\n`)
    if (check.problemCount > 0) {
      // The `file:line:` problem lines stay English (grep-able); the closing note follows --lang.
      // Messages quote the input (ids, question ids, the bytes of a broken line): shown, never obeyed.
      for (const p of check.problems) deps.stderr.write(escapeControlChars(`${shown}:${p.line}: ${p.message}`) + '\n')
      deps.stderr.write(`mockint: ${t.problems(check.problemCount, check.problemCount - check.problems.length, shown)}\n`)
      const hint = opts.inputFormat ? await formatHint(path, shown, format) : ''
      if (hint) deps.stderr.write(`mockint: ${escapeControlChars(hint)}\n`)
      return EXIT.usage
    }

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
      deps.stderr.write(`mockint: ${t.resuming(opts.out!, already, check.ids.size, prev.errorLines, prev.tornBytes > 0)}\n`)
    }
    const total = check.ids.size - already
    // Only ids were kept, but 100,000 of them are worth freeing before the grading pass.
    check = undefined
    // The offline judge is never cached; the LLM judge without a writable cache grades uncached, warned once.
    if (opts.cache && config.effectiveJudge !== 'offline' && !(await cacheFolderWritable(deps, config))) opts = { ...opts, cache: false }
    const sink = outPath ? await openResultsFile(outPath, opts.out!, { resume: !!opts.resume, earlier: already }) : streamSink(deps.stdout)
    const setup: GradeSetup = { ctx, opts, config, bank, path, shown, format, defaults, total, skip, sink, summary, prices, outPath }

    let outcome: { interrupted: boolean; stopped?: { cause: string } }
    try {
      outcome = opts.batchApi ? await gradeViaBatchApi(setup) : await gradeDirect(setup)
    } finally {
      await sink.close()
    }
    const result = summary.finish(now() - started)
    const text = renderSummaryText(result, { out: opts.out, minScore: opts.minScore, lang: config.lang })
    // stdout carries the JSONL results when there is no --out; the summary then goes to stderr.
    ;(outPath ? deps.stdout : deps.stderr).write(text)
    if (opts.report && reportKind) {
      const meta = { input: shown, generated_at: new Date(now()).toISOString(), min_score: opts.minScore ?? null }
      const body =
        reportKind === 'html'
          ? (await import('../ui/batch-report-html.js')).renderBatchReportHtml(result, meta)
          : (await import('../ui/batch-report-md.js')).renderBatchReportMd(result, meta)
      await writeReport(resolve(deps.cwd, opts.report), opts.report, body, opts.out)
      deps.stderr.write(`mockint: ${t.reportWritten(opts.report)}\n`)
    }
    if (outcome.interrupted) {
      deps.stderr.write(`mockint: ${t.interrupted(result.total - result.resumed, opts.out)}\n`)
      return EXIT.interrupted
    }
    if (outcome.stopped) {
      deps.stderr.write(`mockint: ${t.stopped(outcome.stopped.cause, opts.out)}\n`)
      return EXIT.judge
    }
    if (result.errors > 0) {
      deps.stderr.write(`mockint: ${t.judgeFailed(result.errors, opts.out)}\n`)
      return EXIT.judge
    }
    if (opts.minScore !== undefined && result.mean_overall !== null && result.mean_overall < opts.minScore) {
      deps.stderr.write(`mockint: ${t.belowMinScore(result.mean_overall, opts.minScore)}\n`)
      return EXIT.content
    }
    return EXIT.ok
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * Writes the report. Its path was checked before grading; what can still fail is the machine (a full disk,
 * a folder removed meanwhile): exit 2 in words, pointing at the results that are safe, and no half report.
 */
async function writeReport(path: string, shown: string, body: string, out: string | undefined): Promise<void> {
  try {
    await writeFile(path, body)
  } catch (e) {
    const p = fsProblem(e) ?? ((e as NodeJS.ErrnoException).code === 'ENOENT' ? { code: 'ENOENT', what: 'its folder is gone', fix: 'create it' } : undefined)
    if (!p) throw e
    // Half a page would pass for a report.
    await rm(path, { force: true }).catch(() => undefined)
    const again = out ? `the results are safe in ${out}: ${p.fix}, then run again with --resume to write the report` : `${p.fix} and run again`
    throw new EnvironmentError(`cannot write the report (${p.what}, ${p.code}); ${again}`, { file: shown })
  }
}

/**
 * The bank without its YAML documents: a loaded question keeps its parsed document for error locations,
 * which grading never needs. Dropping them shrinks the live heap (≈ 25 MB for the shipped bank), and with it
 * the heap V8 grows to while 100,000 answers go through.
 */
function slimBank(bank: Bank): Bank {
  const nowhere = () => ({ line: 1, column: 1 })
  const questions = bank.questions.map((q) => ({ question: q.question, file: q.file, locate: nowhere }))
  const byId = new Map<string, (typeof questions)[number]>()
  for (const q of questions) if (!byId.has(q.question.id)) byId.set(q.question.id, q)
  const rubrics = new Map([...bank.rubrics].map(([id, r]) => [id, { rubric: r.rubric, file: r.file, locate: nowhere }]))
  return { questions, byId, rubrics, rubricFiles: [] }
}

function reportKindOf(file: string): 'md' | 'html' {
  const ext = extname(file).toLowerCase()
  if (ext === '.md' || ext === '.markdown') return 'md'
  if (ext === '.html' || ext === '.htm') return 'html'
  throw new InputError(`--report writes .md or .html, not "${ext || '(no extension)'}"`, { file })
}

/** The judge's identity for cache keys: everything about it that can change a grade. */
export async function judgeIdentity(config: Config, kind: 'openai' | 'offline'): Promise<JudgeIdentity> {
  if (kind === 'offline') return { kind, prompt_version: 'offline' }
  // The prompt module brings zod and the verdict schema: only the LLM judge needs it.
  const { JUDGE_PROMPT_VERSION } = await import('../../core/judge/prompt.js')
  return {
    kind,
    provider: config.provider ?? 'openai',
    model: config.model,
    base_url: config.baseUrl,
    prompt_version: JUDGE_PROMPT_VERSION,
  }
}

/** Grades through the judge directly, `--concurrency` at a time, with progress on stderr. */
async function gradeDirect(setup: GradeSetup): Promise<{ interrupted: boolean; stopped?: { cause: string } }> {
  const { ctx, opts, config, summary } = setup
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { createJudge, describeJudgeChoice } = await import('../judge.js')
  const { gradeBatch } = await import('../../core/grading/batch.js')
  const t = cliMessages(config.lang).grade
  let progress: ReturnType<typeof createProgress> | undefined
  let limiter: AdaptiveLimiter | undefined
  let retries = 0
  let limitNote: string | undefined
  const note = () => [retries ? t.retries(retries) : '', limitNote ?? ''].filter(Boolean).join(' · ') || undefined
  const judge = await createJudge(config, {
    onRetry: (info) => {
      retries++
      if (info.cause === 'rate_limit') limiter?.throttle(info.delayMs)
      progress?.update({ note: note() })
    },
  })
  deps.stderr.write(`mockint: ${describeJudgeChoice(config, judge)}\n`)
  progress = createProgress(deps.stderr, { total: setup.total, now, lang: config.lang })
  limiter = new AdaptiveLimiter(opts.concurrency, undefined, (s, reason) => {
    limitNote = s.limit < s.max ? t.concurrency(s.limit, s.max, reason) : undefined
    progress?.update({ note: note() })
  })
  // A long streaming run from here on: the CLI process bounds its heap growth (see main.ts).
  deps.streamingHeap?.()
  const cacheOn = opts.cache && judge.kind !== 'offline'
  const out = await gradeBatch({
    records: preparedRecords(readInput(setup.path, setup.format, setup.shown), setup.bank, setup.defaults, setup.skip),
    judge,
    identity: await judgeIdentity(config, judge.kind),
    cache: cacheOn ? createFileCache(join(config.home, 'cache', 'grades')) : undefined,
    repeat: opts.repeat,
    limiter,
    signal: deps.signal,
    write: (r: ResultRecord, prepared) => {
      const q = prepared.input.question
      summary.add(r, { questionText: q.kind === 'free' ? q.prompt : undefined })
      return setup.sink.write(r)
    },
    onEvent: (e) => {
      if (e.type === 'result')
        progress?.update({ done: e.done, errors: e.errors, tokens: e.usage.prompt_tokens + e.usage.completion_tokens })
      else if (e.type === 'retry') {
        retries++
        progress?.update({ note: note() })
      }
    },
  })
  progress.finish()
  return { interrupted: out.interrupted, stopped: out.stopped }
}

/** Grades through the OpenAI Batch API: submit, poll with progress, then write every result. */
async function gradeViaBatchApi(setup: GradeSetup): Promise<{ interrupted: boolean }> {
  const { ctx, opts, config, summary } = setup
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { runBatchGrade } = await import('../../providers/openai-batch/index.js')
  const t = cliMessages(config.lang).grade
  const identity = await judgeIdentity(config, 'openai')
  const pollMs = Number(deps.env.MOCKINT_BATCH_POLL_MS) > 0 ? Number(deps.env.MOCKINT_BATCH_POLL_MS) : 30_000
  let progress: ReturnType<typeof createProgress> | undefined
  let lastStatus = ''
  const total = setup.total
  deps.stderr.write(`mockint: ${t.batchJudge(config.model, config.baseUrl)}\n`)
  const out = await runBatchGrade({
    provider: config.provider,
    model: config.model,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    apiKeyEnv: config.apiKeyEnv,
    apiKeyEnvExplicit: Boolean(config.file.api_key_env),
    identity,
    records: () => preparedRecords(readInput(setup.path, setup.format, setup.shown), setup.bank, setup.defaults),
    skip: setup.skip,
    repeat: opts.repeat,
    cache: opts.cache ? createFileCache(join(config.home, 'cache', 'grades')) : undefined,
    statePath: (fp) => (setup.outPath ? `${setup.outPath}.batch.json` : join(config.home, 'batches', `${fp.slice(0, 16)}.json`)),
    pollMs,
    signal: deps.signal,
    write: async (r, prepared) => {
      await setup.sink.write(r)
      const q = prepared.input.question
      summary.add(r, { questionText: q.kind === 'free' ? q.prompt : undefined })
    },
    onEvent: (e) => {
      if (e.type === 'submitted')
        deps.stderr.write(`mockint: ${escapeControlChars(t.batchSubmitted(e.resumed, e.batch_id, e.requests, Math.round(pollMs / 1000)))}\n`)
      else if (e.type === 'status') {
        const line = `mockint: ${escapeControlChars(t.batchStatus(e.batch_id, e.status, e.completed, e.total, e.failed))}`
        if (line !== lastStatus) deps.stderr.write(line + '\n')
        lastStatus = line
      } else {
        progress ??= createProgress(deps.stderr, { total, now, lang: config.lang })
        progress.update({ done: e.done, errors: e.errors })
      }
    },
  })
  progress?.finish()
  if (out.interrupted && out.batchId)
    deps.stderr.write(`mockint: ${escapeControlChars(t.batchKeepsRunning(out.batchId))}\n`)
  return { interrupted: out.interrupted }
}
