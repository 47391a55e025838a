import { randomBytes } from 'node:crypto'
import OpenAI from 'openai'
import type { ChatCompletion } from 'openai/resources/chat/completions'
import { buildJudgeMessages, buildRepairMessage, type JudgeMessage } from '../../core/judge/prompt.js'
import {
  ZERO_USAGE,
  type FailureCause,
  type GradeInput,
  type GradeOutcome,
  type Judge,
  type JudgeFailure,
  type Provenance,
  type RetryInfo,
  type Usage,
} from '../../core/judge/types.js'
import { sleep } from '../../core/sleep.js'
import { BodyParts, createNodeFetch, fixedHeaders } from './http-fetch.js'
import { createModeStore, type ModeStore } from './mode-store.js'
import { isReasoningModel, type KeyOptions, type OutputMode } from './presets.js'
import { createRedactor, emptyGrade, readCompletion, type CompletionRead } from './reply.js'
import { createWire, nextMode, resolveEndpoint } from './request.js'
import { classifyError, DEFAULT_RETRY, MalformedReplyError, retryDelay, type RetryPolicy } from './retry.js'
import { displayUrl } from './url.js'

export interface OpenAIJudgeOptions extends KeyOptions {
  provider?: string
  model?: string
  baseUrl?: string
  /** A secret: never printed, logged or put in a failure reason. */
  apiKey?: string
  /** `$MOCKINT_HOME`: where the working output mode per (base URL, model) is remembered. */
  home?: string
  onRetry?(info: RetryInfo): void
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

const JSON_HEADERS = { 'content-type': 'application/json' } as const
const NO_BYTES = Buffer.alloc(0)

type RequestOptions = Parameters<OpenAI['buildRequest']>[0]
type BuiltRequest = Awaited<ReturnType<OpenAI['buildRequest']>>

/**
 * The SDK's client, with the work that gives the same answer for every judge call done once:
 * - `buildURL` parses the base URL and reads its query string into a URLSearchParams on every request (~2% of
 *   the main thread at a thousand calls a second), though for a path without a query the answer never changes;
 * - `buildRequest` builds the request headers (a dozen `X-Stainless-*`, user agent, auth, content type) into a
 *   fresh web Headers, validating each name and value, and the SDK then copies them into a plain object for
 *   its debug log whatever the log level: ~8% of the main thread. For the judge's own requests (a JSON body
 *   already encoded, as bytes or as BodyParts; our fixed content type; no query, per-request timeout,
 *   idempotency key or fetch options) the headers depend only on the method, the retry count and the key:
 *   the SDK builds them once and every request reuses them, frozen (see fixedHeaders), with its body as
 *   given. Any other request takes the SDK's own path;
 * - `fetchWithTimeout` arms a timer per request, creates the signal of a fresh AbortController and listens
 *   on the caller's signal to abort it (~4% of the main thread): for those same requests, which always
 *   carry the judge's own per-call signal and deadline, the fetch is given that signal directly. The
 *   client's `timeout` (deadline + 60 s) never fires first, so nothing is lost.
 */
class JudgeClient extends OpenAI {
  readonly #urls = new Map<string, string>()
  readonly #headers = new Map<string, { apiKey: string | null; headers: Headers }>()
  /** The requests built by our own path of buildRequest (see above): fetchWithTimeout knows them by this. */
  readonly #plain = new WeakSet<object>()
  readonly #fetch: typeof fetch
  constructor(options: ConstructorParameters<typeof OpenAI>[0] & { fetch: typeof fetch }) {
    super(options)
    this.#fetch = options.fetch
  }
  override async fetchWithTimeout(url: string | URL | Request, init: RequestInit | undefined, ms: number, controller: AbortController): Promise<Response> {
    if (!init?.signal || !this.#plain.has(init)) return super.fetchWithTimeout(url, init, ms, controller)
    // As the SDK calls it (method in capitals, no `this`), with the judge's signal in place of the SDK's controller.
    return this.#fetch.call(undefined, url, { method: init.method!.toUpperCase(), headers: init.headers, body: init.body, signal: init.signal })
  }
  override buildURL(path: string, query: Record<string, unknown> | null | undefined, defaultBaseURL?: string): string {
    if (query != null) return super.buildURL(path, query, defaultBaseURL)
    const key = `${defaultBaseURL ?? ''} ${path}`
    let url = this.#urls.get(key)
    if (url === undefined) {
      url = super.buildURL(path, query, defaultBaseURL)
      this.#urls.set(key, url)
    }
    return url
  }
  override async buildRequest(options: RequestOptions, { retryCount = 0 }: { retryCount?: number } = {}): Promise<BuiltRequest> {
    const plain =
      options.headers === JSON_HEADERS &&
      (Buffer.isBuffer(options.body) || options.body instanceof BodyParts) &&
      options.query == null &&
      !('timeout' in options) &&
      options.idempotencyKey === undefined &&
      options.fetchOptions === undefined &&
      options.__security === undefined &&
      this.fetchOptions === undefined &&
      !this.idempotencyHeader
    if (!plain) return super.buildRequest(options, { retryCount })
    const key = `${options.method} ${retryCount}`
    let known = this.#headers.get(key)
    if (known === undefined || known.apiKey !== this.apiKey) {
      // The SDK's headers for a byte body: any bytes give the same (it adds none of its own for them).
      const built = await super.buildRequest({ ...options, body: NO_BYTES }, { retryCount })
      known = { apiKey: this.apiKey, headers: fixedHeaders(built.req.headers) }
      this.#headers.set(key, known)
    }
    // What super.buildRequest returns for such a request (a byte body passes through it as it is), with the
    // headers it built the first time; the body may be BodyParts, which only the node:http fetch is given.
    const req: BuiltRequest['req'] = { method: options.method, headers: known.headers, ...(options.signal ? { signal: options.signal } : {}), body: options.body as Buffer }
    this.#plain.add(req)
    return {
      req,
      url: this.buildURL(options.path, options.query as Record<string, unknown> | null | undefined, options.defaultBaseURL),
      timeout: this.timeout,
    }
  }
}

/** A failure the grade loop returns as a value. */
class Failure extends Error {
  constructor(
    readonly reason: string,
    readonly why: FailureCause,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
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
  const endpoint = resolveEndpoint(opts)
  const { preset, baseUrl, model } = endpoint
  const apiKey = opts.apiKey ?? 'not-needed'
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry }
  // Reasoning models think before they answer: minutes, not seconds.
  const deadlineMs = opts.deadlineMs ?? (isReasoningModel(model) ? Math.max(preset.deadlineMs, 600_000) : preset.deadlineMs)
  const modes = opts.modeStore ?? createModeStore(opts.home)
  const wire = createWire(endpoint, { seed: opts.seed, maxTokens: opts.maxTokens })
  const client = new JudgeClient({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 0,
    // Our deadline aborts first; this only keeps the SDK's own 10-minute default out of the way (and is not
    // armed at all for the judge's own requests, see JudgeClient).
    timeout: deadlineMs + 60_000,
    fetch: opts.fetch ?? createNodeFetch(),
    defaultHeaders: preset.keyHeader ? { [preset.keyHeader]: apiKey } : undefined,
  })
  const redact = createRedactor(apiKey)
  // The node:http fetch takes the body in pieces (see BodyParts); a fetch given by a caller gets bytes.
  const pieces = opts.fetch === undefined
  const timedOut = (last?: string) => `no verdict within the ${Math.round(deadlineMs / 1000)} s deadline${last ? ` (last: ${last})` : ''}`

