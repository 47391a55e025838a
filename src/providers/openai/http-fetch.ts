import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'

/**
 * A `fetch` for the openai SDK built on node:http/https, for one reason: Node's global fetch (undici) gives
 * up after 300 s without response headers, and a slow local model (a 70B on a CPU, a long prompt on a
 * laptop) legitimately takes longer than that before its first byte. This fetch has no transport timeout
 * of its own; the judge's per-call deadline, carried by `init.signal`, is the only clock. Bodies other
 * than strings and bytes (multipart uploads) are handed to the global fetch, which the judge never sends.
 */
/** Replies up to this size with a content-length, and JSON replies of any length, are read whole before `fetch` resolves. */
const BUFFER_LIMIT = 1024 * 1024

export function createNodeFetch(): typeof fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  }
  return async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const body = init.body
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !isSimpleBody(body)) return fetch(input, init)
    const headers = new Headers(init.headers)
    // Node's http does not decompress; ask for identity so the body is plain JSON or SSE.
    headers.set('accept-encoding', 'identity')
    const payload = body == null ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body as Uint8Array)
    if (payload) headers.set('content-length', String(payload.length))
    const signal = init.signal ?? undefined
    signal?.throwIfAborted()

    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers),
        agent: agents[url.protocol as 'http:' | 'https:'],
      })
      const onAbort = () => {
        const reason = signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
        req.destroy(reason instanceof Error ? reason : new DOMException(String(reason), 'AbortError'))
        reject(reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort)
        // Same shape as undici: a TypeError whose cause is the socket error; the SDK maps it to a connection error.
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }))
      })
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 500
        const resHeaders = new Headers()
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue
          for (const one of Array.isArray(v) ? v : [v]) resHeaders.append(k, one)
        }
        const nullBody = init.method === 'HEAD' || status === 204 || status === 205 || status === 304
        if (nullBody) res.resume()
        // Abort after the headers (e.g. Ctrl+C mid-body) must end the body stream too.
        const stopBody = () => res.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
        signal?.removeEventListener('abort', onAbort)
        signal?.addEventListener('abort', stopBody, { once: true })
        res.on('close', () => signal?.removeEventListener('abort', stopBody))
        const init2 = { status, statusText: res.statusMessage ?? '', headers: resHeaders }
        if (nullBody) return resolve(new Response(null, init2))
        const length = Number(res.headers['content-length'] ?? NaN)
        const type = String(res.headers['content-type'] ?? '')
        // JSON is read whole by the SDK anyway, so a chunked JSON reply (no content-length) is buffered too.
        const whole = !/text\/event-stream/i.test(type) && (length <= BUFFER_LIMIT || (Number.isNaN(length) && /json/i.test(type)))
        if (!whole) {
          // A stream, or a body of unknown length: handed over as it arrives.
          resolve(new Response(Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>, init2))
          return
        }
        // A JSON reply, or a small one of known length: read it whole, which costs far less CPU than a web stream —
        // at a thousand calls a second that decides whether one process keeps up with the server.
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })))
        res.on('aborted', () => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: new Error('response aborted') })))
        res.on('end', () => resolve(bufferedResponse(Buffer.concat(chunks), init2)))
      })
      req.end(payload)
    })
  }
}

/**
 * A Response over bytes already in memory. undici's Response wraps even a finished buffer in a web stream
 * (and makes it transferable), which at a thousand calls a second costs more CPU than the rest of the reply
 * handling; the SDK only reads status, headers, url and `json()`/`text()`. `body` is built on first use, so
 * anything that does want a stream still gets one.
 */
function bufferedResponse(bytes: Buffer, init: { status: number; statusText: string; headers: Headers }): Response {
  let used = false
  const take = (): Buffer => {
    if (used) throw new TypeError('Body is unusable: Body has already been read')
    used = true
    return bytes
  }
  const res = {
    status: init.status,
    statusText: init.statusText,
    headers: init.headers,
    ok: init.status >= 200 && init.status < 300,
    redirected: false,
    type: 'basic' as const,
    url: '',
    get bodyUsed() {
      return used
    },
    get body() {
      return used ? null : new Response(take()).body
    },
    text: async () => take().toString('utf8'),
    json: async () => JSON.parse(take().toString('utf8')),
    arrayBuffer: async () => {
      const b = take()
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
    },
    bytes: async () => new Uint8Array(take()),
    blob: async () => new Blob([take()]),
    formData: async () => new Response(take(), init).formData(),
    clone: () => bufferedResponse(Buffer.from(bytes), init),
  }
  return res as unknown as Response
}

function isSimpleBody(body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array
}
