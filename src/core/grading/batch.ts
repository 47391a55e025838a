import type { FailureCause, GradeInput, GradeOutcome, Judge, JudgeFailure, Usage } from '../judge/types.js'
import { cacheKey, type GradeCache, type JudgeIdentity } from './cache.js'
import { AdaptiveLimiter, realTimer, type Timer } from './limiter.js'
import type { PreparedRecord } from './record.js'
import { attemptedGrade, buildResult, type Attempted, type ResultRecord } from './result.js'

/** What the batch grader tells the cli as it goes (the cli draws the progress bar). */
export type GradeEvent =
  | { type: 'result'; result: ResultRecord; done: number; errors: number; usage: Usage }
  | { type: 'retry'; id: string; attempt: number; delay_ms: number; reason: string; cause: FailureCause }
  | { type: 'limit'; limit: number; max: number; reason: string }

export interface GradeBatchOptions {
  records: AsyncIterable<PreparedRecord>
  judge: Judge
  identity: JudgeIdentity
  /** Omit to bypass the cache (`--no-cache`). */
  cache?: GradeCache
  repeat: number
  limiter: AdaptiveLimiter
  /**
   * Tries per grade for retryable failures of a judge without retries of its own. A failure that says how
   * many `attempts` the judge made is not retried again. Default 4.
   */
  maxAttempts?: number
  timer?: Timer
  signal?: AbortSignal
  /**
   * Called once per record, in completion order. The worker does not wait for the returned promise before
   * its next record (up to a bound); a rejection stops the run and is thrown once every worker has stopped.
   */
  write(result: ResultRecord, prepared: PreparedRecord): Promise<void>
  /**
   * How many results may wait for their write before a worker waits for one (default: the concurrency). A sink
   * that turns each result into bytes as it takes it (the results file) keeps no result object alive for that
   * long, and writes the results that wait together: it may allow many more.
   */
  maxUnwritten?: number
  onEvent?(event: GradeEvent): void
}

export interface GradeBatchOutcome {
  done: number
  errors: number
  usage: Usage
  /** True when the signal stopped the run before every record was graded. */
  interrupted: boolean
  /**
   * Set when a failure that every later call would repeat (a refused key, no credit left) stopped the calls:
   * every later record is still written, as an error with that cause and nothing sent, so the results keep
   * one line per input record and `--resume` retries them once it is fixed.
   */
  stopped?: { cause: FailureCause; reason: string }
}

/** Failures that every later call to the same server would repeat: no point sending the rest. */
export const STOP_CAUSES: ReadonlySet<FailureCause> = new Set(['auth', 'quota'])

/**
 * Grades every record (each `repeat` times), pulling records from the iterable only as slots free up, so
 * memory stays flat however many there are. Concurrency is bounded by the adaptive limiter; retryable
 * failures of a judge that does not retry by itself are retried with backoff (rate limits also shrink the
 * limiter); successful grades are cached.
 * Each record's result is handed to `write` as soon as it is complete. Never throws for a judge failure:
 * the record is written with `status: "error"`.
 */
