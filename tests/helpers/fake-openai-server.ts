/**
 * A real Chat Completions server on 127.0.0.1 for tests: the real `openai` SDK (or the built binary via
 * `--base-url`) talks to it over HTTP. It records every request and can be scripted to fail the ways real
 * servers do.
 *
 * ```ts
 * const srv = await startFakeOpenAI()
 * srv.script({ kind: 'rate-limit', retryAfter: 1 }, { kind: 'server-error', status: 500 })  // next two calls
 * srv.setDefault({ rejectJsonSchema: true })          // every call from now on: a DeepSeek-like server
 * // baseURL for the SDK: srv.url  (ends in /v1)
 * srv.requests                                          // every request: method, path, headers, body
 * await srv.close()
 * ```
 *
 * Default answer: a valid mockint verdict built from the request, written the way the prompt asks
 * (`dimensions` keyed by id; `shape: 'array'` writes the older array of `{id, …}`). Dimension ids come from
 * the prompt line `Dimension ids, in order: a, b, c` (else the llm-engineer ids); the scale from
 * `Levels run from 0 to 4`. Levels come from a marker `[[levels:3,2,4,1]]` in the candidate answer, else
 * from its length: one level per 25 words, capped at the scale's top. An empty answer gets all zeros and
 * the `empty` flag. A marker `[[fault:content-filter]]` (or `refusal`, `truncate`) in the answer makes
 * that call behave as the fault of that kind, whichever path (live or Batch API) sent it.
 *
 * `minimal: true` models a grammar-constrained decoder at its laziest: it answers with the minimal instance
 * of the JSON Schema the request carries (`response_format.json_schema.schema`, else the schema printed
 * after "JSON Schema of the reply:" in the prompt) — every required key, empty strings and arrays, the
 * lowest number and the first enum value — see {@link minimalInstance}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface RecordedRequest {
  method: string
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string
  query: string
  /** Lower-cased header names. */
  headers: Record<string, string>
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any
  raw: string
  at: number
}

/** How the server behaves on calls that no scripted fault claims. `setDefault` merges into this. */
export interface FakeProfile {
  /** Answer 400 to `response_format: {type: "json_schema"}`, the way DeepSeek does. */
  rejectJsonSchema?: boolean
  /** Answer 400 to `response_format: {type: "json_object"}`, the way LM Studio does. */
  rejectJsonObject?: boolean
  /** How the verdict is written into `message.content`: bare JSON, or `<think>…</think>` + fenced JSON. */
  style?: 'json' | 'think-fenced'
  /** Delay before answering, in ms. */
  delayMs?: number
  /** Fixed usage numbers instead of the chars/4 estimate. */
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number }
  /** Report cache hits as OpenAI does (`prompt_tokens_details.cached_tokens`, default) or as DeepSeek does (`prompt_cache_hit_tokens`). */
  cacheField?: 'openai' | 'deepseek'
  /** Cache hits reported with the chars/4 estimate (default 0). */
  cachedTokens?: number
  /** `system_fingerprint` in answers (null to omit). */
  systemFingerprint?: string | null
  /** Dimension ids when the prompt does not say them. */
  dimensions?: string[]
  /** Transform the default verdict (array form) before it is written (e.g. to make it invalid). */
  mutateVerdict?: (verdict: FakeVerdict, req: RecordedRequest) => unknown
  /** How `dimensions` is written: keyed by id (default, as the prompt asks) or the older array of `{id, …}`. */
  shape?: 'keyed' | 'array'
  /** Answer with the minimal instance of the schema the request carries (see the module comment). */
  minimal?: boolean
}

export interface FakeVerdict {
  dimensions: { id: string; evidence: string[]; rationale: string; level: number }[]
  feedback: string
  missing: string[]
  follow_up: string
  flags: string[]
}

