import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import OpenAI, { toFile } from 'openai'
import { InputError } from '../../core/errors.js'
import { cacheKey, type GradeCache, type JudgeIdentity } from '../../core/grading/cache.js'
import type { PreparedRecord } from '../../core/grading/record.js'
import { buildResult, type Attempted, type ResultRecord } from '../../core/grading/result.js'
import type { GradeInput, GradeOutcome } from '../../core/judge/types.js'
import type { KeyOptions } from '../openai/presets.js'
import { createRedactor, emptyGrade } from '../openai/reply.js'
import { batchOutputMode, createWire, resolveEndpoint } from '../openai/request.js'
import { buildBatchLine, parseBatchOutput, type BatchOutputLine } from './requests.js'
import { displayUrl } from '../openai/url.js'
import { sleep } from '../../core/sleep.js'

export type BatchEvent =
  | { type: 'submitted'; batch_id: string; requests: number; resumed: boolean }
  | { type: 'status'; batch_id: string; status: string; completed: number; failed: number; total: number }
  | { type: 'result'; result: ResultRecord; done: number; errors: number }

export interface RunBatchOptions extends KeyOptions {
  provider?: string
  model?: string
  baseUrl?: string
  /** A secret: never printed or saved (the state file holds only ids). */
  apiKey?: string
  /** As the live judge's: seed (a repeat index is added) and completion token budget. */
  seed?: number
  maxTokens?: number
  identity: JudgeIdentity
  /** Reads the records to grade (called more than once: a pass to build requests, one to write results). */
  records(): AsyncIterable<PreparedRecord>
  /** Ids already graded in `--out`: not sent, not written. */
  skip: ReadonlySet<string>
  repeat: number
  cache?: GradeCache
  /** Where the batch id is saved so an interrupted run resumes polling instead of paying twice. */
  statePath: (fingerprint: string) => string
  pollMs: number
  signal?: AbortSignal
  write(result: ResultRecord, prepared: PreparedRecord): Promise<void>
  onEvent?(e: BatchEvent): void
  /** Replaces fetch (tests). */
  fetch?: typeof fetch
}

interface BatchState {
  batch_id: string
  input_file_id: string
  fingerprint: string
  base_url: string
  model: string
  requests: number
  created_at: string
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled'])

/** The custom_id of one (record, repeat): stable across runs, whatever characters the record id holds. */
export function customId(recordId: string, repeat: number): string {
  return `m-${createHash('sha256').update(recordId).digest('hex').slice(0, 32)}-${repeat}`
}

/**
 * Grades through the OpenAI Batch API (also Azure and DashScope): builds the JSONL of requests (grades in
 * the cache are not sent), uploads it, creates a 24 h batch, polls it, downloads the output and error
 * files, matches lines by custom_id, validates each like a live reply, and writes one result per record.
 * The batch id is saved at `statePath` as soon as the batch exists; a rerun of the same input finds it and
 * polls the same batch. Returns `interrupted: true` when the signal fired while polling (the state is kept).
 * Throws ConfigError for an unknown provider, a missing base URL, model or key.
 */
export async function runBatchGrade(opts: RunBatchOptions): Promise<{ interrupted: boolean; batchId?: string }> {
  const endpoint = resolveEndpoint(opts)
  const { preset, baseUrl, model } = endpoint
  // The live judge's wire: the same request body and provenance for the same input.
  const wire = createWire(endpoint, { seed: opts.seed, maxTokens: opts.maxTokens })
  const redact = createRedactor(opts.apiKey ?? 'not-needed')
  const mode = batchOutputMode(preset)
  const client = new OpenAI({
    apiKey: opts.apiKey ?? 'not-needed',
    baseURL: baseUrl,
    maxRetries: 4,
    fetch: opts.fetch,
    defaultHeaders: preset.keyHeader ? { [preset.keyHeader]: opts.apiKey ?? '' } : undefined,
  })
  // Batch requests fix their output mode up front; it is part of every cache key, as on the direct path.
  const identity: JudgeIdentity = { ...opts.identity, output_mode: mode }
  // An empty answer is graded without a request, as the live judge grades it.
  const isEmpty = (input: GradeInput) => input.answer.trim() === ''
  const inputOf = (p: PreparedRecord, r: number): GradeInput => (opts.repeat > 1 || r > 0 ? { ...p.input, repeat: r } : p.input)

  // Pass 1: the fingerprint of the whole job (every cache key of the input), and the requests to send.
  const work = await mkdtemp(join(tmpdir(), 'mockint-batch-'))
  try {
    const requestsPath = join(work, 'requests.jsonl')
    const fp = createHash('sha256')
    const out = createWriteStream(requestsPath)
    let requests = 0
    for await (const p of opts.records()) {
      for (let r = 0; r < opts.repeat; r++) {
        const input = inputOf(p, r)
        const key = cacheKey(identity, input)
        fp.update(key)
        if (opts.skip.has(p.record.id)) continue
        if (isEmpty(input) || (opts.cache && (await opts.cache.get(key)))) continue
        if (!out.write(buildBatchLine(customId(p.record.id, r), input, wire, preset) + '\n'))
          await new Promise<void>((res) => out.once('drain', () => res()))
        requests++
      }
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())))
    const fingerprint = fp.digest('hex')
    const statePath = opts.statePath(fingerprint)

