import { z } from 'zod'
import type { Lang } from '../i18n.js'
import type { Question } from '../bank/schema.js'
import type { Rubric } from '../rubric/schema.js'
import type { Usage } from './usage.js'

/** Flags a judge may raise on an answer. The vocabulary may grow. */
export const FLAGS = [
  'empty',
  'prompt_injection',
  'off_topic',
  'overtime',
  'language_mismatch',
  'truncated',
] as const
export type Flag = (typeof FLAGS)[number]

/**
 * What a judge says of one answer, as grades, sessions and results hold it: one `dimensions` entry per
 * rubric dimension, in rubric order. An LLM judge writes the keyed shape of `wireVerdictSchema`
 * (verdict-wire.ts), which is turned into this one; this array shape is still accepted from it. Every field
 * is required, and the order is the order of thought: evidence, then rationale, then the level. Levels are
 * validated against the rubric scale in code.
 */
export const VerdictSchema = z
  .object({
    dimensions: z.array(
      z
        .object({
          id: z.string(),
          evidence: z.array(z.string()),
          rationale: z.string(),
          level: z.number().int(),
        })
        .strict(),
    ),
    feedback: z.string(),
    missing: z.array(z.string()),
    follow_up: z.string(),
    flags: z.array(z.enum(FLAGS)),
  })
  .strict()
export type Verdict = z.infer<typeof VerdictSchema>

/** A question as a judge sees it: a bank question, or free text with an optional reference answer. */
export type GradeQuestion =
  | { kind: 'bank'; question: Question }
  | { kind: 'free'; id?: string; prompt: string; reference?: string }

export interface GradeInput {
  question: GradeQuestion
  rubric: Rubric
  answer: string
  /** Language of feedback; also the language the answer is expected in. */
  lang: Lang
  /** For a follow-up: the question and answer it follows. */
  parent?: { prompt: string; answer: string }
  /** For a follow-up: the follow-up question actually asked. Overrides the bank prompt. */
  prompt?: string
  /** Repeat index for repeated grading (cache key; seed variation). */
  repeat?: number
}

export type { Usage }

/** Where a grade came from. Every grade carries it. */
export interface Provenance {
  kind: 'openai' | 'offline'
  provider?: string
  model?: string
  output_mode?: 'json_schema' | 'json_object' | 'text'
  temperature?: number | null
  seed?: number | null
  system_fingerprint?: string | null
  /** Hash of prompt template version + rubric id/version. */
  prompt_hash?: string
}

export interface Grade {
  verdict: Verdict
  /** Level per rubric dimension. */
  scores: Record<string, number>
  /** 0–100, computed in code from levels and weights. */
  overall: number
  pass: boolean
  judge: Provenance
  usage: Usage
  latency_ms: number
}

/**
 * Why a judge could not grade. Callers decide on this (retry, throttle, summarise, exit code), never on the
 * wording of `reason`, which is for people.
 * - `rate_limit`: 429 and the like; wait (`retry_after_ms` when the server said) and try again.
 * - `auth`: the key was refused (401/403). `quota`: out of credit (429 insufficient_quota).
 * - `server`: the server failed or could not be reached (5xx, 404, other rejections, connection errors,
 *   a host that does not resolve, every output mode rejected).
 * - `timeout`: no verdict within the deadline. `cancelled`: the caller's signal stopped the call.
 * - `invalid_reply`: the reply was not a valid verdict (after the repair turn).
 * - `refusal`: the model refused. `content_filter`: the provider's filter stopped the prompt or the verdict.
 * - `truncated`: the verdict was cut off at the completion token limit.
 * - `internal`: the judge itself broke (a bug in mockint).
 */
export const FAILURE_CAUSES = [
  'rate_limit',
  'auth',
  'quota',
  'server',
  'timeout',
  'invalid_reply',
  'refusal',
  'content_filter',
  'truncated',
  'cancelled',
  'internal',
] as const
export type FailureCause = (typeof FAILURE_CAUSES)[number]

/** One retry a judge makes by itself: why (`cause` to act on, `reason` to show) and the wait before the next try. */
export interface RetryInfo {
  attempt: number
  delayMs: number
  reason: string
  cause: FailureCause
}

export interface JudgeFailure {
  ok: false
  /** For people: what happened and what to do. Never parsed. */
  reason: string
  cause: FailureCause
  retryable: boolean
  /** How long the server asked us to wait before the next try, when it said. */
  retry_after_ms?: number
  /**
   * Set by a judge that retries by itself (the LLM judge): how many attempts it made at this grade, 1 + the
   * retries it reported (0 when it sent nothing). A caller must not retry such a failure again: the judge
   * has spent its retries, and retrying on top would multiply them.
   */
  attempts?: number
  judge: Provenance
  usage?: Usage
  latency_ms?: number
}

export type GradeOutcome = ({ ok: true } & Grade) | JudgeFailure

/** Which judge this is, as data: the offline judge and its model version, or a server, its model and URL. */
export type JudgeAbout =
  | { kind: 'offline'; version: string }
  | { kind: 'openai'; label: string; model: string; url: string }

/**
 * Grades one answer. Never throws for an expected failure (network, bad output, refusal): returns
 * `{ok: false}`. A failure is never a score.
 */
export interface Judge {
  readonly kind: 'openai' | 'offline'
  /** One line saying which judge this is, e.g. `offline (built-in, deterministic)` (English: calibration files record it). */
  describe(): string
  /** The same as data, for the cli to say in the user's language; stand-in judges in tests may omit it. */
  about?(): JudgeAbout
  grade(input: GradeInput, opts?: { signal?: AbortSignal }): Promise<GradeOutcome>
  /**
   * Does, before a batch, the work every answer to these bank questions would otherwise do on the first one
   * (the offline judge compiles each question's key points, vocabulary and red flags). Optional: grades are
   * the same without it.
   */
  prepare?(questions: readonly { question: Question; rubric: Rubric }[]): Promise<void>
  /**
   * The structured-output mode (`json_schema`, `json_object`, `text`) the next call starts in, for judges
   * that negotiate one. It can change a grade, so it is part of the cache key.
   */
  outputMode?(): Promise<string | undefined>
}

export { ZERO_USAGE } from './usage.js'