/** One scripted behaviour for one Chat Completions call. */
export type FakeFault =
  /** Answer normally (useful to let one call through in a queue). */
  | { kind: 'ok' }
  /** 429 rate limit, with `Retry-After` (seconds) and/or `retry-after-ms`. */
  | { kind: 'rate-limit'; retryAfter?: number | string; retryAfterMs?: number }
  /** 429 `insufficient_quota`: out of credit; retrying does not help. */
  | { kind: 'quota' }
  /** 401 invalid API key. */
  | { kind: 'auth' }
  /** 500/502/503/… with an OpenAI-style error body. */
  | { kind: 'server-error'; status?: number }
  /** Any status and body. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroy the socket after reading the request (ECONNRESET for the client). */
  | { kind: 'reset' }
  /** 200 with a JSON body cut in the middle. */
  | { kind: 'malformed' }
  /** 200 with `message.refusal` set and no content. */
  | { kind: 'refusal'; text?: string }
  /** 200 with `finish_reason: "length"` and content cut off. */
  | { kind: 'truncate' }
  /** 200 with `finish_reason: "content_filter"` and no content (OpenAI, Azure). */
  | { kind: 'content-filter' }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Wait `ms`, then behave as `then` (default: answer normally). */
  | { kind: 'slow'; ms: number; then?: FakeFault }
  /** 400 if this call asks for json_schema (DeepSeek), else answer normally. */
  | { kind: 'reject-json-schema' }
  /** 400 if this call asks for json_object (LM Studio), else answer normally. */
  | { kind: 'reject-json-object' }
  /** Answer with `<think>…</think>` then the verdict in a ```json fence, as plain text. */
  | { kind: 'think-fenced' }
  /** Answer with this exact content (and optional finish_reason). */
  | { kind: 'content'; content: string; finishReason?: string }
  /** Answer with this object serialised as JSON content. */
  | { kind: 'verdict'; verdict: unknown }
  /** Full control. */
  | { kind: 'handler'; handle: RouteHandler }

export type RouteHandler = (req: RecordedRequest, res: ServerResponse) => unknown

export interface FakeOpenAI {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:43123/v1`. */
  url: string
  /** Origin without `/v1`, e.g. `http://127.0.0.1:43123`. */
  origin: string
  /** Every request received, in order (all routes). */
  requests: RecordedRequest[]
  /** Only the `POST /v1/chat/completions` requests. */
  chatRequests(): RecordedRequest[]
  /** Queues behaviours for the next Chat Completions calls, one each, in order. */
  script(...faults: FakeFault[]): void
  /** Scripted behaviours not yet consumed. */
  pending(): number
  /** Merges into the default profile used when the queue is empty. */
  setDefault(profile: FakeProfile): void
  /** Adds or replaces a handler for `method path` (path without query), e.g. `route('POST', '/v1/files', h)`. */
  route(method: string, path: string, handler: RouteHandler): void
  /** Clears recorded requests and the queue, and resets the profile. */
  reset(): void
  /** Closes the server, destroying open connections (hanging calls included). */
  close(): Promise<void>
}

export interface StartFakeOpenAIOptions {
  profile?: FakeProfile
  /** Port to listen on; default 0 (random). */
  port?: number
}

const DEFAULT_DIMENSIONS = ['principle', 'scenario', 'engineering', 'observability']

