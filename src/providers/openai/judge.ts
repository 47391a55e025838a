import { randomUUID } from 'node:crypto'
import OpenAI from 'openai'
import { zodResponseFormat } from 'openai/helpers/zod'
import { z } from 'zod'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions'
import { ConfigError } from '../../core/errors.js'
import { extractJson } from '../../core/judge/extract.js'
import { detectInjection } from '../../core/judge/injection.js'
import { buildJudgeMessages, buildRepairMessage, promptHash, type JudgeMessage } from '../../core/judge/prompt.js'
import { scoreVerdict } from '../../core/judge/score.js'
import type { Rubric } from '../../core/rubric/schema.js'
import {
  VerdictSchema,
  ZERO_USAGE,
  FLAGS,
  type Flag,
  type GradeInput,
  type GradeOutcome,
  type Judge,
  type JudgeFailure,
  type Provenance,
  type Usage,
  type Verdict,
} from '../../core/judge/types.js'
import { createNodeFetch } from './http-fetch.js'
import { createModeStore, type ModeStore } from './mode-store.js'
import { findPreset, isReasoningModel, missingKeyMessage, normaliseUrl, PROVIDER_NAMES, type KeyOptions, type OutputMode, type ProviderPreset } from './presets.js'
import { classifyError, DEFAULT_RETRY, MalformedReplyError, retryDelay, type RetryPolicy } from './retry.js'
import { displayUrl } from './url.js'
import { sleep } from '../../core/sleep.js'

export interface OpenAIJudgeOptions extends KeyOptions {
  provider?: string
  model?: string
  baseUrl?: string
  /** A secret: never printed, logged or put in a failure reason. */
  apiKey?: string
  /** `$MOCKINT_HOME`: where the working output mode per (base URL, model) is remembered. */
  home?: string
  onRetry?(info: { attempt: number; delayMs: number; reason: string }): void
  /** Per-call deadline, ms, over every retry and the repair turn. Default: the preset's (3 min hosted, 15 min local). */
  deadlineMs?: number
  retry?: Partial<RetryPolicy>
  /** Completion token budget. Default 2,000, or 16,000 for reasoning models (their thinking counts). */
  maxTokens?: number
  /** Seed sent where supported; a repeat index is added to it. */
  seed?: number
  /** Replaces the node:http fetch (tests). */
  fetch?: typeof fetch
  /** Replaces the mode memory (tests). */
  modeStore?: ModeStore
}

const NEXT_MODE: Record<OutputMode, OutputMode | undefined> = { json_schema: 'json_object', json_object: 'text', text: undefined }
const responseFormats = new Map<string, ReturnType<typeof zodResponseFormat>>()

/**
 * The strict json_schema sent to the server: VerdictSchema narrowed to this rubric (dimension ids as an
 * enum, levels bounded by the scale), so servers with grammar-constrained decoding (vLLM, llama.cpp,
 * Ollama) cannot emit an unknown dimension or an off-scale level. Anything it admits, VerdictSchema admits;
 * replies are still validated with VerdictSchema and scoreVerdict.
 */
function responseFormatFor(rubric: Rubric): ReturnType<typeof zodResponseFormat> {
  const key = `${rubric.id}@${rubric.version}`
  let rf = responseFormats.get(key)
  if (!rf) {
    const ids = rubric.dimensions.map((d) => d.id) as [string, ...string[]]
    const schema = z
      .object({
        dimensions: z.array(
          z
            .object({
              id: z.enum(ids),
              evidence: z.array(z.string()),
              rationale: z.string(),
              level: z.number().int().min(rubric.scale.min).max(rubric.scale.max),
            })
            .strict(),
        ),
        feedback: z.string(),
        missing: z.array(z.string()),
        follow_up: z.string(),
        flags: z.array(z.enum(FLAGS.filter((f) => f !== 'overtime') as [Flag, ...Flag[]])),
      })
      .strict()
    rf = zodResponseFormat(schema, 'verdict')
    responseFormats.set(key, rf)
  }
  return rf
}

/** A failure the grade loop returns as a value. */
class Failure extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason)
  }
}

type Reply = { kind: 'reply'; completion: ChatCompletion } | { kind: 'mode-rejected'; reason: string }

/** Requests sent for one grade and how many of them were retries after a failure. */
interface Tally {
  sent: number
  retries: number
}

/**
 * Attempts at one grade: 1 + its retries (0 when nothing was sent). A repair turn, a resend without a
 * rejected parameter and a fallback to another output mode are part of the attempt they follow, so the
 * error record's `attempts`, "gave up after N attempts" and the retries shown in progress always agree.
 */
