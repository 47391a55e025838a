import { join } from 'node:path'
import { createFileCache } from '../../core/grading/cache.js'
import { readInput } from '../../core/grading/input.js'
import { AdaptiveLimiter } from '../../core/grading/limiter.js'
import type { ResultRecord } from '../../core/grading/result.js'
import { preparedRecords } from '../../core/grading/validate.js'
import { createProgress } from '../ui/progress.js'
import { cliMessages } from '../messages/index.js'
import { judgeIdentity } from './identity.js'
import type { GradeOutcome, GradeSetup } from './options.js'

/** Grades through the judge directly, `--concurrency` at a time, with progress on stderr. */
export async function gradeDirect(setup: GradeSetup): Promise<GradeOutcome> {
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
  // The questions the records name (the bank loaded them while checking the input), compiled up front.
  await judge.prepare?.(
    setup.bank.questions.flatMap(({ question }) => {
      const rubric = setup.bank.rubrics.get(question.rubric)?.rubric
      return rubric ? [{ question, rubric }] : []
    }),
  )
  const cacheOn = opts.cache && judge.kind !== 'offline'
  const out = await gradeBatch({
    // The offline judge grades the answers question by question (within each block of a JSONL file, each window
    // of CSV rows), with the question's compiled key points still in the processor's caches (see question-key.ts).
    records: preparedRecords(
      readInput(setup.path, setup.format, setup.shown, { byQuestion: judge.kind === 'offline' }),
      setup.bank,
      setup.defaults,
      setup.skip,
    ),
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
    maxUnwritten: setup.sink.maxUnwritten,
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

