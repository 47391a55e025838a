import type { Bank } from '../bank/load.js'
import type { LoadedQuestion } from '../bank/schema.js'
import { InterruptedError } from '../errors.js'
import type { Lang } from '../i18n.js'
import type { FailureCause, GradeInput, GradeOutcome, Judge, Usage } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'
import { evaluateQuestion } from './evaluate.js'
import { generateProbes, type Probe } from './probes.js'
import { MAX_SPREAD, type CalibrationEvent, type CalibrationReport, type QuestionCalibration, type RunResult } from './results.js'

export * from './results.js'
export { evaluateQuestion } from './evaluate.js'

export interface CalibrateOptions {
  judge: Judge
  /** Grade each answer this many times; the median counts. */
  repeat?: number
  /** Stability and echo-probe warnings become errors. */
  strict?: boolean
  /** Overall spread across repeats above which an answer is unstable. */
  maxSpread?: number
  /** Gradings in flight at once. */
  concurrency?: number
  /**
   * After this many judge failures in a row, the remaining gradings are not attempted (recorded as failed)
   * instead of waiting out retries against a judge that is down or misconfigured. Default 12.
   */
  maxConsecutiveFailures?: number
  signal?: AbortSignal
  now?: () => number
  onEvent?(event: CalibrationEvent): void
}

interface Job {
  q: number
  item: string
  answer: string
  lang: Lang
  repeat: number
}

/**
 * Grades every question's calibration answers and robustness probes with the judge (`repeat` times each)
 * and checks bands, discrimination (strong > borderline > weak per language, strong − weak ≥ the rubric's
 * margin), probes (no higher than the weak band; manipulative ones flagged `prompt_injection`) and
 * stability. Questions whose rubric is not loaded are skipped (the static checks report them).
 * Judge failures are recorded, never scored: the checks they touch get status `error`.
 * Throws InterruptedError when `signal` aborts.
 */
export async function calibrateBank(bank: Bank, opts: CalibrateOptions): Promise<CalibrationReport> {
  const now = opts.now ?? (() => performance.now())
  const started = now()
  const repeat = Math.max(1, opts.repeat ?? 1)
  const strict = opts.strict ?? false
  const maxSpread = opts.maxSpread ?? MAX_SPREAD
  const others = bank.questions.map((q) => q.question)

  const plans: { lq: LoadedQuestion; rubric: Rubric; probes: Probe[] }[] = []
  for (const lq of bank.questions) {
    const rubric = bank.rubrics.get(lq.question.rubric)?.rubric
    if (!rubric) continue
    plans.push({ lq, rubric, probes: generateProbes(lq, rubric, others) })
  }

  const jobs: Job[] = []
  plans.forEach((p, q) => {
    for (let r = 0; r < repeat; r++) {
      p.lq.question.calibration.forEach((c, i) => jobs.push({ q, item: `calibration[${i}]`, answer: c.answer, lang: c.lang, repeat: r }))
      for (const pr of p.probes) jobs.push({ q, item: `probe:${pr.name}`, answer: pr.answer, lang: pr.lang, repeat: r })
    }
  })
  opts.onEvent?.({ type: 'start', questions: plans.length, gradings: jobs.length })

  const results = new Map<string, RunResult[]>()
  const evidence = new Map<string, Record<string, string[]>>()
  const key = (q: number, item: string) => `${q}\u0000${item}`
  let done = 0
  let failures = 0
  let streak = 0
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }
  let lastReason = ''
  let lastCause: FailureCause = 'internal'
  const maxStreak = opts.maxConsecutiveFailures ?? 12
  await pool(jobs, opts.concurrency ?? 8, opts.signal, async (job) => {
    const plan = plans[job.q]!
    const outcome: GradeOutcome =
      streak >= maxStreak
        ? {
            ok: false,
            reason: `not attempted: the judge failed ${streak} times in a row (last: ${lastReason})`,
            cause: lastCause,
            retryable: true,
            judge: { kind: opts.judge.kind },
          }
        : await gradeSafely(opts.judge, {
            question: { kind: 'bank', question: plan.lq.question },
            rubric: plan.rubric,
            answer: job.answer,
            lang: job.lang,
            repeat: job.repeat,
          }, opts.signal)
    const u = outcome.usage
    if (u) {
      usage.prompt_tokens += u.prompt_tokens
      usage.completion_tokens += u.completion_tokens
      usage.cached_tokens += u.cached_tokens
    }
    const run: RunResult = outcome.ok
      ? { ok: true, overall: outcome.overall, scores: outcome.scores, flags: outcome.verdict.flags, latency_ms: outcome.latency_ms }
      : { ok: false, reason: outcome.reason }
    if (!run.ok) {
      failures++
      if (streak < maxStreak) {
        streak++
        lastReason = run.reason
        if (!outcome.ok) lastCause = outcome.cause
      }
    } else streak = 0
    const k = key(job.q, job.item)
    const list = results.get(k) ?? []
    list[job.repeat] = run
    results.set(k, list)
    // Keep the evidence of the first buzzword run: it tells which key points the padding made.
    if (outcome.ok && job.repeat === 0 && (job.item.startsWith('probe:buzzwords') || job.item.startsWith('probe:echo')))
      evidence.set(k, Object.fromEntries(outcome.verdict.dimensions.map((d) => [d.id, d.evidence])))
    done++
    opts.onEvent?.({ type: 'graded', done, total: jobs.length, question: plan.lq.question.id, item: job.item, ok: run.ok })
  })
  if (opts.signal?.aborted) throw new InterruptedError('calibration interrupted')

  const questions: QuestionCalibration[] = plans.map((p, q) => {
    const result = evaluateQuestion(p.lq, p.rubric, p.probes, {
      runsOf: (item) => results.get(key(q, item)) ?? [],
      evidenceOf: (item) => evidence.get(key(q, item)) ?? {},
      strict,
      maxSpread,
      repeat,
    })
    opts.onEvent?.({ type: 'question', result })
    return result
  })
  const issues = questions.flatMap((q) => q.issues)
  return {
    judge: { kind: opts.judge.kind, description: opts.judge.describe() },
    repeat,
    strict,
    max_spread: maxSpread,
    questions,
    issues,
    gradings: jobs.length,
    judge_failures: failures,
    usage,
    summary: {
      questions: questions.length,
      passed: questions.filter((q) => q.status === 'pass').length,
      failed: questions.filter((q) => q.status === 'fail').length,
      errored: questions.filter((q) => q.status === 'error').length,
    },
    ms: Math.round(now() - started),
  }
}

/** Grades one answer; a judge that throws (it should not) is a failure too, never a score. */
async function gradeSafely(judge: Judge, input: GradeInput, signal: AbortSignal | undefined): Promise<GradeOutcome> {
  try {
    return await judge.grade(input, { signal })
  } catch (e) {
    return { ok: false, reason: (e as Error)?.message ?? String(e), cause: 'internal', retryable: false, judge: { kind: judge.kind } }
  }
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones once `signal` aborts. */
async function pool<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (t: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
}