function attemptsOf(tally: Tally): number {
  return tally.sent === 0 ? 0 : 1 + tally.retries
}

/**
 * Builds the LLM judge for any OpenAI-compatible Chat Completions server.
 * Throws ConfigError for an unknown provider, a missing base URL (Azure), model, or key (hosted APIs).
 */
export function createOpenAIJudge(opts: OpenAIJudgeOptions): Judge {
  const found = findPreset(opts.provider, opts.baseUrl)
  if (!found)
    throw new ConfigError(`unknown provider "${opts.provider}"; use one of: ${PROVIDER_NAMES.join(', ')} (or only --base-url for any OpenAI-compatible server)`)
  const preset: ProviderPreset = found
  const baseUrl = normaliseUrl(opts.baseUrl ?? preset.baseUrl ?? '')
  if (!baseUrl) throw new ConfigError(`provider ${preset.id} needs a base URL: pass --base-url (e.g. https://<resource>.openai.azure.com/openai/v1)`)
  const model = opts.model ?? preset.defaultModel
  if (!model) throw new ConfigError(`provider ${preset.id} needs a model: pass --model <name> (or set MOCKINT_MODEL)`)
  const missingKey = missingKeyMessage(preset, opts)
  if (missingKey) throw new ConfigError(missingKey)
  const apiKey = opts.apiKey ?? 'not-needed'
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry }
  const reasoning = isReasoningModel(model)
  // Reasoning models think before they answer: minutes, not seconds.
  const deadlineMs = opts.deadlineMs ?? (reasoning ? Math.max(preset.deadlineMs, 600_000) : preset.deadlineMs)
  const maxTokens = opts.maxTokens ?? (reasoning ? 16_000 : 2_000)
  const modes = opts.modeStore ?? createModeStore(opts.home)
  const client = new OpenAI({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 0,
    // Our deadline aborts first; this only keeps the SDK's own 10-minute default out of the way.
    timeout: deadlineMs + 60_000,
    fetch: opts.fetch ?? createNodeFetch(),
    defaultHeaders: preset.keyHeader ? { [preset.keyHeader]: apiKey } : undefined,
  })
  // Parameters a server rejected once are fixed for the rest of the process (not a fallback per call).
  const dropped = new Set<string>()
  let tokensParam: 'max_tokens' | 'max_completion_tokens' = reasoning && preset.id !== 'deepseek' ? 'max_completion_tokens' : preset.maxTokensParam
  const sendTemperature = preset.temperature === 'send' || !reasoning

  const redact = (text: string): string => {
    let out = text
    if (apiKey.length >= 4) out = out.split(apiKey).join('[redacted]')
    return out.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g, '$1-[redacted]').replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
  }

  function body(input: GradeInput, messages: JudgeMessage[], mode: OutputMode): ChatCompletionCreateParamsNonStreaming {
    const b: Record<string, unknown> = { model, messages }
    b[tokensParam] = maxTokens
    if (sendTemperature && !dropped.has('temperature')) b.temperature = 0
    if (preset.seed && !dropped.has('seed')) b.seed = (opts.seed ?? 1234) + (input.repeat ?? 0)
    if (preset.promptCacheKey && !dropped.has('prompt_cache_key'))
      b.prompt_cache_key = `mockint-${input.rubric.id}-v${input.rubric.version}`
    for (const [k, v] of Object.entries(preset.extraBody ?? {})) if (!dropped.has(k)) b[k] = v
    if (mode === 'json_schema') b.response_format = responseFormatFor(input.rubric)
    else if (mode === 'json_object') b.response_format = { type: 'json_object' }
    return b as unknown as ChatCompletionCreateParamsNonStreaming
  }

  /**
   * One request with our retry loop. Throws Failure; returns a reply or a mode rejection. `tally` counts the
   * grade's requests and retries across its sends (the reply, the repair turn), for the failure's `attempts`.
   */
  async function send(
    input: GradeInput,
    messages: JudgeMessage[],
    mode: OutputMode,
    signals: { call: AbortSignal; user?: AbortSignal; deadline: { aborted: boolean }; endsAt: number },
    tally: Tally,
  ): Promise<Reply> {
    let fixes = 0
    for (let attempt = 1; ; attempt++) {
      tally.sent++
      try {
        const completion = (await client.chat.completions.create(body(input, messages, mode), {
          signal: signals.call,
          maxRetries: 0,
        })) as ChatCompletion | string | undefined
        if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices) || !completion.choices[0])
          throw new MalformedReplyError('the server answered 200 without a chat completion')
        return { kind: 'reply', completion }
      } catch (err) {
        if (signals.user?.aborted) throw new Failure('cancelled before the judge answered', true)
        if (signals.deadline.aborted) throw new Failure(`no verdict within the ${Math.round(deadlineMs / 1000)} s deadline`, true)
        const c = classifyError(err, mode, displayUrl(baseUrl))
        if (c.kind === 'mode-rejected') return { kind: 'mode-rejected', reason: redact(c.reason) }
        if (c.kind === 'param-rejected' && fixes < 4) {
          fixes++
          attempt--
          if (c.param === 'max_tokens') tokensParam = 'max_completion_tokens'
          else if (c.param === 'max_completion_tokens') tokensParam = 'max_tokens'
          else dropped.add(c.param)
          continue
        }
        if (c.kind === 'fatal' || c.kind === 'param-rejected')
          throw new Failure(redact(c.reason), c.kind === 'fatal' ? c.retryable : false)
        // Counted over the whole grade, as the error record counts them: 1 + the retries reported.
        if (attempt >= policy.maxAttempts)
          throw new Failure(redact(`gave up after ${attemptsOf(tally)} attempts: ${c.reason}`), true)
        const delayMs = retryDelay(attempt, policy, c.retryAfterMs)
        if (Date.now() + delayMs >= signals.endsAt)
          throw new Failure(redact(`no verdict within the ${Math.round(deadlineMs / 1000)} s deadline (last: ${c.reason})`), true)
        tally.retries++
        opts.onRetry?.({ attempt, delayMs, reason: redact(c.reason) })
        await sleep(delayMs, signals.call)
        if (signals.user?.aborted) throw new Failure('cancelled before the judge answered', true)
        if (signals.deadline.aborted) throw new Failure(`no verdict within the ${Math.round(deadlineMs / 1000)} s deadline`, true)
      }
    }
  }

  return {
    kind: 'openai',
    describe: () => `${preset.label}, model ${model} at ${displayUrl(baseUrl)}`,
    outputMode: async () => (await modes.get(baseUrl, model)) ?? preset.startMode,
    async grade(input, gradeOpts = {}): Promise<GradeOutcome> {
      const started = Date.now()
      const usage: Usage = { ...ZERO_USAGE }
      const provenance: Provenance = {
        kind: 'openai',
        provider: preset.id,
        model,
        output_mode: undefined,
        temperature: sendTemperature && !dropped.has('temperature') ? 0 : null,
        seed: preset.seed && !dropped.has('seed') ? (opts.seed ?? 1234) + (input.repeat ?? 0) : null,
        system_fingerprint: null,
        prompt_hash: promptHash(input.rubric),
      }
      const tally: Tally = { sent: 0, retries: 0 }
      const fail = (reason: string, retryable: boolean): JudgeFailure => ({
        ok: false,
        reason,
        retryable,
        attempts: attemptsOf(tally),
        judge: provenance,
        usage,
        latency_ms: Date.now() - started,
      })
      if (gradeOpts.signal?.aborted) return fail('cancelled before the judge was called', true)
      if (input.answer.trim() === '') return emptyGrade(input, provenance, started)

      // One controller per call for the deadline and the caller's signal: AbortSignal.timeout plus
      // AbortSignal.any cost a timer and a composite signal each, which shows at a thousand calls a second.
      const call = new AbortController()
      const deadline = { aborted: false }
      const timer = setTimeout(() => {
        deadline.aborted = true
        call.abort(new DOMException(`no verdict within ${deadlineMs} ms`, 'TimeoutError'))
      }, deadlineMs)
      timer.unref?.()
      const user = gradeOpts.signal
      const onUserAbort = () => call.abort(user?.reason)
      user?.addEventListener('abort', onUserAbort, { once: true })
      const signals = { call: call.signal, user, deadline, endsAt: started + deadlineMs }
      const built = buildJudgeMessages(input, { nonce: randomUUID().replace(/-/g, '').slice(0, 16) })
      const remembered = await modes.get(baseUrl, model)
      let mode: OutputMode = remembered ?? preset.startMode
      try {
        for (;;) {
          provenance.output_mode = mode
          const first = await send(input, built.messages, mode, signals, tally)
          if (first.kind === 'mode-rejected') {
            const next = NEXT_MODE[mode]
            if (!next) throw new Failure(`the server rejected every output mode: ${first.reason}`, false)
            mode = next
            continue
          }
          const content = readReply(first.completion, usage, provenance)
          let parsed = parseVerdict(content, mode, input)
          if (!parsed.ok) {
            // Exactly one repair turn, showing the model its own reply and what was wrong with it.
            const repairMessages = [...built.messages, { role: 'assistant' as const, content: content || '(empty reply)' }, buildRepairMessage(parsed.error)]
            const second = await send(input, repairMessages, mode, signals, tally)
            if (second.kind === 'mode-rejected') throw new Failure(`the repair turn was rejected: ${second.reason}`, true)
            parsed = parseVerdict(readReply(second.completion, usage, provenance), mode, input)
            if (!parsed.ok) throw new Failure(`the judge's reply did not validate, even after one repair: ${parsed.error}`, true)
          }
          if (mode !== remembered) await modes.set(baseUrl, model, mode)
          const { verdict, scores, overall, pass } = parsed
          return {
            ok: true,
            verdict,
            scores,
            overall,
            pass,
            judge: provenance,
            usage,
            latency_ms: Date.now() - started,
          }
        }
      } catch (e) {
        if (e instanceof Failure) return fail(redact(e.reason), e.retryable)
        // Anything else is a bug in mockint, not a judge failure: let the cli report it as one.
        throw e
      } finally {
        clearTimeout(timer)
        user?.removeEventListener('abort', onUserAbort)
      }
    },
  }
}

