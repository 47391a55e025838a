import { extractJson } from '../../core/judge/extract.js'
import { detectInjection } from '../../core/judge/injection.js'
import { scoreVerdict } from '../../core/judge/score.js'
import { ZERO_USAGE, type FailureCause, type GradeInput, type GradeOutcome, type Provenance, type Usage, type Verdict } from '../../core/judge/types.js'
import { readWireVerdict } from '../../core/judge/verdict-wire.js'
import { coreMessages } from '../../core/messages/index.js'
import type { OutputMode } from './presets.js'

/** A verdict read from a completion: what a grade holds besides provenance, usage and latency. */
export interface ReadGrade {
  verdict: Verdict
  scores: Record<string, number>
  overall: number
  pass: boolean
}

/**
 * What one chat completion says, for the live judge and the Batch API path alike:
 * - a grade;
 * - a final failure (`refusal`, `content_filter`, `truncated`), never repaired nor retried;
 * - an `invalid_reply`, with the reply's text and what is wrong with it, for the one repair turn.
 * `usage` and `system_fingerprint` are this completion's own, whatever the outcome.
 */
export type CompletionRead = { usage: Usage; system_fingerprint: string | null } & (
  | { ok: true; grade: ReadGrade }
  | { ok: false; cause: 'refusal' | 'content_filter' | 'truncated'; reason: string }
  | { ok: false; cause: 'invalid_reply'; reason: string; content: string }
)

/** The fields of a Chat Completion read here (the SDK's type, or a Batch API output body, which is untyped). */
interface CompletionLike {
  choices?: Array<{ finish_reason?: string | null; message?: { content?: unknown; refusal?: unknown } | null } | null | undefined> | null
  usage?: {
    prompt_tokens?: number
    completion_tokens?: number
    prompt_tokens_details?: { cached_tokens?: number | null } | null
    /** DeepSeek reports cache hits here. */
    prompt_cache_hit_tokens?: number
  } | null
  system_fingerprint?: string | null
}

/**
 * Turns a completion into an outcome: usage (OpenAI's `cached_tokens` or DeepSeek's
 * `prompt_cache_hit_tokens`), refusal, content filter, truncation, then content → JSON (extracted from
 * prose, fences or `<think>` blocks when needed) → the wire verdict → levels on the rubric's scale. The
 * overall is computed in code, never read from the model. An answer that addresses the grader is flagged
 * `prompt_injection` whatever the model says. Pure; never throws.
 */
export function readCompletion(completion: CompletionLike, input: GradeInput, mode: OutputMode): CompletionRead {
  const u = completion.usage
  const usage: Usage = {
    prompt_tokens: u?.prompt_tokens ?? 0,
    completion_tokens: u?.completion_tokens ?? 0,
    cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? u?.prompt_cache_hit_tokens ?? 0,
  }
  const meta = { usage, system_fingerprint: typeof completion.system_fingerprint === 'string' ? completion.system_fingerprint : null }
  const choice = completion.choices?.[0]
  const refusal = choice?.message?.refusal
  if (typeof refusal === 'string' && refusal)
    return { ...meta, ok: false, cause: 'refusal', reason: `the model refused to grade: "${refusal.replace(/\s+/g, ' ').slice(0, 200)}"` }
  if (choice?.finish_reason === 'length')
    return {
      ...meta,
      ok: false,
      cause: 'truncated',
      reason: 'the verdict was cut off at the completion token limit (finish_reason "length"); raise the limit or use a model that thinks less',
    }
  if (choice?.finish_reason === 'content_filter')
    return { ...meta, ok: false, cause: 'content_filter', reason: "the provider's content filter stopped the verdict (finish_reason \"content_filter\")" }
  // An empty reply (DeepSeek's JSON mode does this now and then) goes to the repair turn like any invalid one.
  const content = typeof choice?.message?.content === 'string' ? choice.message.content : ''
  const parsed = parseVerdict(content, mode, input)
  if (!parsed.ok) return { ...meta, ok: false, cause: 'invalid_reply', reason: parsed.error, content }
  return { ...meta, ok: true, grade: parsed.grade }
}

type Parsed = { ok: true; grade: ReadGrade } | { ok: false; error: string }

function parseVerdict(content: string, mode: OutputMode, input: GradeInput): Parsed {
  const trimmed = content.trim()
  if (!trimmed) return { ok: false, error: 'the reply was empty; it must be one JSON object' }
  let value: unknown
  if (mode !== 'text') {
    try {
      value = JSON.parse(trimmed)
    } catch {
      // Some servers honour json_object loosely and wrap the object; extraction is the same either way.
    }
  }
  if (value === undefined) {
    const x = extractJson(trimmed)
    if (!x.ok) return { ok: false, error: `${x.reason}; the reply must be one JSON object` }
    value = x.value
  }
  const r = readWireVerdict(value, input.rubric)
  if (!r.ok) return r
  // A second line of defence: an answer that addresses the grader is flagged whatever the model says.
  const flags = !r.verdict.flags.includes('prompt_injection') && detectInjection(input.answer).flagged ? [...r.verdict.flags, 'prompt_injection' as const] : r.verdict.flags
  return { ok: true, grade: { verdict: flags === r.verdict.flags ? r.verdict : { ...r.verdict, flags }, scores: r.scores, overall: r.overall, pass: r.pass } }
}

/**
 * The cause of an HTTP error status, from the status and the error body's `code`/`type`, for the live
 * judge's errors and the Batch API's failed lines alike. 400/422 about response_format or a parameter are
 * handled by the live judge before this (it adjusts and resends).
 */
export function causeOfStatus(status: number, code = '', type = ''): FailureCause {
  if (status === 429) return code === 'insufficient_quota' || type === 'insufficient_quota' ? 'quota' : 'rate_limit'
  if (status === 401 || status === 403) return 'auth'
  if (status === 408) return 'timeout'
  if (code === 'content_filter' || code === 'content_policy_violation') return 'content_filter'
  return 'server'
}

/** Whether a failure of this cause may succeed if the same request is sent again later. */
export function retryableCause(cause: FailureCause): boolean {
  return cause === 'rate_limit' || cause === 'server' || cause === 'timeout' || cause === 'invalid_reply' || cause === 'cancelled'
}

/** An empty answer earns the bottom of the scale without asking anyone (live and Batch API alike). */
export function emptyGrade(input: GradeInput, judge: Provenance): Extract<GradeOutcome, { ok: true }> {
  const { rubric } = input
  const verdict: Verdict = {
    dimensions: rubric.dimensions.map((d) => ({ id: d.id, evidence: [], rationale: 'No answer was given.', level: rubric.scale.min })),
    feedback: coreMessages(input.lang).emptyFeedback,
    missing: [],
    follow_up: '',
    flags: ['empty'],
  }
  const s = scoreVerdict(verdict, rubric)
  if (!s.ok) throw new Error(`empty verdict does not score: ${s.reason}`)
  return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge, usage: { ...ZERO_USAGE }, latency_ms: 0 }
}

/** Replaces the API key, and anything shaped like a key or a bearer token, in text bound for people or files. */
export function createRedactor(apiKey: string): (text: string) => string {
  return (text) => {
    let out = text
    if (apiKey.length >= 4) out = out.split(apiKey).join('[redacted]')
    return out.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g, '$1-[redacted]').replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
  }
}
