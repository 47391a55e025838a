/**
 * The OpenAI Files and Batches endpoints on top of the fake Chat Completions server, for `--batch-api`
 * tests: `POST /v1/files` (multipart, purpose batch), `GET /v1/files/:id/content`, `POST /v1/batches`,
 * `GET /v1/batches/:id`, `POST /v1/batches/:id/cancel`. A batch moves validating → in_progress →
 * completed as it is polled; on completion every request line is sent to the fake server's own
 * `/v1/chat/completions` (so scripted faults and verdict markers apply) and the output and error files
 * are written the way OpenAI writes them.
 *
 * ```ts
 * const api = installFakeBatchApi(srv, { pollsToComplete: 2, errorFor: (id) => id.endsWith('-0') })
 * api.batchesCreated  api.uploads  api.retrievals  api.lastInput()
 * ```
 */
import type { ServerResponse } from 'node:http'
import type { FakeOpenAI, RecordedRequest } from './fake-openai-server.js'

export interface FakeBatchOptions {
  /** Polls (GET /v1/batches/:id) before the batch completes. Default 2. Change it later with `set`. */
  pollsToComplete?: number
  /** custom_ids answered in the error file instead of the output file. */
  errorFor?: (customId: string) => boolean
  /** custom_ids left out of both files (as if the batch expired before running them). */
  dropFor?: (customId: string) => boolean
  /** Replace a successful output line's chat completion body (e.g. to make it invalid). */
  mutateBody?: (body: any, customId: string) => any
  /** Final status: completed (default), expired, or failed (validation failure: no output at all). */
  finalStatus?: 'completed' | 'expired' | 'failed'
}

export interface FakeBatchApi {
  uploads: number
  batchesCreated: number
  retrievals: number
  /** The text of the last uploaded batch input file. */
  lastInput(): string
  set(opts: FakeBatchOptions): void
}

interface Batch {
  id: string
  object: 'batch'
  endpoint: string
  input_file_id: string
  completion_window: string
  status: string
  output_file_id: string | null
  error_file_id: string | null
  errors: null | { object: 'list'; data: Array<{ code: string; message: string; line: number | null }> }
  created_at: number
  request_counts: { total: number; completed: number; failed: number }
  metadata: Record<string, string> | null
  polls: number
}

