import { APIConnectionError, APIError, APIUserAbortError } from 'openai'
import type { FailureCause } from '../../core/judge/types.js'
import { causeOfStatus } from './reply.js'

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number
  /** First backoff delay; doubles each attempt, with full jitter between half and all of it. */
  baseDelayMs: number
  maxDelayMs: number
  /** A server's `Retry-After` is honoured up to this. */
  retryAfterCapMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000, retryAfterCapMs: 30_000 }

/** What to do about one failed request. */
export type Classified =
  | { kind: 'retry'; cause: FailureCause; reason: string; retryAfterMs?: number }
  | { kind: 'fatal'; cause: FailureCause; reason: string; retryable: boolean }
  /** The server does not accept this `response_format`: try the next output mode. */
  | { kind: 'mode-rejected'; reason: string }
  /** The server rejects one request parameter (temperature on a reasoning model, max_tokens vs max_completion_tokens). */
  | { kind: 'param-rejected'; param: string; reason: string }

const PARAMS = ['temperature', 'seed', 'prompt_cache_key', 'max_tokens', 'max_completion_tokens', 'enable_thinking']

/**
 * getaddrinfo's codes for a host name that does not resolve. A typo in the base URL fails the same way on
 * every try, so it is a configuration problem to report at once, not a server having a bad moment.
 */
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN'])

/**
 * Sorts an error thrown by the SDK (with `maxRetries: 0`) into retry, fail fast, or adjust-and-resend.
 * 408/409/429/5xx and connection errors are retried; a host name that does not resolve (ENOTFOUND,
 * EAI_AGAIN), `insufficient_quota`, 401/403 and other 4xx are not. `baseUrl`, when given, is named in the
 * message for a host that does not resolve. Messages are the server's own, cut short; the caller redacts secrets.
 */
export function classifyError(err: unknown, mode: string, baseUrl?: string): Classified {
  if (err instanceof APIUserAbortError) return { kind: 'fatal', cause: 'cancelled', reason: 'the request was aborted', retryable: true }
  if (err instanceof APIConnectionError) {
    const cause = (err as { cause?: SocketError & { cause?: SocketError } }).cause
    const socket = cause?.cause?.code ? cause.cause : cause
    const code = socket?.code
    if (code && UNRESOLVED.has(code)) {
      const host = socket?.hostname ?? hostOf(baseUrl)
      const what = `${host ? `host "${host}"` : 'the host'} (${code})${baseUrl ? ` of the base URL ${baseUrl}` : ''}`
      // EAI_AGAIN is also what a machine without a reachable DNS server says.
      const check = `check --base-url (or OPENAI_BASE_URL, base_url in the config)${code === 'EAI_AGAIN' ? ' and the network' : ''}`
      return { kind: 'fatal', cause: 'server', reason: `cannot resolve ${what}; ${check}`, retryable: false }
    }
    return { kind: 'retry', cause: 'server', reason: `connection failed${code ? ` (${code})` : ''}` }
  }
  if (err instanceof APIError) {
    const status = err.status ?? 0
    const msg = short(serverMessage(err))
    const code = String(err.code ?? (err.error as { code?: unknown } | undefined)?.code ?? '')
    const type = String(err.type ?? (err.error as { type?: unknown } | undefined)?.type ?? '')
    const cause = causeOfStatus(status, code, type)
    if (cause === 'quota') return { kind: 'fatal', cause, reason: `out of quota (429 insufficient_quota): ${msg}; check the account's billing`, retryable: false }
    if (status === 408 || status === 409 || status === 429 || status >= 500)
      return { kind: 'retry', cause, reason: `${status} ${msg}`, retryAfterMs: retryAfterMs(err.headers) }
    if (cause === 'auth') return { kind: 'fatal', cause, reason: `authentication failed (${status}): ${msg}; check the API key`, retryable: false }
    // Azure answers 400 with code content_filter when the prompt itself trips its filter.
    if (cause === 'content_filter') return { kind: 'fatal', cause, reason: `the provider's content filter rejected the request (${status}): ${msg}`, retryable: false }
    if (status === 400 || status === 422) {
      if (mode !== 'text' && /response_format|json_schema|json_object|structured output|guided|grammar/i.test(msg))
        return { kind: 'mode-rejected', reason: `${status} ${msg}` }
      const param = rejectedParam(msg)
      if (param) return { kind: 'param-rejected', param, reason: `${status} ${msg}` }
    }
    if (status === 404) return { kind: 'fatal', cause, reason: `not found (404): ${msg}; check --model and --base-url`, retryable: false }
    return { kind: 'fatal', cause, reason: `request rejected (${status}): ${msg}`, retryable: false }
  }
  // The SDK lets a body that is not JSON through as a SyntaxError; a server glitch, worth another try.
  if (err instanceof SyntaxError) return { kind: 'retry', cause: 'server', reason: 'the server sent a malformed response body' }
  if (err instanceof MalformedReplyError) return { kind: 'retry', cause: 'server', reason: err.message }
  throw err
}

/** The socket error under a connection failure (node:http's or undici's), as far as it is read here. */
interface SocketError {
  code?: string
  hostname?: string
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).hostname || undefined
  } catch {
    return undefined
  }
}

/** Raised by the judge when a 200 response is not a Chat Completion. */
export class MalformedReplyError extends Error {}

/** Delay before attempt `attempt + 1` (attempt counts from 1): honours Retry-After (capped), else backoff with jitter. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfter: number | undefined, random = Math.random): number {
  if (retryAfter !== undefined) return Math.min(Math.max(0, retryAfter), policy.retryAfterCapMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined
  const ms = Number(headers.get('retry-after-ms') ?? NaN)
  if (Number.isFinite(ms) && ms >= 0) return ms
  const ra = headers.get('retry-after')
  if (!ra) return undefined
  const secs = Number(ra)
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000
  const at = Date.parse(ra)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined
}

function rejectedParam(msg: string): string | undefined {
  if (!/unsupported|not supported|unrecognized|unknown|does not support|invalid/i.test(msg)) return undefined
  return PARAMS.find((p) => new RegExp(`['"\`]${p}['"\`]|\\b${p}\\b`).test(msg))
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | string | undefined
  if (typeof body === 'string') return body
  if (body && typeof body.message === 'string') return body.message
  return err.message.replace(/^\d{3}\s+/, '')
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 300 ? `${one.slice(0, 300)}…` : one
}
