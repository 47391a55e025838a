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
/** Replies up to this size with a content-length are read whole before `fetch` resolves. */
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
        if (!(length <= BUFFER_LIMIT) || /text\/event-stream/i.test(String(res.headers['content-type'] ?? ''))) {
          // A stream, or a body of unknown length: handed over as it arrives.
          resolve(new Response(Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>, init2))
          return
        }
        // A JSON reply of known, small length: read it whole, which costs far less CPU than a web stream —
        // at a thousand calls a second that decides whether one process keeps up with the server.
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })))
        res.on('aborted', () => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: new Error('response aborted') })))
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), init2)))
      })
      req.end(payload)
    })
  }
}

function isSimpleBody(body: unknown): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array
}
