import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import type { Bank } from '../../core/bank/load.js'
import type { Config } from '../../core/config/resolve.js'
import { InputError } from '../../core/errors.js'
import { createFileCache, type JudgeIdentity } from '../../core/grading/cache.js'
import { inputFormat, readInput, type InputFormat } from '../../core/grading/input.js'
import { AdaptiveLimiter, isRateLimit } from '../../core/grading/limiter.js'
import { DEFAULT_PRICES, type Price } from '../../core/grading/prices.js'
import type { ResolveDefaults } from '../../core/grading/record.js'
import type { ResultRecord } from '../../core/grading/result.js'
import { openResultsFile, readPreviousResults, streamSink, type ResultSink } from '../../core/grading/results-file.js'
import { createSummary, type BatchSummary, type SummaryAccumulator } from '../../core/grading/summary.js'
import { checkInput, preparedRecords, type InputCheck } from '../../core/grading/validate.js'
import { JUDGE_PROMPT_VERSION } from '../../core/judge/prompt.js'
import type { CommandContext } from '../run.js'
import { addBankOption, addJudgeOptions, intOption } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'
import { loadCliBank, loadCliConfig } from '../context.js'
import { createProgress } from '../ui/progress.js'

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
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}

export function registerGrade(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('grade <file>')
    .description('grade written answers in bulk (.jsonl, .json, .yaml, .csv, or - for JSONL on stdin)')
    .option('--out <file>', 'append results (JSONL) to this file as each one finishes')
    .option('--resume', 'with --out: skip ids already graded there, retry those marked error')
    .option('--concurrency <n>', 'answers graded at once', intOption('--concurrency', 1, 1024), 8)
    .option('--repeat <n>', 'grade each answer n times and report the spread', intOption('--repeat', 1, 20), 1)
    .option('--report <file>', 'write a report (.md or .html)')
    .option('--rubric <id>', 'rubric for records that name none')
    .option('--min-score <score>', 'exit 1 when the mean overall score is below this', intOption('--min-score', 0, 100))
    .option('--batch-api', 'send the work through the OpenAI Batch API (half price, slower)')
    .option('--no-cache', 'bypass the on-disk judge cache')
    .option('--lang <lang>', 'language of feedback')
    .addHelpText('after', '\nExamples:\n  $ mockint grade answers.jsonl --out results.jsonl --report report.html\n  $ cat answers.jsonl | mockint grade - --judge offline > results.jsonl')
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
  const reportKind = opts.report ? reportKindOf(opts.report) : undefined
  const config = await loadCliConfig(deps, {
    judge: opts.judge,
    provider: opts.provider,
    model: opts.model,
    baseUrl: opts.baseUrl,
    lang: opts.lang,
  })
  if (opts.batchApi && config.effectiveJudge !== 'openai')
    throw new InputError('--batch-api needs the LLM judge: set OPENAI_API_KEY (or --base-url) and --judge openai', { file: 'command line' })

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
    format = 'jsonl'
  } else {
    path = resolve(deps.cwd, file)
    shown = file
    format = inputFormat(file)
    if (!format)
      throw new InputError(`unknown input format "${extname(file) || '(no extension)'}"; use .jsonl, .json, .yaml, .yml or .csv (or - for JSONL on stdin)`, { file })
  }
  try {
    const bank = slimBank(await loadCliBank(deps, config, opts.bank ?? []))
    if (opts.rubric && !bank.rubrics.has(opts.rubric))
      throw new InputError(`unknown rubric "${opts.rubric}" (known: ${[...bank.rubrics.keys()].join(', ')})`, { file: '--rubric' })
    const defaults: ResolveDefaults = { rubric: opts.rubric, lang: config.lang }

    // Pass 1: validate everything before spending anything.
    let check: InputCheck | undefined = await checkInput(readInput(path, format, shown), bank, defaults)
    if (check.problemCount > 0) {
      for (const p of check.problems) deps.stderr.write(`${shown}:${p.line}: ${p.message}\n`)
      const more = check.problemCount - check.problems.length
      deps.stderr.write(
        `mockint: ${check.problemCount} problem${check.problemCount === 1 ? '' : 's'} in ${shown}${more > 0 ? ` (${more} more not shown)` : ''}; nothing was graded. Fix ${check.problemCount === 1 ? 'it' : 'them'} and run again.\n`,
      )
      return EXIT.usage
    }

    const prices: Record<string, Price> = { ...DEFAULT_PRICES, ...(config.file.prices ?? {}) }
    const summary = createSummary({ repeat: opts.repeat, model: config.model, prices, batch: opts.batchApi })
    let skip = new Set<string>()
    let already = 0
    const outPath = opts.out ? resolve(deps.cwd, opts.out) : undefined
    if (outPath && opts.resume) {
      const ids = check.ids
      const prev = await readPreviousResults(outPath, opts.out!, (r) => {
        if (ids.has(r.id)) summary.add(r, { previous: true })
      })
      skip = prev.graded
      for (const id of skip) if (ids.has(id)) already++
      deps.stderr.write(
        `mockint: resuming ${opts.out}: ${already} of ${check.ids.size} already graded${prev.errorLines ? `, ${prev.errorLines} error line(s) to retry` : ''}${prev.tornBytes ? ', a torn last line cut' : ''}\n`,
      )
    }
    const total = check.ids.size - already
    // Only ids were kept, but 100,000 of them are worth freeing before the grading pass.
    check = undefined
    const sink = outPath ? await openResultsFile(outPath, opts.out!, { resume: !!opts.resume }) : streamSink(deps.stdout)
    const setup: GradeSetup = { ctx, opts, config, bank, path, shown, format, defaults, total, skip, sink, summary, prices, outPath }

    let outcome: { interrupted: boolean }
    try {
      outcome = opts.batchApi ? await gradeViaBatchApi(setup) : await gradeDirect(setup)
    } finally {
      await sink.close()
    }
    const result = summary.finish(now() - started)
    const text = renderSummaryText(result, { out: opts.out, minScore: opts.minScore })
    // stdout carries the JSONL results when there is no --out; the summary then goes to stderr.
    ;(outPath ? deps.stdout : deps.stderr).write(text)
    if (opts.report && reportKind) {
      const meta = { input: shown, generated_at: new Date(now()).toISOString(), min_score: opts.minScore ?? null }
      const body =
        reportKind === 'html'
          ? (await import('../ui/batch-report-html.js')).renderBatchReportHtml(result, meta)
          : (await import('../ui/batch-report-md.js')).renderBatchReportMd(result, meta)
      await writeFile(resolve(deps.cwd, opts.report), body)
      deps.stderr.write(`mockint: report written to ${opts.report}\n`)
    }
    if (outcome.interrupted) {
      deps.stderr.write(
        `mockint: interrupted; ${result.total - result.resumed} result(s) saved${opts.out ? ` to ${opts.out}; run again with --resume to finish` : ''}\n`,
      )
      return EXIT.interrupted
    }
    if (result.errors > 0) {
      deps.stderr.write(
        `mockint: the judge failed on ${result.errors} answer(s) (written with status "error")${opts.out ? '; run again with --resume to retry them' : ''}\n`,
      )
      return EXIT.judge
    }
    if (opts.minScore !== undefined && result.mean_overall !== null && result.mean_overall < opts.minScore) {
      deps.stderr.write(`mockint: mean overall ${result.mean_overall} is below --min-score ${opts.minScore}\n`)
      return EXIT.content
    }
    return EXIT.ok
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true })
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
export function judgeIdentity(config: Config, kind: 'openai' | 'offline'): JudgeIdentity {
  if (kind === 'offline') return { kind, prompt_version: 'offline' }
  return {
    kind,
    provider: config.provider ?? 'openai',
    model: config.model,
    base_url: config.baseUrl,
    prompt_version: JUDGE_PROMPT_VERSION,
  }
}