  /**
   * One request with our retry loop. Throws Failure; returns a reply or a mode rejection. `tally` counts the
   * grade's requests and retries across its sends (the reply, the repair turn), for the failure's `attempts`.
   */
  async function send(input: GradeInput, messages: JudgeMessage[], mode: OutputMode, signals: Signals, tally: Tally): Promise<Reply> {
    let fixes = 0
    for (let attempt = 1; ; attempt++) {
      tally.sent++
      try {
        // POST /chat/completions as `chat.completions.create` sends it, with the body already encoded: the SDK
        // would JSON.stringify the whole request, rubric included, for every call (see Wire.bytes).
        const completion = (await client.post<ChatCompletion>('/chat/completions', {
          body: pieces ? wire.parts(input, messages, mode) : wire.bytes(input, messages, mode),
          headers: JSON_HEADERS,
          signal: signals.call,
          maxRetries: 0,
        })) as ChatCompletion | string | undefined
        if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices) || !completion.choices[0])
          throw new MalformedReplyError('the server answered 200 without a chat completion')
        return { kind: 'reply', completion }
      } catch (err) {
        if (signals.user?.aborted) throw new Failure('cancelled before the judge answered', 'cancelled', true)
        if (signals.deadline.aborted) throw new Failure(timedOut(), 'timeout', true)
        const c = classifyError(err, mode, displayUrl(baseUrl))
        if (c.kind === 'mode-rejected') return { kind: 'mode-rejected', reason: redact(c.reason) }
        if (c.kind === 'param-rejected' && fixes < 4) {
          fixes++
          attempt--
          if (c.param === 'max_tokens' || c.param === 'max_completion_tokens') wire.switchTokensParam(c.param)
          else wire.drop(c.param)
          continue
        }
        if (c.kind === 'param-rejected') throw new Failure(redact(c.reason), 'server', false)
        if (c.kind === 'fatal') throw new Failure(redact(c.reason), c.cause, c.retryable)
        // Counted over the whole grade, as the error record counts them: 1 + the retries reported.
        if (attempt >= policy.maxAttempts)
          throw new Failure(redact(`gave up after ${attemptsOf(tally)} attempts: ${c.reason}`), c.cause, true, c.retryAfterMs)
        const delayMs = retryDelay(attempt, policy, c.retryAfterMs)
        if (Date.now() + delayMs >= signals.endsAt) throw new Failure(redact(timedOut(c.reason)), 'timeout', true, c.retryAfterMs)
        tally.retries++
        opts.onRetry?.({ attempt, delayMs, reason: redact(c.reason), cause: c.cause })
        await sleep(delayMs, signals.call)
        if (signals.user?.aborted) throw new Failure('cancelled before the judge answered', 'cancelled', true)
        if (signals.deadline.aborted) throw new Failure(timedOut(), 'timeout', true)
      }
    }
  }

