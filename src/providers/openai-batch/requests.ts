import { randomBytes } from 'node:crypto'
import { zodResponseFormat } from 'openai/helpers/zod'
import { extractJson } from '../../core/judge/extract.js'
import { buildJudgeMessages, promptHash } from '../../core/judge/prompt.js'
import { scoreVerdict } from '../../core/judge/score.js'
import { VerdictSchema, ZERO_USAGE, type Flag, type GradeInput, type GradeOutcome, type Provenance, type Usage } from '../../core/judge/types.js'
import { isReasoningModel, type ProviderPreset } from '../openai/presets.js'

const RESPONSE_FORMAT = zodResponseFormat(VerdictSchema, 'verdict')

export interface BatchRequestOptions {
  preset: ProviderPreset
  model: string
  seed?: number
  maxTokens?: number
}

/**
 * One line of a Batch API input file: the same Chat Completions request the LLM judge sends (same prompt
 * builder, temperature 0, seed + repeat index, strict json_schema), addressed by `custom_id`.
 * The provider's judge keeps its request body private, so the parameters are mirrored here from its rules.
 */
export function buildBatchLine(customId: string, input: GradeInput, opts: BatchRequestOptions): string {
  const { preset, model } = opts
  const reasoning = isReasoningModel(model)
  const body: Record<string, unknown> = {
    model,
    messages: buildJudgeMessages(input, { nonce: randomBytes(8).toString('hex') }).messages,
  }
  const tokensParam = reasoning && preset.id !== 'deepseek' ? 'max_completion_tokens' : preset.maxTokensParam
  body[tokensParam] = opts.maxTokens ?? (reasoning ? 16_000 : 2_000)
  if (preset.temperature === 'send' || !reasoning) body.temperature = 0
  if (preset.seed) body.seed = (opts.seed ?? 1234) + (input.repeat ?? 0)
  if (preset.promptCacheKey) body.prompt_cache_key = `mockint-${input.rubric.id}-v${input.rubric.version}`
  for (const [k, v] of Object.entries(preset.extraBody ?? {})) body[k] = v
  body.response_format = batchOutputMode(preset) === 'json_object' ? { type: 'json_object' } : RESPONSE_FORMAT
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body })
}

/** One line of a Batch API output or error file. */
export interface BatchOutputLine {
  custom_id?: string
  response?: { status_code?: number; body?: any } | null
  error?: { code?: string; message?: string } | null
}

/**
 * Validates one output line exactly as the judge validates a live reply: HTTP status, refusal, truncation,
 * JSON, the verdict schema, levels on the rubric's scale. The overall is computed in code. Never throws.
 */
export function parseBatchOutput(line: BatchOutputLine, input: GradeInput, judge: Provenance): GradeOutcome {
  const usage: Usage = { ...ZERO_USAGE }
  const fail = (reason: string, retryable: boolean): GradeOutcome => ({ ok: false, reason, retryable, judge, usage })
  if (line.error) return fail(`batch request failed: ${line.error.code ?? 'error'}: ${short(line.error.message ?? '')}`, true)
  const status = line.response?.status_code ?? 0
  const body = line.response?.body
  if (status !== 200) {
    const msg = typeof body?.error?.message === 'string' ? body.error.message : `status ${status}`
    return fail(`batch request failed (${status}): ${short(msg)}`, status === 429 || status >= 500)
  }
  const u = body?.usage
  if (u) {
    usage.prompt_tokens = u.prompt_tokens ?? 0
    usage.completion_tokens = u.completion_tokens ?? 0
    usage.cached_tokens = u.prompt_tokens_details?.cached_tokens ?? 0
  }
  const prov: Provenance = { ...judge, system_fingerprint: body?.system_fingerprint ?? null }
  const choice = body?.choices?.[0]
  if (!choice) return fail('the batch output line holds no chat completion', true)
  if (choice.message?.refusal) return fail(`the model refused to grade: "${short(String(choice.message.refusal))}"`, false)
  if (choice.finish_reason === 'length') return fail('the verdict was cut off at the completion token limit (finish_reason "length")', false)
  const content = choice.message?.content
  if (typeof content !== 'string' || !content.trim()) return fail('the model answered with no content', true)
  let value: unknown
  try {
    value = JSON.parse(content.trim())
  } catch {
    const x = extractJson(content)
    if (!x.ok) return fail(`the reply is not JSON (${x.reason})`, true)
    value = x.value
  }
  const v = VerdictSchema.safeParse(value)
  if (!v.success)
    return fail(`the verdict did not validate: ${v.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, true)
  const s = scoreVerdict(v.data, input.rubric)
  if (!s.ok) return fail(`the verdict did not score: ${s.reason}`, true)
  const verdict = { ...v.data, flags: [...new Set<Flag>(v.data.flags.filter((f) => f !== 'overtime'))] }
  return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge: prov, usage, latency_ms: 0 }
}

/** The provenance of a batch grade (before the output says more). */
/** The output mode of every Batch API request: the preset's, except that batches never use plain text. */
export function batchOutputMode(preset: ProviderPreset): 'json_schema' | 'json_object' {
  return preset.startMode === 'json_object' ? 'json_object' : 'json_schema'
}

export function batchProvenance(preset: ProviderPreset, model: string, input: GradeInput): Provenance {
  const reasoning = isReasoningModel(model)
  return {
    kind: 'openai',
    provider: preset.id,
    model,
    output_mode: batchOutputMode(preset),
    temperature: preset.temperature === 'send' || !reasoning ? 0 : null,
    seed: preset.seed ? 1234 + (input.repeat ?? 0) : null,
    system_fingerprint: null,
    prompt_hash: promptHash(input.rubric),
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 300 ? `${one.slice(0, 300)}…` : one
}
