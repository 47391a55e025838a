import type { FailureCause, Flag, Grade, GradeOutcome, JudgeFailure, Provenance, Usage } from '../judge/types.js'
import { ZERO_USAGE } from '../judge/usage.js'
import { median } from '../metrics/median.js'
import type { PreparedRecord } from './record.js'

/** Why a record could not be graded. */
export interface ResultError {
  message: string
  /** Why, as a value to switch on (see FailureCause); `message` is for people. */
  cause: FailureCause
  retryable: boolean
  attempts: number
}

/** One run of a repeated grade. */
export interface RepeatRun {
  repeat: number
  overall: number
  scores: Record<string, number>
  cached: boolean
}

/** One output line of `mockint grade` (see the contract). Fields may be added, never removed. */
export interface ResultRecord {
  id: string
  question_id: string | null
  status: 'graded' | 'error'
  overall: number | null
  scores: Record<string, number> | null
  feedback: string | null
  missing: string[]
  follow_up: string | null
  flags: Flag[]
  judge: Provenance
  usage: Usage
  latency_ms: number
  error: ResultError | null
  /** Extra fields. */
  rubric: string
  pass: boolean | null
  /** True when every grade came from the on-disk cache (no call made). */
  cached: boolean
  /** With `--repeat n` (n > 1): each run, the spread of the overall score, and whether the runs agree. */
  repeats?: RepeatRun[]
  spread?: number | null
  stable?: boolean | null
}

/** A grade or a failure, plus how it was obtained. */
export type Attempted = (({ ok: true } & Grade) | JudgeFailure) & { cached: boolean; attempts: number }

/**
 * A grade as an {@link Attempted} run, its fields copied one by one. Not `{ ...grade, cached, attempts }`:
 * V8 made that spread a new hidden class (map and descriptors, in the old generation) for every grade,
 * about 600 bytes a grade that only a full collection frees: a third of what grew the heap of a 100k run.
 */
export function attemptedGrade(g: Grade, cached: boolean, attempts: number): Attempted {
  return { ok: true, verdict: g.verdict, scores: g.scores, overall: g.overall, pass: g.pass, judge: g.judge, usage: g.usage, latency_ms: g.latency_ms, cached, attempts }
}
// Every field of a Grade is copied above: a new one fails to compile here until it is.
const _everyGradeField: Exclude<keyof Grade, 'verdict' | 'scores' | 'overall' | 'pass' | 'judge' | 'usage' | 'latency_ms'> extends never ? true : never = true
void _everyGradeField

/** Runs at most this far apart (overall points), and every dimension within one level, are stable. */
export const STABLE_SPREAD = 10

/**
 * Builds the output record of one input record from its grades (one per repeat). Any failed repeat makes
 * the record an error (with no score: a failure is never a score) so that `--resume` grades it again;
 * the repeats that succeeded are in the cache and cost nothing the second time.
 */
export function buildResult(prepared: PreparedRecord, runs: readonly Attempted[]): ResultRecord {
  // One successful grade (no --repeat), nearly every record: no lists made to sum over one run.
  const only = runs.length === 1 ? runs[0]! : undefined
  if (only?.ok) {
    const usage = only.cached ? { ...ZERO_USAGE } : sumUsage([only.usage ?? ZERO_USAGE])
    const latency_ms = only.cached ? 0 : (only.latency_ms ?? 0)
    return singleResult(prepared, only, usage, latency_ms, { rubric: prepared.input.rubric.id, cached: only.cached })
  }
  const usage = sumUsage(runs.map((r) => (r.cached ? ZERO_USAGE : (r.usage ?? ZERO_USAGE))))
  const latency_ms = runs.reduce((a, r) => a + (r.cached ? 0 : (r.latency_ms ?? 0)), 0)
  const id = prepared.record.id
  const question_id = prepared.questionId
  const extra = { rubric: prepared.input.rubric.id, cached: runs.every((r) => r.cached) }
  const failed = runs.find((r): r is JudgeFailure & { cached: boolean; attempts: number } => !r.ok)
  if (failed) {
    return {
      id,
      question_id,
      status: 'error',
      overall: null,
      scores: null,
      feedback: null,
      missing: [],
      follow_up: null,
      flags: [],
      judge: failed.judge,
      usage,
      latency_ms,
      error: { message: failed.reason, cause: failed.cause, retryable: failed.retryable, attempts: failed.attempts },
      ...extra,
      pass: null,
    }
  }
  const grades = runs as ReadonlyArray<Extract<Attempted, { ok: true }>>
  if (grades.length === 1) return singleResult(prepared, grades[0]!, usage, latency_ms, extra)
  const overalls = grades.map((g) => g.overall)
  const overall = Math.round(median(overalls) * 10) / 10
  // The feedback shown is that of the run nearest the median.
  const rep = grades.reduce((best, g) => (Math.abs(g.overall - overall) < Math.abs(best.overall - overall) ? g : best))
  const scores: Record<string, number> = {}
  for (const dim of prepared.input.rubric.dimensions) scores[dim.id] = median(grades.map((g) => g.scores[dim.id] ?? 0))
  const flags = [...new Set(grades.flatMap((g) => g.verdict.flags))]
  const out: ResultRecord = {
    id,
    question_id,
    status: 'graded',
    overall,
    scores,
    feedback: rep.verdict.feedback,
    missing: rep.verdict.missing,
    follow_up: rep.verdict.follow_up,
    flags,
    judge: rep.judge,
    usage,
    latency_ms,
    error: null,
    ...extra,
    pass: overall >= prepared.input.rubric.pass,
  }
  if (grades.length > 1) {
    out.repeats = grades.map((g, i) => ({ repeat: i, overall: g.overall, scores: g.scores, cached: g.cached }))
    const spread = Math.round((Math.max(...overalls) - Math.min(...overalls)) * 10) / 10
    out.spread = spread
    out.stable =
      spread <= STABLE_SPREAD &&
      prepared.input.rubric.dimensions.every((d) => {
        const ls = grades.map((g) => g.scores[d.id] ?? 0)
        return Math.max(...ls) - Math.min(...ls) <= 1
      })
  }
  return out
}

/**
 * {@link buildResult} for one successful grade (no `--repeat`), the case of nearly every record: the same
 * record, field for field and in the same key order, without the medians over one value.
 */
function singleResult(
  prepared: PreparedRecord,
  g: Extract<Attempted, { ok: true }>,
  usage: Usage,
  latency_ms: number,
  extra: { rubric: string; cached: boolean },
): ResultRecord {
  const overall = Math.round(g.overall * 10) / 10
  const scores: Record<string, number> = {}
  for (const dim of prepared.input.rubric.dimensions) scores[dim.id] = g.scores[dim.id] ?? 0
  const flags = g.verdict.flags
  return {
    id: prepared.record.id,
    question_id: prepared.questionId,
    status: 'graded',
    overall,
    scores,
    feedback: g.verdict.feedback,
    missing: g.verdict.missing,
    follow_up: g.verdict.follow_up,
    flags: flags.length < 2 ? [...flags] : [...new Set(flags)],
    judge: g.judge,
    usage,
    latency_ms,
    error: null,
    ...extra,
    pass: overall >= prepared.input.rubric.pass,
  }
}

export function sumUsage(us: readonly Usage[]): Usage {
  const out = { ...ZERO_USAGE }
  for (const u of us) {
    out.prompt_tokens += u.prompt_tokens
    out.completion_tokens += u.completion_tokens
    out.cached_tokens += u.cached_tokens
  }
  return out
}

export type { GradeOutcome }