export async function gradeBatch(opts: GradeBatchOptions): Promise<GradeBatchOutcome> {
  const timer = opts.timer ?? realTimer
  const maxAttempts = opts.maxAttempts ?? 4
  const iterator = opts.records[Symbol.asyncIterator]()
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }
  let done = 0
  let errors = 0
  let interrupted = false
  let stopped: GradeBatchOutcome['stopped']
  const signal = opts.signal
  const gradeOptions = { signal }
  const writing = new Set<Promise<void>>()
  let unwritten = 0
  let writeError: { error: unknown } | undefined
  // A function, not the variable, so TypeScript does not narrow `writeError` for the rest of the loop.
  const writeFailed = () => writeError !== undefined

  async function gradeOnce(input: GradeInput, id: string): Promise<Attempted | undefined> {
    if (stopped)
      return { ok: false, reason: `not sent: an earlier answer failed with ${stopped.cause} (${stopped.reason})`, cause: stopped.cause, retryable: false, judge: { kind: opts.judge.kind }, cached: false, attempts: 0 }
    // The output mode is part of the key: looked up under the mode the judge starts in, stored under the
    // mode that produced the grade (a server that rejects strict schemas changes it mid-run).
    const keyFor = (mode: string | undefined) => cacheKey(mode ? { ...opts.identity, output_mode: mode } : opts.identity, input)
    if (opts.cache) {
      const hit = await opts.cache.get(keyFor(await opts.judge.outputMode?.()))
      if (hit) return hit.ok ? attemptedGrade(hit, true, 0) : { ...hit, cached: true, attempts: 0 }
    }
    // Attempts at this grade, the judge's own included: what the error record says, and 1 + the retries reported.
    let spent = 0
    for (let attempt = 1; ; attempt++) {
      const release = opts.limiter.tryAcquire() ?? (await opts.limiter.acquire(signal))
      if (signal?.aborted) {
        release()
        return undefined
      }
      let outcome: GradeOutcome
      const startedAt = timer.now()
      try {
        outcome = await opts.judge.grade(input, gradeOptions)
      } catch (e) {
        // A judge must not throw for expected failures; treat a throw as a non-retryable failure, not a crash.
        outcome = { ok: false, reason: `judge threw: ${(e as Error)?.message ?? String(e)}`, cause: 'internal', retryable: false, judge: { kind: opts.judge.kind } }
      } finally {
        release()
      }
      if (signal?.aborted) return undefined
      if (outcome.ok) {
        opts.limiter.success()
        if (opts.cache) await opts.cache.set(keyFor(outcome.judge.output_mode ?? undefined), outcome).catch(() => undefined)
        return attemptedGrade(outcome, false, attempt)
      }
      const failure: JudgeFailure = outcome
      spent += failure.attempts ?? 1
      if (failure.cause === 'rate_limit') opts.limiter.throttle(failure.retry_after_ms, startedAt)
      if (!failure.retryable || failure.attempts !== undefined || attempt >= maxAttempts) return { ...failure, cached: false, attempts: spent }
      const backoff = Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
      const delay = failure.retry_after_ms !== undefined ? Math.max(failure.retry_after_ms, 50) : backoff
      opts.onEvent?.({ type: 'retry', id, attempt, delay_ms: Math.round(delay), reason: failure.reason, cause: failure.cause })
      await timer.sleep(delay, signal)
      if (signal?.aborted) return undefined
    }
  }

  // Results that may wait for their write before a worker waits for them (see the end of `worker`).
  const maxUnwritten = Math.max(opts.limiter.max, opts.maxUnwritten ?? 0)
  // The write promise the last result got, and how many results share it.
  let lastWrite: { promise: Promise<void>; results: number; settled: boolean } | undefined
  const watch = (w: Promise<void>) => {
    const group = { promise: w, results: 1, settled: false }
    lastWrite = group
    writing.add(w)
    const settle = () => {
      group.settled = true
      unwritten -= group.results
      writing.delete(w)
    }
    w.then(settle, (e: unknown) => {
      settle()
      writeError ??= { error: e }
    })
  }

  async function worker(): Promise<void> {
    for (;;) {
      if (signal?.aborted) return
      // Results can no longer be saved (a full disk): grading more would only spend money on lost work.
      if (writeFailed()) return
      const next = await iterator.next()
      if (next.done) return
      const prepared = next.value
      const runs: Attempted[] = []
      for (let r = 0; r < opts.repeat; r++) {
        const input: GradeInput = opts.repeat > 1 || r > 0 ? { ...prepared.input, repeat: r } : prepared.input
        const run = await gradeOnce(input, prepared.record.id)
        if (!run) return // interrupted: the record is not written, so --resume grades it
        runs.push(run)
        if (!run.ok) break
      }
      const result = buildResult(prepared, runs)
      const last = runs[runs.length - 1]
      if (last && !last.ok && STOP_CAUSES.has(last.cause)) stopped ??= { cause: last.cause, reason: last.reason }
      done++
      if (result.status === 'error') errors++
      usage.prompt_tokens += result.usage.prompt_tokens
      usage.completion_tokens += result.usage.completion_tokens
      usage.cached_tokens += result.usage.cached_tokens
      // The worker takes its next record without waiting for this write to reach the disk: in a burst of
      // replies, waiting would delay every next request behind every earlier write. A record whose write
      // has not landed when the process dies is simply graded again by --resume.
      const w = opts.write(result, prepared)
      // Counted per result: a sink that groups writes hands several results the same promise, watched once.
      unwritten++
      if (lastWrite && lastWrite.promise === w && !lastWrite.settled) lastWrite.results++
      else watch(w)
      opts.onEvent?.({ type: 'result', result, done, errors, usage: { ...usage } })
      if (writeError) throw writeError.error
      // A disk (or a stdout reader) slower than the judge must not let results pile up in memory. By default
      // bounded by the concurrency: enough for a burst of replies from a slow LLM judge, while results of a
      // fast one (offline) do not linger long enough to be promoted to the old generation and grow the heap.
      if (unwritten >= maxUnwritten) await w
    }
  }

  const workers = Array.from({ length: opts.limiter.max }, () => worker())
  const settled = await Promise.allSettled(workers)
  await Promise.allSettled([...writing])
  if (writeError) throw writeError.error
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  if (signal?.aborted) {
    interrupted = true
    await iterator.return?.(undefined)
  }
  return { done, errors, usage, interrupted, ...(stopped ? { stopped } : {}) }
}
