import { randomUUID } from 'node:crypto'
import { buildJudgeMessages } from '../../core/judge/prompt.js'
import type { GradeInput, GradeOutcome, Provenance } from '../../core/judge/types.js'
import { causeOfStatus, readCompletion, retryableCause } from '../openai/reply.js'
import { batchOutputMode, type Wire } from '../openai/request.js'
import type { ProviderPreset } from '../openai/presets.js'

/**
 * One line of a Batch API input file: the Chat Completions request the live judge sends first (the same
 * wire: prompt builder, parameters, strict json_schema or json_object), addressed by `custom_id`.
 */
export function buildBatchLine(customId: string, input: GradeInput, wire: Wire, preset: ProviderPreset): string {
  const messages = buildJudgeMessages(input, { nonce: randomUUID().replace(/-/g, '').slice(0, 16) }).messages
  const body = wire.body(input, messages, batchOutputMode(preset))
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body })
}

/** One line of a Batch API output or error file. */
export interface BatchOutputLine {
  custom_id?: string
  response?: { status_code?: number; body?: any } | null
  error?: { code?: string; message?: string } | null
}

/**
 * Turns one output line into an outcome with the live judge's own reader (refusal, content filter,
 * truncation, cache tokens, the verdict, injection flags); an HTTP error in the line gets the cause the
 * live judge would give its status. There is no repair turn in a batch: an invalid reply is a failure,
 * retried by a rerun. `redact` cleans server messages. Never throws.
 */
export function parseBatchOutput(line: BatchOutputLine, input: GradeInput, judge: Provenance, redact: (s: string) => string): GradeOutcome {
  const fail = (reason: string, cause: ReturnType<typeof causeOfStatus>, extra: Partial<Extract<GradeOutcome, { ok: false }>> = {}): GradeOutcome => ({
    ok: false,
    reason: redact(reason),
    cause,
    retryable: retryableCause(cause),
    judge,
    ...extra,
  })
  if (line.error) return fail(`batch request failed: ${line.error.code ?? 'error'}: ${short(line.error.message ?? '')}`, causeOfStatus(0, line.error.code ?? ''))
  const status = line.response?.status_code ?? 0
  const body = line.response?.body
  if (status !== 200) {
    const err = body?.error
    const msg = typeof err?.message === 'string' ? err.message : typeof err === 'string' ? err : `status ${status}`
    return fail(`batch request failed (${status}): ${short(msg)}`, causeOfStatus(status, String(err?.code ?? ''), String(err?.type ?? '')))
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.choices) || !body.choices[0])
    return fail('the batch output line holds no chat completion', 'server')
  const mode = judge.output_mode ?? 'json_schema'
  const r = readCompletion(body, input, mode)
  const prov: Provenance = { ...judge, system_fingerprint: r.system_fingerprint }
  if (!r.ok) {
    const reason = r.cause === 'invalid_reply' ? `the judge's reply did not validate: ${r.reason}` : r.reason
    return fail(reason, r.cause, { judge: prov, usage: r.usage })
  }
  return { ok: true, ...r.grade, judge: prov, usage: r.usage, latency_ms: 0 }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 300 ? `${one.slice(0, 300)}…` : one
}