export function installFakeBatchApi(srv: FakeOpenAI, initial: FakeBatchOptions = {}): FakeBatchApi {
  let opts: FakeBatchOptions = { pollsToComplete: 2, ...initial }
  const files = new Map<string, { purpose: string; filename: string; content: string }>()
  let seq = 0
  let lastInput = ''
  const api: FakeBatchApi = {
    uploads: 0,
    batchesCreated: 0,
    retrievals: 0,
    lastInput: () => lastInput,
    set: (o) => void (opts = { ...opts, ...o }),
  }

  function addFile(purpose: string, filename: string, content: string): string {
    const id = `file-fake${++seq}`
    files.set(id, { purpose, filename, content })
    srv.route('GET', `/v1/files/${id}/content`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(content)
    })
    srv.route('GET', `/v1/files/${id}`, (_req, res) => send(res, 200, fileObject(id)))
    return id
  }
  const fileObject = (id: string) => {
    const f = files.get(id)!
    return { id, object: 'file', bytes: Buffer.byteLength(f.content), created_at: 0, filename: f.filename, purpose: f.purpose, status: 'processed' }
  }

  srv.route('POST', '/v1/files', (req, res) => {
    const parts = parseMultipart(req)
    const purpose = parts.get('purpose')?.content ?? ''
    const file = parts.get('file')
    if (!file || purpose !== 'batch') return send(res, 400, { error: { message: 'expected a file with purpose "batch"', type: 'invalid_request_error' } })
    api.uploads++
    lastInput = file.content
    send(res, 200, fileObject(addFile(purpose, file.filename ?? 'input.jsonl', file.content)))
  })

  srv.route('POST', '/v1/batches', (req, res) => {
    const b = req.body ?? {}
    const input = files.get(b.input_file_id)
    if (!input) return send(res, 404, { error: { message: `no file ${b.input_file_id}`, type: 'invalid_request_error' } })
    if (b.endpoint !== '/v1/chat/completions' || b.completion_window !== '24h')
      return send(res, 400, { error: { message: 'endpoint must be /v1/chat/completions and completion_window 24h', type: 'invalid_request_error' } })
    api.batchesCreated++
    const lines = input.content.split('\n').filter((l) => l.trim())
    const batch: Batch = {
      id: `batch_fake${++seq}`,
      object: 'batch',
      endpoint: b.endpoint,
      input_file_id: b.input_file_id,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      errors: null,
      created_at: Math.floor(Date.now() / 1000),
      request_counts: { total: lines.length, completed: 0, failed: 0 },
      metadata: b.metadata ?? null,
      polls: 0,
    }
    srv.route('GET', `/v1/batches/${batch.id}`, async (_r, res2) => {
      api.retrievals++
      batch.polls++
      if (batch.status === 'validating') batch.status = 'in_progress'
      else if (batch.status === 'in_progress' && batch.polls >= (opts.pollsToComplete ?? 2)) await complete(batch, lines)
      const { polls: _p, ...view } = batch
      send(res2, 200, view)
    })
    srv.route('POST', `/v1/batches/${batch.id}/cancel`, (_r, res2) => {
      batch.status = 'cancelled'
      const { polls: _p, ...view } = batch
      send(res2, 200, view)
    })
    const { polls: _p, ...view } = batch
    send(res, 200, view)
  })

  async function complete(batch: Batch, lines: string[]): Promise<void> {
    if (opts.finalStatus === 'failed') {
      batch.status = 'failed'
      batch.errors = { object: 'list', data: [{ code: 'invalid_request', message: 'fake validation failure', line: 1 }] }
      return
    }
    const out: string[] = []
    const err: string[] = []
    let n = 0
    for (const line of lines) {
      const r = JSON.parse(line) as { custom_id: string; body: unknown; url: string }
      if (opts.dropFor?.(r.custom_id)) continue
      n++
      if (opts.errorFor?.(r.custom_id)) {
        err.push(JSON.stringify({ id: `batch_req_${n}`, custom_id: r.custom_id, response: null, error: { code: 'server_error', message: 'fake batch request failure' } }))
        batch.request_counts.failed++
        continue
      }
      const resp = await fetch(`${srv.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) })
      let body: any = await resp.text()
      try {
        body = JSON.parse(body)
      } catch {}
      if (resp.status === 200 && opts.mutateBody) body = opts.mutateBody(body, r.custom_id)
      out.push(JSON.stringify({ id: `batch_req_${n}`, custom_id: r.custom_id, response: { status_code: resp.status, request_id: `req_${n}`, body }, error: null }))
      if (resp.status === 200) batch.request_counts.completed++
      else batch.request_counts.failed++
    }
    batch.output_file_id = addFile('batch_output', 'output.jsonl', out.join('\n') + (out.length ? '\n' : ''))
    if (err.length) batch.error_file_id = addFile('batch_output', 'errors.jsonl', err.join('\n') + '\n')
    batch.status = opts.finalStatus === 'expired' ? 'expired' : 'completed'
  }

  return api
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A small multipart/form-data parser (text parts only, which is all a JSONL upload needs). */
function parseMultipart(req: RecordedRequest): Map<string, { content: string; filename?: string }> {
  const out = new Map<string, { content: string; filename?: string }>()
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '')
  const boundary = m?.[1] ?? m?.[2]
  if (!boundary) return out
  for (const part of req.raw.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n')
    if (sep < 0) continue
    const head = part.slice(0, sep)
    const name = /name="([^"]*)"/i.exec(head)?.[1]
    if (!name) continue
    const filename = /filename="([^"]*)"/i.exec(head)?.[1]
    out.set(name, { content: part.slice(sep + 4).replace(/\r\n$/, ''), filename })
  }
  return out
}
