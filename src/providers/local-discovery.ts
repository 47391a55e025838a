import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'

/**
 * Finds an OpenAI-compatible server on this machine's default local ports, for `--judge auto` when nothing
 * is configured. Light on purpose (node:http only, no SDK): it runs before the first grade of every
 * `grade`, `interview` and `check --judge auto` that has no key and no base URL.
 */

/** One place a local server may listen. `name` is a `--provider` preset, or undefined for a plain port. */
export interface LocalCandidate {
  name?: string
  port: number
}

/** A server that answered `GET /v1/models` with at least one model. */
export interface LocalServer {
  name?: string
  port: number
  baseUrl: string
  models: string[]
}

/** The default ports, in order of preference. */
export const DEFAULT_LOCAL_PORTS: readonly LocalCandidate[] = [
  { name: 'ollama', port: 11434 },
  { name: 'lmstudio', port: 1234 },
  { name: 'llamacpp', port: 8080 },
  { name: 'vllm', port: 8000 },
]

/** The whole probe's budget: every port is tried at once and none is waited for longer than this. */
export const PROBE_BUDGET_MS = 200
/** How long a probe's result (a server, or nothing found) is remembered. */
export const CACHE_TTL_MS = 10 * 60_000
const MAX_BODY = 512 * 1024
const PRESET_NAMES = new Set(DEFAULT_LOCAL_PORTS.map((c) => c.name))

/**
 * The candidates: `MOCKINT_LOCAL_PORTS` (for testing: `ollama=41234,vllm=41235`, a bare port for a server of
 * no known kind, `none` for no probe at all), else the defaults. Throws an Error naming the variable when a
 * part is not a port.
 */
export function localCandidates(env: Record<string, string | undefined>): LocalCandidate[] {
  const raw = env.MOCKINT_LOCAL_PORTS?.trim()
  if (!raw) return [...DEFAULT_LOCAL_PORTS]
  if (raw === 'none' || raw === 'off') return []
  return raw.split(',').map((part) => {
    const m = /^(?:([a-z]+)[=:])?(\d{1,5})$/.exec(part.trim())
    const port = Number(m?.[2])
    if (!m || port < 1 || port > 65535 || (m[1] && !PRESET_NAMES.has(m[1])))
      throw new Error(
        `MOCKINT_LOCAL_PORTS: "${part.trim()}" is not a port or name=port (names: ${[...PRESET_NAMES].join(', ')}); unset it to probe the default ports`,
      )
    return { name: m[1], port }
  })
}

/** What `GET <baseUrl>/models` gave. */
export type ModelList =
  | { ok: true; models: string[]; status: number; ms: number }
  | { ok: false; status?: number; code?: string; message: string; ms: number }

/**
 * `GET <baseUrl>/models` with a deadline. Never throws: a refused connection, a timeout, an HTTP error or a
 * body that is not a model list are values. `headers` may carry a key; it is never part of the result.
 */
export async function listModels(baseUrl: string, opts: { timeoutMs: number; headers?: Record<string, string>; signal?: AbortSignal }): Promise<ModelList> {
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  // Loaded here, not at the top: with nothing listening, the probe never needs an HTTP client.
  const { request } = await import('node:http')
  return new Promise((resolve) => {
    let done = false
    const finish = (r: ModelList) => {
      if (done) return
      done = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      req.destroy()
      resolve(r)
    }
    let url: URL
    try {
      url = new URL(`${baseUrl.replace(/\/+$/, '')}/models`)
    } catch {
      return resolve({ ok: false, code: 'EINVAL', message: 'not a valid URL', ms: 0 })
    }
    const req = request(url, { method: 'GET', headers: { accept: 'application/json', ...opts.headers }, agent: false })
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEDOUT', message: `no answer within ${opts.timeoutMs} ms`, ms: ms() }), opts.timeoutMs)
    const onAbort = () => finish({ ok: false, code: 'ABORTED', message: 'aborted', ms: ms() })
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, code: e.code, message: e.code ?? e.message, ms: ms() }))
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY) finish({ ok: false, status: res.statusCode, message: 'the model list is too large', ms: ms() })
        else chunks.push(c)
      })
      res.on('error', () => finish({ ok: false, status: res.statusCode, code: 'ECONNRESET', message: 'the connection broke', ms: ms() }))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const text = Buffer.concat(chunks).toString('utf8')
        if (status !== 200) return finish({ ok: false, status, message: errorText(text) ?? `HTTP ${status}`, ms: ms() })
        const models = parseModelList(text)
        if (!models) return finish({ ok: false, status, message: 'the answer is not a model list', ms: ms() })
        finish({ ok: true, status, models, ms: ms() })
      })
    })
    req.end()
  })
}

/** The model ids of an OpenAI `/models` body (`{data: [{id}]}`), or undefined when it is not one. */
export function parseModelList(text: string): string[] | undefined {
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data
    if (!Array.isArray(data)) return undefined
    return data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string' && id !== '')
  } catch {
    return undefined
  }
}

