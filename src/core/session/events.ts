import { z } from 'zod'
import { FAILURE_CAUSES, FLAGS } from '../judge/types.js'

/**
 * One line of a session file (`$MOCKINT_HOME/sessions/<id>.jsonl`). Lines are appended as things happen
 * and never rewritten; the session is the replay of its lines. `key` names a step: `q1` is the first
 * question, `q1.f1` its first follow-up.
 */
const Base = { at: z.string(), key: z.string() }

const ProvenanceSchema = z
  .object({
    kind: z.enum(['openai', 'offline']),
    provider: z.string().optional(),
    model: z.string().optional(),
    output_mode: z.string().optional(),
    temperature: z.number().nullable().optional(),
    seed: z.number().nullable().optional(),
    system_fingerprint: z.string().nullable().optional(),
    prompt_hash: z.string().optional(),
  })


export const SessionOptionsSchema = z.object({
  count: z.number().int(),
  time: z.number().int().nullable(),
  lang: z.enum(['en', 'zh']),
  follow_ups: z.number().int(),
  strict_time: z.boolean(),
  categories: z.array(z.string()),
  difficulty: z.string().nullable(),
  seed: z.number().int().nullable(),
  adaptive: z.boolean(),
})
export type SessionOptions = z.infer<typeof SessionOptionsSchema>

export const SessionEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('session_start'),
    at: z.string(),
    id: z.string(),
    version: z.literal(1),
    options: SessionOptionsSchema,
    judge: ProvenanceSchema,
    /** Bank question ids, in the order they are asked. */
    questions: z.array(z.string()),
    /** Extra banks (absolute paths) the questions came from, so resume and report find them again. */
    banks: z.array(z.string()).default([]),
  }),
  z.object({
    type: z.literal('question_shown'),
    ...Base,
    question_id: z.string(),
    kind: z.enum(['main', 'follow_up']),
    /** The text shown (the follow-up question actually asked, for a follow-up). */
    prompt: z.string(),
    /** Rubric dimension a follow-up probes. */
    dimension: z.string().nullable(),
    budget_s: z.number(),
  }),
  z.object({ type: z.literal('repeat'), ...Base }),
  z.object({
    type: z.literal('hint'),
    ...Base,
    dimension: z.string(),
    key_point: z.string(),
    text: z.string(),
  }),
  z.object({
    type: z.literal('answer'),
    ...Base,
    text: z.string(),
    shown_at: z.string(),
    submitted_at: z.string(),
    time_used_s: z.number(),
    budget_s: z.number(),
    overtime_s: z.number(),
    via: z.enum(['inline', 'editor']),
    /** True when `--strict-time` submitted the answer at zero. */
    auto_submitted: z.boolean().default(false),
  }),
  z.object({ type: z.literal('skip'), ...Base }),
  z.object({
    type: z.literal('grade'),
    ...Base,
    overall: z.number(),
    pass: z.boolean(),
    scores: z.record(z.string(), z.number()),
    verdict: z.object({
      dimensions: z.array(
        z.object({ id: z.string(), evidence: z.array(z.string()), rationale: z.string(), level: z.number() }),
      ),
      feedback: z.string(),
      missing: z.array(z.string()),
      follow_up: z.string(),
      flags: z.array(z.enum(FLAGS)),
    }),
    judge: ProvenanceSchema,
    latency_ms: z.number(),
  }),
  z.object({
    type: z.literal('judge_failure'),
    ...Base,
    reason: z.string(),
    /** Why it failed (rate_limit, auth, …); absent in sessions written before causes were typed. */
    cause: z.enum(FAILURE_CAUSES).optional(),
    retryable: z.boolean(),
    judge: ProvenanceSchema,
  }),
  z.object({ type: z.literal('interrupted'), at: z.string(), key: z.string().nullable(), draft: z.string().nullable() }),
  z.object({
    type: z.literal('session_end'),
    at: z.string(),
    reason: z.enum(['completed', 'quit']),
  }),
])
export type SessionEvent = z.infer<typeof SessionEventSchema>
export type SessionEventOf<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>

/** A key for question `index` (0-based) and follow-up `f` (1-based, 0 = the main question). */
export function stepKey(index: number, f = 0): string {
  return f === 0 ? `q${index + 1}` : `q${index + 1}.f${f}`
}