export async function startFakeOpenAI(opts: StartFakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = []
  let queue: FakeFault[] = []
  let profile: FakeProfile = { ...opts.profile }
  const routes = new Map<string, RouteHandler>()
  const sockets = new Set<Socket>()
  let seq = 0

  routes.set('GET /v1/models', (_req, res) =>
    sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] }),
  )
  routes.set('POST /v1/chat/completions', async (req, res) => {
    const fault = queue.shift() ?? { kind: 'ok' }
    await handleChat(req, res, fault)
  })

  async function handleChat(req: RecordedRequest, res: ServerResponse, scripted: FakeFault): Promise<void> {
    const body = req.body ?? {}
    const marked = scripted.kind === 'ok' ? /\[\[fault:(content-filter|refusal|truncate)\]\]/.exec(extractAnswer(allText(body)) ?? '') : null
    const fault: FakeFault = marked ? ({ kind: marked[1] } as FakeFault) : scripted
    const rfType: string | undefined = body.response_format?.type
    if (profile.delayMs) await sleep(profile.delayMs, res)
    if (res.destroyed) return
    switch (fault.kind) {
      case 'rate-limit': {
        const headers: Record<string, string> = {}
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter)
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs)
        return sendJson(res, 429, errorBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), headers)
      }
      case 'quota':
        return sendJson(
          res,
          429,
          errorBody(
            'You exceeded your current quota, please check your plan and billing details.',
            'insufficient_quota',
            'insufficient_quota',
          ),
        )
      case 'auth':
        return sendJson(
          res,
          401,
          errorBody('Incorrect API key provided. You can find your API key in your account settings.', 'invalid_request_error', 'invalid_api_key'),
        )
      case 'server-error':
        return sendJson(res, fault.status ?? 500, errorBody('The server had an error while processing your request.', 'server_error', null))
      case 'status':
        return sendJson(res, fault.status, fault.body ?? errorBody(`status ${fault.status}`, 'error', null), fault.headers)
      case 'reset':
        res.socket?.destroy()
        return
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assist')
        return
      case 'hang':
        return // the socket stays open until the client aborts or close() destroys it
      case 'slow':
        await sleep(fault.ms, res)
        if (res.destroyed) return
        return handleChat(req, res, fault.then ?? { kind: 'ok' })
      case 'handler':
        await fault.handle(req, res)
        return
      default:
        break
    }
    // Server-level rejections apply to scripted content answers too: they model what the server accepts.
    if ((profile.rejectJsonSchema || fault.kind === 'reject-json-schema') && rfType === 'json_schema')
      return sendJson(res, 400, errorBody('This response_format type is unavailable now', 'invalid_request_error', 'invalid_request_error'))
    if ((profile.rejectJsonObject || fault.kind === 'reject-json-object') && rfType === 'json_object')
      // LM Studio's error body is a bare string, not an OpenAI error object.
      return sendJson(res, 400, { error: "'response_format.type' must be 'json_schema' or 'text'" })

    let content: string | null
    let refusal: string | null = null
    let finishReason = 'stop'
    if (fault.kind === 'refusal') {
      content = null
      refusal = fault.text ?? "I'm sorry, I can't help with that."
    } else if (fault.kind === 'content') {
      content = fault.content
      finishReason = fault.finishReason ?? 'stop'
    } else if (fault.kind === 'verdict') {
      content = JSON.stringify(fault.verdict)
    } else if (fault.kind === 'content-filter') {
      content = null
      finishReason = 'content_filter'
    } else if (profile.minimal && fault.kind === 'ok') {
      const schema = body.response_format?.json_schema?.schema ?? schemaInPrompt(allText(body))
      content = JSON.stringify(schema ? minimalInstance(schema) : {})
    } else {
      const verdict = buildVerdict(req)
      const mutated = profile.mutateVerdict ? profile.mutateVerdict(verdict, req) : verdict
      const out = profile.shape === 'array' ? mutated : keyed(mutated)
      const json = JSON.stringify(out)
      const style = fault.kind === 'think-fenced' ? 'think-fenced' : (profile.style ?? 'json')
      content =
        style === 'think-fenced'
          ? `<think>\nThe candidate says {"level": 4} somewhere; I will ignore that and grade.\n</think>\nHere is my verdict:\n\n\`\`\`json\n${JSON.stringify(out, null, 2)}\n\`\`\`\n`
          : json
      if (fault.kind === 'truncate') {
        content = json.slice(0, Math.max(1, Math.floor(json.length / 2)))
        finishReason = 'length'
      }
    }
    const promptChars = JSON.stringify(body.messages ?? []).length
    const usage: Record<string, unknown> = profile.usage
      ? {
          prompt_tokens: profile.usage.prompt_tokens,
          completion_tokens: profile.usage.completion_tokens,
          total_tokens: profile.usage.prompt_tokens + profile.usage.completion_tokens,
          prompt_tokens_details: { cached_tokens: profile.usage.cached_tokens ?? 0 },
        }
      : {
          prompt_tokens: Math.ceil(promptChars / 4),
          completion_tokens: Math.ceil((content ?? refusal ?? '').length / 4),
          total_tokens: Math.ceil(promptChars / 4) + Math.ceil((content ?? refusal ?? '').length / 4),
          prompt_tokens_details: { cached_tokens: profile.cachedTokens ?? 0 },
        }
    if (profile.cacheField === 'deepseek') {
      usage.prompt_cache_hit_tokens = (usage.prompt_tokens_details as { cached_tokens: number }).cached_tokens
      delete usage.prompt_tokens_details
    }
    const id = `chatcmpl-fake-${++seq}`
    const model = typeof body.model === 'string' ? body.model : 'fake-model'
    const fingerprint = profile.systemFingerprint === undefined ? 'fp_fake' : profile.systemFingerprint
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
      const chunk = (delta: object, finish: string | null, extra: object = {}) =>
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created: 0,
          model,
          system_fingerprint: fingerprint,
          choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
          ...extra,
        })}\n\n`
      res.write(chunk({ role: 'assistant', content: '' }, null))
      if (refusal !== null) res.write(chunk({ refusal }, null))
      const text = content ?? ''
      for (let i = 0; i < text.length; i += 64) res.write(chunk({ content: text.slice(i, i + 64) }, null))
      res.write(chunk({}, finishReason))
      if (body.stream_options?.include_usage)
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage })}\n\n`)
      res.end('data: [DONE]\n\n')
      return
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: 0,
      model,
      system_fingerprint: fingerprint,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    })
  }

  function buildVerdict(req: RecordedRequest): FakeVerdict {
    const text = allText(req.body)
    const idsLine = /Dimension ids, in order: ([^\n]+)/.exec(text)
    const ids = idsLine
      ? idsLine[1]!.split(',').map((s) => s.trim()).filter(Boolean)
      : (profile.dimensions ?? DEFAULT_DIMENSIONS)
    const scale = /Levels run from (\d+) to (\d+)/.exec(text)
    const min = scale ? Number(scale[1]) : 0
    const max = scale ? Number(scale[2]) : 4
    const answer = extractAnswer(text)
    const marker = /\[\[levels:([\d,\s]+)\]\]/.exec(answer ?? text)
    const words = (answer ?? '').trim().split(/\s+/).filter(Boolean).length
    const byLength = Math.max(min, Math.min(max, Math.floor(words / 25)))
    const levels = ids.map((_, i) => {
      if (marker) {
        const parts = marker[1]!.split(',').map((s) => Number(s.trim()))
        return parts[i] ?? parts[parts.length - 1] ?? min
      }
      return byLength
    })
    const empty = answer !== undefined && answer.trim() === ''
    return {
      dimensions: ids.map((id, i) => ({
        id,
        evidence: answer && answer.trim() ? [answer.trim().slice(0, 40)] : [],
        rationale: `fake judge: level ${levels[i]} for ${id}`,
        level: levels[i]!,
      })),
      feedback: 'Fake feedback: be more specific.',
      missing: ids.filter((_, i) => levels[i]! < max).map((id) => `more depth on ${id}`),
      follow_up: `Tell me more about ${ids[levels.indexOf(Math.min(...levels))] ?? ids[0]}.`,
      flags: empty ? ['empty'] : [],
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const [path = '/', query = ''] = (req.url ?? '/').split('?')
      let body: any
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = undefined
      }
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query,
        headers: flatHeaders(req),
        body,
        raw,
        at: Date.now(),
      }
      requests.push(rec)
      const handler = routes.get(`${rec.method} ${path}`)
      if (!handler) {
        sendJson(res, 404, errorBody(`no route ${rec.method} ${path}`, 'invalid_request_error', 'not_found'))
        return
      }
      Promise.resolve(handler(rec, res)).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(`fake server handler failed: ${String(e)}`, 'server_error', null))
        else res.destroy()
      })
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions'),
    script: (...faults) => void queue.push(...faults),
    pending: () => queue.length,
    setDefault: (p) => void (profile = { ...profile, ...p }),
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    reset: () => {
      requests.length = 0
      queue = []
      profile = { ...opts.profile }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A verdict with `dimensions` as an array of `{id, …}` rewritten keyed by id; anything else as it is. */
function keyed(v: unknown): unknown {
  const dims = (v as { dimensions?: unknown } | null)?.dimensions
  if (!Array.isArray(dims) || !dims.every((d) => d && typeof d.id === 'string')) return v
  const byId: Record<string, unknown> = {}
  for (const { id, ...rest } of dims as Array<{ id: string }>) byId[id] = rest
  return { ...(v as object), dimensions: byId }
}

/** The JSON Schema printed in the prompt after "JSON Schema of the reply:", if any. */
function schemaInPrompt(text: string): unknown {
  const at = text.indexOf('JSON Schema of the reply:')
  if (at < 0) return undefined
  const line = text.slice(at).split('\n')[1]
  try {
    return line ? JSON.parse(line) : undefined
  } catch {
    return undefined
  }
}

/**
 * The smallest value a grammar-constrained decoder may emit for a JSON Schema: an object with every
 * required key (in `properties` order; nothing optional), `minItems` minimal items in an array (none by
 * default), a string of `minLength` (empty by default), the lowest number allowed, the first enum value,
 * `const` as it is, the first branch of an `anyOf`/`oneOf`, false, null. `$ref`s to `#/definitions` or
 * `#/$defs` are followed.
 */
export function minimalInstance(schema: any, root: any = schema): unknown {
  if (!schema || typeof schema !== 'object') return null
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/(definitions|\$defs)\//, '')
    return minimalInstance(root.definitions?.[name] ?? root.$defs?.[name], root)
  }
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const branches = schema.anyOf ?? schema.oneOf
  if (Array.isArray(branches)) return minimalInstance(branches[0], root)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      const required: string[] = schema.required ?? []
      for (const [k, v] of Object.entries(schema.properties ?? {})) if (required.includes(k)) out[k] = minimalInstance(v, root)
      return out
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalInstance(schema.items, root))
    case 'string':
      return 'a'.repeat(schema.minLength ?? 0)
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0)
    case 'boolean':
      return false
    default:
      return null
  }
}

/** The text of every message of a Chat Completions body, joined. */
function allText(body: any): string {
  const msgs: any[] = Array.isArray(body?.messages) ? body.messages : []
  return msgs
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((p: any) => (typeof p?.text === 'string' ? p.text : '')).join('')
          : '',
    )
    .join('\n')
}

/**
 * The candidate answer, found between mockint's nonce delimiters `<<<ANSWER nonce>>>` … `<<<END ANSWER nonce>>>`.
 * Undefined when the prompt has none (then the marker is looked for in the whole text).
 */
function extractAnswer(text: string): string | undefined {
  // The last one wins: a follow-up prompt shows the parent answer earlier, the graded answer last.
  const re = /<<<ANSWER ([A-Za-z0-9_-]+)>>>\n?([\s\S]*?)\n?<<<END ANSWER \1>>>/g
  let last: string | undefined
  for (const m of text.matchAll(re)) last = m[2]
  return last
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    res.on('close', () => {
      clearTimeout(t)
      resolve()
    })
  })
}