/** Adds a completion's usage, records provenance, and turns refusal and truncation into failures. */
function readReply(completion: ChatCompletion, usage: Usage, provenance: Provenance): string {
  const u = completion.usage as (ChatCompletion['usage'] & { prompt_cache_hit_tokens?: number }) | undefined
  if (u) {
    usage.prompt_tokens += u.prompt_tokens ?? 0
    usage.completion_tokens += u.completion_tokens ?? 0
    // DeepSeek reports cache hits as prompt_cache_hit_tokens.
    usage.cached_tokens += u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0
  }
  if (completion.system_fingerprint) provenance.system_fingerprint = completion.system_fingerprint
  const choice = completion.choices[0]!
  const refusal = choice.message?.refusal
  if (refusal) throw new Failure(`the model refused to grade: "${refusal.replace(/\s+/g, ' ').slice(0, 200)}"`, false)
  if (choice.finish_reason === 'length')
    throw new Failure('the verdict was cut off at the completion token limit (finish_reason "length"); raise the limit or use a model that thinks less', false)
  if (choice.finish_reason === 'content_filter') throw new Failure('the provider\'s content filter stopped the verdict', false)
  // An empty reply (DeepSeek's JSON mode does this now and then) goes to the repair turn like any invalid one.
  return typeof choice.message?.content === 'string' ? choice.message.content : ''
}