function errorText(text: string): string | undefined {
  try {
    const e = (JSON.parse(text) as { error?: { message?: unknown } | string }).error
    const msg = typeof e === 'string' ? e : e?.message
    return typeof msg === 'string' ? msg.replace(/\s+/g, ' ').slice(0, 200) : undefined
  } catch {
    return undefined
  }
}

/**
 * Probes every candidate at once and returns the first, in the candidates' order, that lists a model, or
 * undefined. Nothing waits longer than `budgetMs` in all; later probes are dropped once an earlier one wins.
 */
export async function probeLocalServers(candidates: readonly LocalCandidate[], budgetMs = PROBE_BUDGET_MS): Promise<LocalServer | undefined> {
  if (candidates.length === 0) return undefined
  const stop = new AbortController()
  const endsAt = performance.now() + budgetMs
  const probes = candidates.map(async (c) => {
    const baseUrl = `http://127.0.0.1:${c.port}/v1`
    // A TCP connect first: a closed port answers at once, and costs no HTTP client (the common case).
    const open = await portOpen(c.port, budgetMs, stop.signal)
    const left = Math.round(endsAt - performance.now())
    const r: ModelList = open && left > 0 ? await listModels(baseUrl, { timeoutMs: left, signal: stop.signal }) : { ok: false, code: 'CLOSED', message: 'closed', ms: 0 }
    return { c, baseUrl, r }
  })
  try {
    for (const p of probes) {
      const { c, baseUrl, r } = await p
      if (r.ok && r.models.length > 0) return { name: c.name, port: c.port, baseUrl, models: r.models }
    }
    return undefined
  } finally {
    stop.abort()
  }
}

/** Whether something accepts a TCP connection on 127.0.0.1:`port` within `timeoutMs`. */
function portOpen(port: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (open: boolean) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(open)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(false), timeoutMs)
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

interface CacheFile {
  version: 1
  /** The candidates probed, so a different MOCKINT_LOCAL_PORTS is a different question. */
  ports: string
  checked_at: number
  found: LocalServer | null
}

/** What discovery concluded, and whether it came from the cache. */
export interface Discovery {
  server?: LocalServer
  cached: boolean
  /** The ports probed, in order, for messages. */
  candidates: LocalCandidate[]
}

/**
 * The local server `--judge auto` uses, remembered for 10 minutes in `<home>/cache/local-judge.json`
 * ("nothing found" too, so a machine with nothing listening pays the probe rarely). A remembered server is
 * checked again (one request, same budget) before it is trusted; `fresh` skips the memory (doctor).
 * The cache is only a cache: unreadable or unwritable, it is ignored.
 */
export async function discoverLocalServer(opts: {
  home: string
  env: Record<string, string | undefined>
  fresh?: boolean
  now?: () => number
}): Promise<Discovery> {
  const candidates = localCandidates(opts.env)
  if (candidates.length === 0) return { cached: false, candidates }
  const now = opts.now ?? Date.now
  const file = join(opts.home, 'cache', 'local-judge.json')
  const ports = candidates.map((c) => `${c.name ?? ''}=${c.port}`).join(',')
  if (!opts.fresh) {
    const hit = await readCache(file, ports, now())
    if (hit && hit.found === null) return { cached: true, candidates }
    if (hit?.found) {
      const again = await listModels(hit.found.baseUrl, { timeoutMs: PROBE_BUDGET_MS })
      if (again.ok && again.models.length > 0) return { server: { ...hit.found, models: again.models }, cached: true, candidates }
    }
  }
  const server = await probeLocalServers(candidates)
  await writeCache(file, { version: 1, ports, checked_at: now(), found: server ?? null })
  return { server, cached: false, candidates }
}

async function readCache(file: string, ports: string, now: number): Promise<CacheFile | undefined> {
  try {
    const c = JSON.parse(await readFile(file, 'utf8')) as CacheFile
    if (c.version !== 1 || c.ports !== ports || typeof c.checked_at !== 'number') return undefined
    // A clock set back (or a future stamp) is not trusted.
    if (!(now - c.checked_at >= 0 && now - c.checked_at < CACHE_TTL_MS)) return undefined
    if (c.found !== null && (typeof c.found?.baseUrl !== 'string' || !Array.isArray(c.found.models))) return undefined
    return c
  } catch {
    return undefined
  }
}

async function writeCache(file: string, data: CacheFile): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify(data) + '\n')
    await rename(tmp, file)
  } catch {
    // Not remembering costs one probe next time, never a grade.
  }
}

/** Model ids that are not chat models (embeddings, rerankers, speech), skipped when picking one. */
const NOT_CHAT = /embed|rerank|whisper|tts|clip|bge-|e5-/i

/**
 * Which model to use on a found server: the configured one when the server lists it, else the first that
 * looks like a chat model, else the first listed. Says why, for the user.
 */
export function chooseModel(models: readonly string[], configured: string | undefined): { model: string; why: 'configured' | 'first' | 'configured-missing' } {
  if (configured && models.includes(configured)) return { model: configured, why: 'configured' }
  const model = models.find((m) => !NOT_CHAT.test(m)) ?? models[0]!
  return { model, why: configured ? 'configured-missing' : 'first' }
}
