import type { OutputMode } from './openai/presets.js'

/**
 * Small, direct requests to an OpenAI-compatible server for `mockint doctor`: which structured-output mode
 * it accepts, tried with a tiny prompt. Not the grading path (that is the judge's); these requests only ask
 * "does the server take this `response_format`", so a failure here names its cause for a one-line fix.
 */

/** Why a request failed, in the terms a fix is chosen by. */
export type FailureCause =
  /** Nothing listens there, or the host does not resolve. */
  | 'unreachable'
  | 'timeout'
  | 'auth'
  /** 404 on the completion: the model (or the path) does not exist there. */
  | 'not_found'
  | 'quota'
  | 'rate_limit'
  | 'server'
  | 'rejected'
  | 'invalid_reply'

export interface RequestFailure {
  cause: FailureCause
  status?: number
  /** What happened, in words (the server's own message when it gave one). Secrets are the caller's to redact. */
  message: string
}

export interface ModeProbeResult {
  /** The best mode the server accepted, in the order json_schema (strict), json_object, text. */
  accepted?: OutputMode
  /** Modes the server refused or ignored, with its reason. */
  refused: { mode: OutputMode; reason: string }[]
  /** A failure that stopped the probe (not a mode refusal). */
  failure?: RequestFailure
  /** Time of the last request, ms. */
  ms: number
}

const PROBE_SCHEMA = {
  type: 'json_schema',
  json_schema: {
    name: 'doctor_probe',
    strict: true,
    schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false },
  },
}

const MODE_WORDS = /response_format|json_schema|json_object|structured output|guided|grammar/i

/**
 * Tries json_schema (strict), then json_object, then plain text with a tiny request, and returns the first
 * the server accepts with JSON in the reply (plain text only needs an answer: the judge reads JSON out of
 * text). A 400 about the format, or a reply that ignored it, moves on to the next mode; any other failure
 * stops and is returned.
 */
export async function probeOutputModes(opts: {
  baseUrl: string
  model: string
  headers: Record<string, string>
  /** `max_tokens` or `max_completion_tokens`; undefined sends no cap (reasoning models think first). */
  maxTokensParam?: string
  temperature: boolean
  timeoutMs: number
  extraBody?: Record<string, unknown>
}): Promise<ModeProbeResult> {
  const refused: ModeProbeResult['refused'] = []
  let ms = 0
  for (const mode of ['json_schema', 'json_object', 'text'] as const) {
    const body: Record<string, unknown> = {
      model: opts.model,
      messages: [
        { role: 'system', content: 'You are a health check. Reply with the JSON object {"ok": true} and nothing else.' },
        { role: 'user', content: 'Reply in JSON: are you there?' },
      ],
      ...opts.extraBody,
    }
    if (opts.maxTokensParam) body[opts.maxTokensParam] = 64
    if (opts.temperature) body.temperature = 0
    if (mode === 'json_schema') body.response_format = PROBE_SCHEMA
    if (mode === 'json_object') body.response_format = { type: 'json_object' }
    const r = await postJson(`${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`, body, opts.headers, opts.timeoutMs)
    ms = r.ms
    if (!r.ok) {
      if (mode !== 'text' && (r.failure.status === 400 || r.failure.status === 422) && MODE_WORDS.test(r.failure.message)) {
        refused.push({ mode, reason: `${r.failure.status} ${r.failure.message}` })
        continue
      }
      return { refused, failure: r.failure, ms }
    }
    const content = contentOf(r.json)
    if (content === undefined) return { refused, failure: { cause: 'invalid_reply', status: 200, message: 'the answer is not a chat completion' }, ms }
    if (mode === 'text' || isJsonObject(content)) return { accepted: mode, refused, ms }
    refused.push({ mode, reason: `answered 200 without JSON (${JSON.stringify(content.slice(0, 60))}): the server ignores this response_format` })
  }
  return { refused, failure: { cause: 'rejected', message: 'the server accepted no output mode' }, ms }
}

type PostResult = { ok: true; json: unknown; ms: number } | { ok: false; failure: RequestFailure; ms: number }

async function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  let res: Response
  let text: string
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
    text = await res.text()
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } }
    if (err.name === 'TimeoutError') return { ok: false, failure: { cause: 'timeout', message: `no answer within ${Math.round(timeoutMs / 1000)} s` }, ms: ms() }
    const code = err.cause?.code
    const unreachable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH'
    return { ok: false, failure: { cause: unreachable ? 'unreachable' : 'server', message: code ?? err.message }, ms: ms() }
  }
  if (res.status === 200) {
    try {
      return { ok: true, json: JSON.parse(text), ms: ms() }
    } catch {
      return { ok: false, failure: { cause: 'invalid_reply', status: 200, message: 'the answer is not JSON' }, ms: ms() }
    }
  }
  return { ok: false, failure: failureOf(res.status, text), ms: ms() }
}

/** Sorts an HTTP error status and body into a cause. */
export function failureOf(status: number, text: string): RequestFailure {
  const err = errorObject(text)
  const message = (err.message ?? `HTTP ${status}`).replace(/\s+/g, ' ').slice(0, 300)
  const code = `${err.code ?? ''} ${err.type ?? ''}`
  if (status === 401 || status === 403) return { cause: 'auth', status, message }
  if (status === 404) return { cause: 'not_found', status, message }
  if (status === 429) return { cause: /insufficient_quota/.test(code) ? 'quota' : 'rate_limit', status, message }
  if (status >= 500) return { cause: 'server', status, message }
  return { cause: 'rejected', status, message }
}

function errorObject(text: string): { message?: string; code?: string; type?: string } {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error
    if (typeof e === 'string') return { message: e }
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>
      return { message: typeof o.message === 'string' ? o.message : undefined, code: String(o.code ?? ''), type: String(o.type ?? '') }
    }
  } catch {
    // not JSON: the status says enough
  }
  return { message: text.trim() ? text.trim().slice(0, 200) : undefined }
}

function contentOf(json: unknown): string | undefined {
  const choice = (json as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]
  const content = choice?.message?.content
  return typeof content === 'string' ? content : choice?.message ? '' : undefined
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text.trim())
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}
