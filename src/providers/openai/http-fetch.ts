import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import { urlToHttpOptions } from 'node:url'
import { Http1Client, type Http1Target } from './http1.js'

/**
 * A `fetch` for the openai SDK built on node:http/https, for one reason: Node's global fetch (undici) gives
 * up after 300 s without response headers, and a slow local model (a 70B on a CPU, a long prompt on a
 * laptop) legitimately takes longer than that before its first byte. This fetch has no transport timeout
 * of its own; the judge's per-call deadline, carried by `init.signal`, is the only clock. Bodies other
 * than strings and bytes (multipart uploads) are handed to the global fetch, which the judge never sends.
 * The judge's own requests (a body in pieces, fixed headers) to a plain-http server skip node:http for
 * Http1Client, which does the same job for a fraction of the CPU (see http1.ts).
 */
/** Replies up to this size with a content-length, and JSON replies of any length, are read whole before `fetch` resolves. */
const BUFFER_LIMIT = 1024 * 1024

export function createNodeFetch(): typeof fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  }
  // The judge's requests to a plain-http server, with their fixed headers (see Http1Client).
  const http1 = new Http1Client()
  // The SDK sends every request to the same few URLs: parse each once (URL and node:http's options from it,
  // and for http: where Http1Client connects and the start of the request it writes).
  const targets = new Map<string, { protocol: string; options: RequestOptions; raw?: Http1Target & { path: string; hostHeader: string } }>()
  const targetOf = (href: string) => {
    let t = targets.get(href)
    if (!t) {
      const url = new URL(href)
      const options = urlToHttpOptions(url)
      t = { protocol: url.protocol, options }
      if (url.protocol === 'http:') {
        const port = Number(url.port || 80)
        t.raw = { host: options.hostname!, port, key: `${options.hostname}:${port}`, path: options.path!, hostHeader: url.host }
      }
      if (targets.size >= 64) targets.clear()
      targets.set(href, t)
    }
    return t
  }
  return async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const target = targetOf(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const body = init.body
    // The judge's own body type (see BodyParts), which the SDK hands over untouched.
    const parts: BodyParts | undefined = (body as unknown) instanceof BodyParts ? (body as unknown as BodyParts) : undefined
    if ((target.protocol !== 'http:' && target.protocol !== 'https:') || (!parts && !isSimpleBody(body)))
      return fetch(input, parts ? { ...init, body: parts.bytes() } : init)
    const block = parts && target.raw && init.headers instanceof Headers ? fixedBlocks.get(init.headers) : undefined
    if (block !== undefined) {
      // A judge request to a plain-http server: the reply is read whole, whatever its type (the SDK reads it whole).
      init.signal?.throwIfAborted()
      const method = init.method ?? 'GET'
      const raw = target.raw!
      const head = `${method} ${raw.path} HTTP/1.1\r\nhost: ${raw.hostHeader}\r\n${block}content-length: ${parts!.byteLength}\r\nconnection: keep-alive\r\n\r\n`
      const reply = await http1.send(raw, method, head, parts!.parts, init.signal ?? undefined)
      return bufferedResponse(reply.body, { status: reply.status, statusText: reply.statusText, headers: new ReplyHeaders(reply.headers) as unknown as Headers })
    }
    // Node's http does not decompress: identity, so the body is plain JSON or SSE (fixed headers have it already).
    const fixed = init.headers instanceof Headers ? fixedRecords.get(init.headers) : undefined
    const headers = fixed ? { ...fixed } : plainHeaders(init.headers)
    if (!fixed) headers['accept-encoding'] = 'identity'
    const payload = parts || body == null ? undefined : typeof body === 'string' ? Buffer.from(body) : asBuffer(body as Uint8Array)
    if (payload) headers['content-length'] = String(payload.length)
    else if (parts) headers['content-length'] = String(parts.byteLength)
    const signal = init.signal ?? undefined
    signal?.throwIfAborted()

    return new Promise<Response>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send({
        ...target.options,
        method: init.method ?? 'GET',
        headers,
        agent: agents[target.protocol as 'http:' | 'https:'],
      })
      // One abort listener for the whole exchange: before the headers it fails the request; after them it
      // ends the body stream (e.g. Ctrl+C mid-body); once the reply is closed it is removed.
      let reply: IncomingMessage | undefined
      const onAbort = () => {
        if (reply) {
          reply.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
          return
        }
        const reason = signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
        req.destroy(reason instanceof Error ? reason : new DOMException(String(reason), 'AbortError'))
        reject(reason)
      }
      const unlisten = () => signal?.removeEventListener('abort', onAbort)
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (err) => {
        if (!reply) unlisten()
        // Same shape as undici: a TypeError whose cause is the socket error; the SDK maps it to a connection error.
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }))
      })
      req.on('response', (res: IncomingMessage) => {
        reply = res
        const status = res.statusCode ?? 500
        const nullBody = init.method === 'HEAD' || status === 204 || status === 205 || status === 304
        if (nullBody) res.resume()
        res.on('close', unlisten)
        const statusText = res.statusMessage ?? ''
        if (nullBody) return resolve(new Response(null, { status, statusText, headers: webHeaders(res.headers) }))
        const length = Number(res.headers['content-length'] ?? NaN)
        const type = String(res.headers['content-type'] ?? '')
        // JSON is read whole by the SDK anyway, so a chunked JSON reply (no content-length) is buffered too.
        const whole = !/text\/event-stream/i.test(type) && (length <= BUFFER_LIMIT || (Number.isNaN(length) && /json/i.test(type)))
        if (!whole) {
          // A stream, or a body of unknown length: handed over as it arrives.
          resolve(new Response(Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>, { status, statusText, headers: webHeaders(res.headers) }))
          return
        }
        // A JSON reply, or a small one of known length: read it whole, which costs far less CPU than a web stream —
        // at a thousand calls a second that decides whether one process keeps up with the server.
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })))
        res.on('aborted', () => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: new Error('response aborted') })))
        res.on('end', () => resolve(bufferedResponse(Buffer.concat(chunks), { status, statusText, headers: new ReplyHeaders(res.headers) as unknown as Headers })))
      })
      if (parts) {
        // Queued until the socket is attached (next tick), then written with the headers in one writev.
        for (const part of parts.parts) req.write(part)
        req.end()
      } else req.end(payload)
    })
  }
}