/** Grades through the judge directly, `--concurrency` at a time, with progress on stderr. */
async function gradeDirect(setup: GradeSetup): Promise<{ interrupted: boolean }> {
  const { ctx, opts, config, summary } = setup
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { createJudge, describeJudgeChoice } = await import('../judge.js')
  const { gradeBatch } = await import('../../core/grading/batch.js')
  let progress: ReturnType<typeof createProgress> | undefined
  let limiter: AdaptiveLimiter | undefined
  let retries = 0
  let limitNote: string | undefined
  const note = () => [retries ? `retries ${retries}` : '', limitNote ?? ''].filter(Boolean).join(' · ') || undefined
  const judge = await createJudge(config, {
    onRetry: (info) => {
      retries++
      if (isRateLimit(info.reason)) limiter?.throttle(info.delayMs)
      progress?.update({ note: note() })
    },
  })
  deps.stderr.write(`mockint: ${describeJudgeChoice(config, judge)}\n`)
  progress = createProgress(deps.stderr, { total: setup.total, now })
  limiter = new AdaptiveLimiter(opts.concurrency, undefined, (s, reason) => {
    limitNote = s.limit < s.max ? `concurrency ${s.limit}/${s.max} (${reason})` : undefined
    progress?.update({ note: note() })
  })
  const cacheOn = opts.cache && judge.kind !== 'offline'
  const out = await gradeBatch({
    records: preparedRecords(readInput(setup.path, setup.format, setup.shown), setup.bank, setup.defaults, setup.skip),
    judge,
    identity: judgeIdentity(config, judge.kind),
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
  return { interrupted: out.interrupted }
}

/** Grades through the OpenAI Batch API: submit, poll with progress, then write every result. */
async function gradeViaBatchApi(setup: GradeSetup): Promise<{ interrupted: boolean }> {
  const { ctx, opts, config, summary } = setup
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { runBatchGrade } = await import('../../providers/openai-batch/index.js')
  const identity = judgeIdentity(config, 'openai')
  const pollMs = Number(deps.env.MOCKINT_BATCH_POLL_MS) > 0 ? Number(deps.env.MOCKINT_BATCH_POLL_MS) : 30_000
  let progress: ReturnType<typeof createProgress> | undefined
  let lastStatus = ''
  const total = setup.total
  deps.stderr.write(`mockint: judge: OpenAI Batch API, model ${config.model ?? '(provider default)'}${config.baseUrl ? ` at ${config.baseUrl}` : ''} — results arrive when the batch completes (up to 24 h, half price)\n`)
  const out = await runBatchGrade({
    provider: config.provider,
    model: config.model,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
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
        deps.stderr.write(
          `mockint: ${e.resumed ? 'resuming' : 'created'} batch ${e.batch_id} (${e.requests} request${e.requests === 1 ? '' : 's'}); polling every ${Math.round(pollMs / 1000)}s — interrupt and rerun the same command to resume\n`,
        )
      else if (e.type === 'status') {
        const line = `mockint: batch ${e.batch_id}: ${e.status} · ${e.completed}/${e.total} done · ${e.failed} failed`
        if (line !== lastStatus) deps.stderr.write(line + '\n')
        lastStatus = line
      } else {
        progress ??= createProgress(deps.stderr, { total, now })
        progress.update({ done: e.done, errors: e.errors })
      }
    },
  })
  progress?.finish()
  if (out.interrupted && out.batchId)
    deps.stderr.write(`mockint: batch ${out.batchId} keeps running on the server; run the same command again to collect its results\n`)
  return { interrupted: out.interrupted }
}

/** The closing lines: what was graded, the mean, errors, tokens and cost. */
export function renderSummaryText(s: BatchSummary, opts: { out?: string; minScore?: number }): string {
  const lines: string[] = []
  const judge = s.judge ? `${s.judge.kind}${s.judge.model ? ` ${s.judge.model}` : ''}` : 'none'
  lines.push(
    `graded ${s.graded}/${s.total}${s.resumed ? ` (${s.resumed} from an earlier run)` : ''} · errors ${s.errors} · judge ${judge} · ${(s.elapsed_ms / 1000).toFixed(1)}s`,
  )
  if (s.mean_overall !== null)
    lines.push(`mean overall ${s.mean_overall} · median ${s.median_overall} · pass rate ${Math.round((s.pass_rate ?? 0) * 100)}%`)
  const dims = Object.entries(s.dimensions)
  if (dims.length) lines.push(`dimensions: ${dims.map(([d, v]) => `${d} ${v.mean}`).join(' · ')}`)
  const flags = Object.entries(s.flags)
  if (flags.length) lines.push(`flags: ${flags.map(([f, n]) => `${f} ${n}`).join(' · ')}`)
  if (s.repeats)
    lines.push(
      `repeats ×${s.repeat}: ${s.repeats.stable}/${s.repeats.answers} stable · mean spread ${s.repeats.mean_spread} · exact agreement ${Object.entries(
        s.repeats.agreement,
      )
        .map(([d, a]) => `${d} ${Math.round(a.exact * 100)}%`)
        .join(' · ')}`,
    )
  const cost = s.cost.usd === null ? `cost unknown (${s.cost.note})` : `est. cost $${s.cost.usd.toFixed(4)}`
  lines.push(
    `tokens ${s.usage.prompt_tokens} in (${s.usage.cached_tokens} cached) / ${s.usage.completion_tokens} out · ${s.cached} from cache · ${cost}`,
  )
  for (const e of s.error_samples.slice(0, 5)) lines.push(`error ${e.id}: ${e.message}`)
  if (opts.out) lines.push(`results: ${opts.out}`)
  return lines.map((l) => l + '\n').join('')
}