type Parsed = { ok: true; verdict: Verdict; scores: Record<string, number>; overall: number; pass: boolean } | { ok: false; error: string }

/** Content → JSON → VerdictSchema → levels on the rubric's scale. The overall is computed here, never read from the model. */
function parseVerdict(content: string, mode: OutputMode, input: GradeInput): Parsed {
  let value: unknown
  const trimmed = content.trim()
  if (!trimmed) return { ok: false, error: 'the reply was empty; it must be one JSON object' }
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
  const v = VerdictSchema.safeParse(value)
  if (!v.success)
    return {
      ok: false,
      error: v.error.issues
        .slice(0, 6)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    }
  const s = scoreVerdict(v.data, input.rubric)
  if (!s.ok) return { ok: false, error: s.reason }
  const flags = new Set<Flag>(v.data.flags.filter((f) => f !== 'overtime'))
  // A second line of defence: an answer that addresses the grader is flagged whatever the model says.
  if (detectInjection(input.answer).flagged) flags.add('prompt_injection')
  const verdict: Verdict = { ...v.data, flags: [...flags] }
  return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass }
}

/** An empty answer earns the bottom of the scale without asking anyone. */
function emptyGrade(input: GradeInput, provenance: Provenance, started: number): GradeOutcome {
  const { rubric } = input
  const verdict: Verdict = {
    dimensions: rubric.dimensions.map((d) => ({ id: d.id, evidence: [], rationale: 'No answer was given.', level: rubric.scale.min })),
    feedback: input.lang === 'zh' ? '没有作答。' : 'No answer was given.',
    missing: [],
    follow_up: '',
    flags: ['empty'],
  }
  const s = scoreVerdict(verdict, rubric)
  if (!s.ok) throw new Error(`empty verdict does not score: ${s.reason}`)
  return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge: provenance, usage: { ...ZERO_USAGE }, latency_ms: Date.now() - started }
}