  /**
   * The output-mode loop: the remembered (or the preset's) mode first, the next one the server may accept
   * after a rejection, one repair turn after a reply that does not validate. Throws Failure.
   */
  async function negotiate(input: GradeInput, provenance: Provenance, usage: Usage, signals: Signals, tally: Tally): Promise<Extract<GradeOutcome, { ok: true }>> {
    const built = buildJudgeMessages(input, { nonce: nonce() })
    const remembered = await modes.get(baseUrl, model)
    let mode: OutputMode = remembered ?? preset.startMode
    const tried = new Set<OutputMode>()
    // A grade, or an invalid reply for the repair turn; refusal, content filter and truncation are final.
    const read = (completion: ChatCompletion): Extract<CompletionRead, { ok: true } | { cause: 'invalid_reply' }> => {
      const r = readCompletion(completion, input, mode)
      addUsage(usage, r.usage)
      if (r.system_fingerprint) provenance.system_fingerprint = r.system_fingerprint
      if (!r.ok && r.cause !== 'invalid_reply') throw new Failure(r.reason, r.cause, false)
      return r as Extract<CompletionRead, { ok: true } | { cause: 'invalid_reply' }>
    }
    for (;;) {
      tried.add(mode)
      provenance.output_mode = mode
      const first = await send(input, built.messages, mode, signals, tally)
      if (first.kind === 'mode-rejected') {
        const next = nextMode(tried)
        if (!next) throw new Failure(`the server rejected every output mode: ${first.reason}`, 'server', false)
        mode = next
        continue
      }
      let r = read(first.completion)
      if (!r.ok) {
        // Exactly one repair turn, showing the model its own reply and what was wrong with it.
        const repairMessages = [...built.messages, { role: 'assistant' as const, content: r.content || '(empty reply)' }, buildRepairMessage(r.reason)]
        const second = await send(input, repairMessages, mode, signals, tally)
        if (second.kind === 'mode-rejected') throw new Failure(`the repair turn was rejected: ${second.reason}`, 'server', true)
        r = read(second.completion)
        if (!r.ok) throw new Failure(`the judge's reply did not validate, even after one repair: ${r.reason}`, 'invalid_reply', true)
      }
      if (mode !== remembered) await modes.set(baseUrl, model, mode)
      return { ok: true, ...r.grade, judge: provenance, usage, latency_ms: 0 }
    }
  }