/**
 * A request body in pieces, which this fetch sends as they are (node:http writes them, with the headers, in
 * one writev). The judge's requests of a run share their long parts (the rubric's system message, ~7 KB;
 * the response_format schema): copying those into one fresh buffer per request cost ~2% of the main thread
 * at 64 calls in flight. Pieces are never changed once given. Any other fetch gets `bytes()`, the pieces
 * joined.
 */
export class BodyParts {
  readonly byteLength: number
  constructor(readonly parts: readonly Buffer[]) {
    let n = 0
    for (const p of parts) n += p.length
    this.byteLength = n
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts, this.byteLength)
  }
}

/**
 * A Response over bytes already in memory. undici's Response wraps even a finished buffer in a web stream
 * (and makes it transferable), which at a thousand calls a second costs more CPU than the rest of the reply
 * handling; the SDK only reads status, headers, url and `json()`/`text()`. `body` is built on first use, so
 * anything that does want a stream still gets one.
 */
function bufferedResponse(bytes: Buffer, init: ResponseInit): Response {
  return new BufferedResponse(bytes, init) as unknown as Response
}

interface ResponseInit {
  status: number
  statusText: string
  headers: Headers
}

/** See {@link bufferedResponse}: one object per reply, its methods on the prototype. */
class BufferedResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: Headers
  readonly ok: boolean
  readonly redirected = false
  readonly type = 'basic'
  readonly url = ''
  #bytes: Buffer
  #init: ResponseInit
  #used = false
  constructor(bytes: Buffer, init: ResponseInit) {
    this.status = init.status
    this.statusText = init.statusText
    this.headers = init.headers
    this.ok = init.status >= 200 && init.status < 300
    this.#bytes = bytes
    this.#init = init
  }
  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read')
    this.#used = true
    return this.#bytes
  }
  get bodyUsed(): boolean {
    return this.#used
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.#used ? null : new Response(this.#take()).body
  }
  async text(): Promise<string> {
    return this.#take().toString('utf8')
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.#take().toString('utf8'))
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#take()
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  }
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.#take())
  }
  async blob(): Promise<Blob> {
    return new Blob([this.#take()])
  }
  async formData(): Promise<FormData> {
    return new Response(this.#take(), this.#init).formData()
  }
  clone(): Response {
    return bufferedResponse(Buffer.from(this.#bytes), this.#init)
  }
}

/**
 * Request headers as the plain object node:http takes, names in lower case, read in one pass. The SDK hands
 * over a Headers object; copying it into another Headers and then into an object cost ~2% of the main
 * thread at a thousand calls a second.
 */
function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  if (!init) return out
  if (init instanceof Headers) init.forEach((v, k) => (out[k] = v))
  else if (Array.isArray(init)) for (const [k, v] of init) append(out, k!.toLowerCase(), v!)
  else for (const [k, v] of Object.entries(init as Record<string, string>)) append(out, k.toLowerCase(), v)
  return out
}

/** The node:http form of each set of fixed headers (see {@link fixedHeaders}). */
const fixedRecords = new WeakMap<Headers, Readonly<Record<string, string>>>()
/**
 * Each set of fixed headers as the lines Http1Client writes (`name: value\r\n` each). None for a name or
 * value node:http would refuse (a control character, a line break): such a request takes node:http's path,
 * which reports it.
 */
const fixedBlocks = new WeakMap<Headers, string>()
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * A copy of `from` to be sent with every request of a kind (see the judge's client): immutable, and cheap
 * to read again. The SDK turns a request's headers into an object for its debug log on every request,
 * whatever the log level, and this fetch turns them into node:http's plain object: on a web Headers each of
 * those sorts and copies the dozen names again; on these they walk arrays built once. Iterating gives what a
 * web Headers gives (names in lower case, sorted, repeated values joined); `set`, `append` and `delete` throw.
 */
export function fixedHeaders(from: Headers): Headers {
  const headers = new Headers(from)
  const entries: Array<readonly [string, string]> = []
  headers.forEach((value, name) => entries.push([name, value]))
  const iterate = () => entries.map(([k, v]): [string, string] => [k, v]).values()
  const immutable = () => {
    throw new TypeError('immutable')
  }
  Object.defineProperties(headers, {
    entries: { value: iterate },
    [Symbol.iterator]: { value: iterate },
    keys: { value: () => entries.map(([k]) => k).values() },
    values: { value: () => entries.map(([, v]) => v).values() },
    forEach: {
      value: (fn: (value: string, name: string, parent: Headers) => void, thisArg?: unknown) => {
        for (const [k, v] of entries) fn.call(thisArg, v, k, headers)
      },
    },
    set: { value: immutable },
    append: { value: immutable },
    delete: { value: immutable },
  })
  const record = Object.freeze({ ...plainHeaders(from), 'accept-encoding': 'identity' })
  fixedRecords.set(headers, record)
  // host, content-length and connection are the client's to write, as node:http writes its own.
  const lines = Object.entries(record).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')
  if (lines.every(([k, v]) => TOKEN.test(k) && FIELD_VALUE.test(v))) fixedBlocks.set(headers, lines.map(([k, v]) => `${k}: ${v}\r\n`).join(''))
  return headers
}

/** As Headers.append joins repeated names. */
function append(into: Record<string, string>, name: string, value: string): void {
  into[name] = name in into ? `${into[name]}, ${value}` : value
}

/** A view of a Uint8Array as a Buffer, without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** node:http's response headers as web Headers (for streamed and empty replies). */
function webHeaders(raw: IncomingHttpHeaders): Headers {
  const h = new Headers()
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one)
  }
  return h
}

/**
 * The read side of web Headers over node:http's response headers (names already in lower case), for a
 * reply read whole: building an undici Headers per reply cost more than reading the few the SDK and the
 * retry logic look at (`content-type`, `retry-after`, `x-request-id`, …). As Headers does, it iterates in
 * sorted order, joins repeated values with ", " and lists each set-cookie on its own.
 */
export class ReplyHeaders {
  readonly #raw: IncomingHttpHeaders
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw
  }
  get(name: string): string | null {
    const v = this.#raw[name.toLowerCase()]
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined
  }
  getSetCookie(): string[] {
    const v = this.#raw['set-cookie']
    return v === undefined ? [] : Array.isArray(v) ? [...v] : [v]
  }
  entries(): IterableIterator<[string, string]> {
    // An array's iterator, not a generator: the SDK lists a reply's headers once per request.
    const out: Array<[string, string]> = []
    for (const k of Object.keys(this.#raw).sort()) {
      if (k === 'set-cookie') for (const c of this.getSetCookie()) out.push([k, c])
      else {
        const v = this.get(k)
        if (v !== null) out.push([k, v])
      }
    }
    return out.values()
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v
  }
  forEach(fn: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this as unknown as Headers)
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }
  set(): never {
    throw new TypeError('immutable')
  }
  append(): never {
    throw new TypeError('immutable')
  }
  delete(): never {
    throw new TypeError('immutable')
  }
}

function isSimpleBody(body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array
}
