import { z } from 'zod'
import type { Lang } from '../i18n.js'
import type { Question } from '../bank/schema.js'
import type { Rubric } from '../rubric/schema.js'

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
 * What a judge says of one answer. This is also the structured-output schema sent to an LLM judge, so
 * every field is required (optional ones would be `.nullable()`), and the order is the order of thought:
 * evidence, then rationale, then the level. Levels are validated against the rubric scale in code.
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

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  cached_tokens: number
}

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

export interface JudgeFailure {
  ok: false
  reason: string
  retryable: boolean
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

/**
 * Grades one answer. Never throws for an expected failure (network, bad output, refusal): returns
 * `{ok: false}`. A failure is never a score.
 */
export interface Judge {
  readonly kind: 'openai' | 'offline'
  /** One line saying which judge this is, e.g. `offline (built-in, deterministic)`. */
  describe(): string
  grade(input: GradeInput, opts?: { signal?: AbortSignal }): Promise<GradeOutcome>
  /**
   * The structured-output mode (`json_schema`, `json_object`, `text`) the next call starts in, for judges
   * that negotiate one. It can change a grade, so it is part of the cache key.
   */
  outputMode?(): Promise<string | undefined>
}

export { ZERO_USAGE } from './usage.js'