  return {
    kind: 'openai',
    describe: () => `${preset.label}, model ${model} at ${displayUrl(baseUrl)}`,
    about: () => ({ kind: 'openai', label: preset.label, model, url: displayUrl(baseUrl) }),
    outputMode: async () => (await modes.get(baseUrl, model)) ?? preset.startMode,
    async grade(input, gradeOpts = {}): Promise<GradeOutcome> {
      const started = Date.now()
      const usage: Usage = { ...ZERO_USAGE }
      const provenance = wire.provenance(input, undefined)
      const tally: Tally = { sent: 0, retries: 0 }
      const fail = (f: Failure): JudgeFailure => ({
        ok: false,
        reason: redact(f.reason),
        cause: f.why,
        retryable: f.retryable,
        ...(f.retryAfterMs !== undefined ? { retry_after_ms: f.retryAfterMs } : {}),
        attempts: attemptsOf(tally),
        judge: provenance,
        usage,
        latency_ms: Date.now() - started,
      })
      if (gradeOpts.signal?.aborted) return fail(new Failure('cancelled before the judge was called', 'cancelled', true))
      if (input.answer.trim() === '') return { ...emptyGrade(input, provenance), latency_ms: Date.now() - started }

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
      const unfollow = user ? follow(user, call) : undefined
      try {
        const grade = await negotiate(input, provenance, usage, { call: call.signal, user, deadline, endsAt: started + deadlineMs }, tally)
        grade.latency_ms = Date.now() - started
        return grade
      } catch (e) {
        if (e instanceof Failure) return fail(e)
        // Anything else is a bug in mockint, not a judge failure: let the cli report it as one.
        throw e
      } finally {
        clearTimeout(timer)
        unfollow?.()
      }
    },
  }
}

/** Random bytes for the answer delimiters' nonces, drawn 4 KB at a time. */
let noncePool = Buffer.alloc(0)
let nonceAt = 0

/** 16 random hex digits (64 bits): each call's answer delimiter, which the answer cannot guess. */
function nonce(): string {
  if (nonceAt + 8 > noncePool.length) {
    noncePool = randomBytes(4096)
    nonceAt = 0
  }
  nonceAt += 8
  return noncePool.toString('hex', nonceAt - 8, nonceAt)
}

/** The calls in flight under each caller's signal (a run's Ctrl+C), aborted together by one listener. */
const following = new WeakMap<AbortSignal, Set<AbortController>>()

/**
 * Aborts `call` when `user` aborts, until the returned function is called. One listener per caller signal,
 * not one per call: a batch passes the same signal to every grade, and adding a listener to an EventTarget
 * walks those already there, which at 64 in flight and a thousand calls a second was ~2% of the main thread.
 */
function follow(user: AbortSignal, call: AbortController): () => void {
  let calls = following.get(user)
  if (!calls) {
    const set = new Set<AbortController>()
    following.set(user, set)
    user.addEventListener('abort', () => {
      for (const c of set) c.abort(user.reason)
    }, { once: true })
    calls = set
  }
  calls.add(call)
  return () => calls.delete(call)
}

interface Signals {
  call: AbortSignal
  user?: AbortSignal
  deadline: { aborted: boolean }
  endsAt: number
}

function addUsage(into: Usage, u: Usage): void {
  into.prompt_tokens += u.prompt_tokens
  into.completion_tokens += u.completion_tokens
  into.cached_tokens += u.cached_tokens
}