    let state = await readState(statePath)
    if (state && state.fingerprint !== fingerprint)
      throw new InputError(
        `a pending batch (${state.batch_id}) was made for a different input or judge; finish it with the same command, or delete this file to start over`,
        { file: statePath },
      )
    let batch: OpenAI.Batches.Batch | undefined
    if (state) {
      opts.onEvent?.({ type: 'submitted', batch_id: state.batch_id, requests: state.requests, resumed: true })
    } else if (requests > 0) {
      const file = await client.files.create({ file: await toFile(createReadStream(requestsPath), 'mockint-requests.jsonl'), purpose: 'batch' })
      batch = await client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: { tool: 'mockint' },
      })
      state = { batch_id: batch.id, input_file_id: file.id, fingerprint, base_url: displayUrl(baseUrl), model, requests, created_at: new Date().toISOString() }
      await writeState(statePath, state)
      opts.onEvent?.({ type: 'submitted', batch_id: batch.id, requests, resumed: false })
    }

    // Poll until the batch is done.
    if (state) {
      for (;;) {
        if (opts.signal?.aborted) return { interrupted: true, batchId: state.batch_id }
        batch = await client.batches.retrieve(state.batch_id)
        const c = batch.request_counts
        opts.onEvent?.({ type: 'status', batch_id: batch.id, status: batch.status, completed: c?.completed ?? 0, failed: c?.failed ?? 0, total: c?.total ?? state.requests })
        if (TERMINAL.has(batch.status)) break
        await sleep(opts.pollMs, opts.signal)
      }
    }

    // Download and index the output and error files by custom_id (byte ranges: memory stays small).
    const files: string[] = []
    const index = new Map<string, { file: number; start: number; end: number }>()
    for (const id of [batch?.output_file_id, batch?.error_file_id]) {
      if (!id) continue
      const dest = join(work, `${files.length}.jsonl`)
      const res = await client.files.content(id)
      if (!res.body) continue
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(dest))
      await indexJsonl(dest, files.length, index)
      files.push(dest)
    }
    const batchFailure =
      batch?.status === 'failed'
        ? `the batch failed: ${(batch.errors?.data ?? []).map((e) => `${e.line ? `line ${e.line}: ` : ''}${e.message}`).join('; ').slice(0, 400) || 'no reason given'}`
        : undefined

    // Pass 2: one result per record, from the cache or the batch output.
    const handles = await Promise.all(files.map((f) => open(f, 'r')))
    let done = 0
    let errors = 0
    try {
      for await (const p of opts.records()) {
        if (opts.skip.has(p.record.id)) continue
        const runs: Attempted[] = []
        for (let r = 0; r < opts.repeat; r++) {
          const input = inputOf(p, r)
          const key = cacheKey(identity, input)
          const hit = opts.cache ? await opts.cache.get(key) : undefined
          if (hit) {
            runs.push({ ...hit, cached: true, attempts: 0 })
            continue
          }
          const judge = wire.provenance(input, mode)
          const at = index.get(customId(p.record.id, r))
          let outcome: GradeOutcome
          if (isEmpty(input)) outcome = emptyGrade(input, wire.provenance(input, undefined))
          else if (at) {
            const buf = Buffer.alloc(at.end - at.start)
            await handles[at.file]!.read(buf, 0, buf.length, at.start)
            let line: BatchOutputLine
            try {
              line = JSON.parse(buf.toString('utf8')) as BatchOutputLine
            } catch {
              line = { error: { code: 'malformed', message: 'the batch output line is not JSON' } }
            }
            outcome = parseBatchOutput(line, input, judge, redact)
          } else {
            outcome = {
              ok: false,
              reason: redact(batchFailure ?? `no result for this request in batch ${state?.batch_id ?? ''} (status ${batch?.status ?? 'unknown'}); run again to resubmit it`),
              cause: 'server',
              retryable: true,
              judge,
            }
          }
          if (outcome.ok && opts.cache) await opts.cache.set(key, outcome).catch(() => undefined)
          runs.push({ ...outcome, cached: false, attempts: 1 })
          if (!outcome.ok) break
        }
        const result = buildResult(p, runs)
        done++
        if (result.status === 'error') errors++
        await opts.write(result, p)
        opts.onEvent?.({ type: 'result', result, done, errors })
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()))
    }
    // Every result is written: the batch is spent; a rerun starts afresh (and the cache makes it free).
    await rm(statePath, { force: true })
    return { interrupted: false, batchId: state?.batch_id }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

async function readState(path: string): Promise<BatchState | undefined> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as BatchState
    return typeof s.batch_id === 'string' && typeof s.fingerprint === 'string' ? s : undefined
  } catch {
    return undefined
  }
}

async function writeState(path: string, state: BatchState): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.tmp`
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n')
  await rename(tmp, path)
}

/** Adds `custom_id → byte range` for every line of a JSONL file. */
async function indexJsonl(file: string, fileNo: number, index: Map<string, { file: number; start: number; end: number }>): Promise<void> {
  let offset = 0
  let carry: Buffer = Buffer.alloc(0)
  let carryStart = 0
  const add = (buf: Buffer, start: number) => {
    const text = buf.toString('utf8').trim()
    if (!text) return
    try {
      const id = (JSON.parse(text) as { custom_id?: unknown }).custom_id
      if (typeof id === 'string' && !index.has(id)) index.set(id, { file: fileNo, start, end: start + buf.length })
    } catch {
      // A line that is not JSON matches nothing; its request is reported as missing.
    }
  }
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let from = 0
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      const piece = chunk.subarray(from, i)
      const line = carry.length ? Buffer.concat([carry, piece]) : piece
      add(line, carry.length ? carryStart : offset + from)
      carry = Buffer.alloc(0)
      from = i + 1
    }
    if (from < chunk.length) {
      if (!carry.length) carryStart = offset + from
      carry = Buffer.concat([carry, chunk.subarray(from)])
    }
    offset += chunk.length
  }
  if (carry.length) add(carry, carryStart)
}

