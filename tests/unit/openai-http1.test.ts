import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BodyParts, createNodeFetch, fixedHeaders } from '../../src/providers/openai/http-fetch.js'
import { closeHttpServer, listenLocally } from '../helpers/local-server.js'

// The judge's own requests (fixed headers, a body in pieces) to a plain-http server go through Http1Client,
// the node:http fetch's own HTTP/1.1 client: these tests speak to it through that fetch, as the SDK does.
const headers = fixedHeaders(new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }))
const judgeRequest = (body = '{"q":1}', signal?: AbortSignal): RequestInit => ({
  method: 'POST',
  headers,
  body: new BodyParts([Buffer.from(body.slice(0, 3)), Buffer.from(body.slice(3))]) as unknown as RequestInit['body'],
  ...(signal ? { signal } : {}),
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('HTTP/1.1 client of the node:http fetch, against node:http', () => {
  let server: Server
  let base: string
  let connections = 0
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (body += c))
      req.on('end', () => {
        const url = req.url ?? ''
        if (url === '/echo') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, headers: req.headers, rawHeaders: req.rawHeaders }))
        } else if (url === '/big') {
          // 3 MB of JSON with a length, arriving in many reads.
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'é'.repeat(1_500_000) }))
        } else if (url === '/big-chunked') {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.write('{"parts":[')
          for (let i = 0; i < 2000; i++) res.write(`${i ? ',' : ''}"${'第'.repeat(500)}"`)
          res.end(']}')
        } else if (url === '/chunked-slow') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' })
          const bytes = Buffer.from('{"text":"第一部分","n":2}')
          // A multi-byte character split across chunks.
          res.write(bytes.subarray(0, 11))
          setTimeout(() => res.end(bytes.subarray(11)), 20)
        } else if (url === '/429') {
          res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '2', 'x-ratelimit-remaining-requests': '0' }).end('slow down')
        } else if (url === '/502') {
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>')
        } else if (url === '/empty') {
          res.writeHead(204).end()
        } else if (url === '/hang') {
          // never answers
        } else if (url === '/drip') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
          res.write('{"half":')
        } else if (url === '/cut') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
          res.write('{"half":', () => res.destroy())
        } else if (url === '/reset') {
          req.socket.destroy()
        } else if (url === '/close') {
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"closed":true}')
        } else if (url === '/short-keepalive') {
          res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=2' }).end('{}')
        } else res.writeHead(404).end()
      })
    })
    server.on('connection', () => connections++)
    base = await listenLocally(server)
  })
  afterAll(() => closeHttpServer(server))

  it('sends the method, the fixed headers, host, length and the body in pieces, and reuses one connection', async () => {
    const f = createNodeFetch()
    const before = connections
    for (let i = 0; i < 3; i++) {
      const r = await f(`${base}/echo`, judgeRequest('{"x":"é","i":' + i + '}'))
      expect(r.status).toBe(200)
      const got = (await r.json()) as { method: string; body: string; headers: Record<string, string> }
      expect(got.method).toBe('POST')
      expect(got.body).toBe('{"x":"é","i":' + i + '}')
      expect(got.headers).toEqual({
        authorization: 'Bearer k',
        'content-type': 'application/json',
        'accept-encoding': 'identity',
        host: base.slice('http://'.length),
        'content-length': String(Buffer.byteLength(got.body)),
        connection: 'keep-alive',
      })
    }
    expect(connections - before).toBe(1)
  })

  it('opens a connection per request in flight', async () => {
    const f = createNodeFetch()
    const before = connections
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => f(`${base}/echo`, judgeRequest(`{"n":${i}}`))))
    expect(await Promise.all(replies.map(async (r) => ((await r.json()) as { body: string }).body))).toEqual([0, 1, 2, 3, 4].map((i) => `{"n":${i}}`))
    expect(connections - before).toBe(5)
    // All five are idle now: five more requests open none.
    await Promise.all(Array.from({ length: 5 }, () => f(`${base}/echo`, judgeRequest()).then((r) => r.text())))
    expect(connections - before).toBe(5)
  })

  it('reads big replies whole, with a length or chunked', async () => {
    const f = createNodeFetch()
    const big = (await (await f(`${base}/big`, judgeRequest())).json()) as { text: string }
    expect(big.text).toBe('é'.repeat(1_500_000))
    const chunked = (await (await f(`${base}/big-chunked`, judgeRequest())).json()) as { parts: string[] }
    expect(chunked.parts).toHaveLength(2000)
    expect(chunked.parts.every((p) => p === '第'.repeat(500))).toBe(true)
    const slow = await f(`${base}/chunked-slow`, judgeRequest())
    expect(slow.headers.get('x-request-id')).toBe('req_1')
    expect(await slow.json()).toEqual({ text: '第一部分', n: 2 })
  })

  it('gives error statuses with their headers and non-JSON bodies, and an empty 204', async () => {
    const f = createNodeFetch()
    const limited = await f(`${base}/429`, judgeRequest())
    expect(limited.status).toBe(429)
    expect(limited.ok).toBe(false)
    expect(limited.headers.get('Retry-After')).toBe('2')
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(await limited.text()).toBe('slow down')
    const bad = await f(`${base}/502`, judgeRequest())
    expect([bad.status, bad.statusText]).toEqual([502, 'Bad Gateway'])
    expect(await bad.text()).toContain('Bad gateway')
    const empty = await f(`${base}/empty`, judgeRequest())
    expect(empty.status).toBe(204)
    expect(await empty.text()).toBe('')
  })

  it('aborts before the reply and mid-body with the signal\'s reason, and drops that connection', async () => {
    const f = createNodeFetch()
    const ac = new AbortController()
    const pending = f(`${base}/hang`, judgeRequest('{}', ac.signal))
    setTimeout(() => ac.abort(new Error('stop')), 50)
    await expect(pending).rejects.toThrow('stop')
    const ac2 = new AbortController()
    const half = f(`${base}/drip`, judgeRequest('{}', ac2.signal))
    setTimeout(() => ac2.abort(), 50)
    await expect(half).rejects.toMatchObject({ name: 'AbortError' })
    const aborted = new AbortController()
    aborted.abort(new Error('already'))
    await expect(f(`${base}/echo`, judgeRequest('{}', aborted.signal))).rejects.toThrow('already')
    // The next request is answered on a fresh connection.
    expect((await f(`${base}/echo`, judgeRequest())).status).toBe(200)
  })

  it('reports a reset, a cut reply and a refused connection as fetch failures over the socket error', async () => {
    const f = createNodeFetch()
    await expect(f(`${base}/reset`, judgeRequest())).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNRESET' } })
    await expect(f(`${base}/cut`, judgeRequest())).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNRESET' } })
    await expect(f('http://127.0.0.1:1/v1/chat/completions', judgeRequest())).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    })
  })

  it('opens a new connection after Connection: close, and after the server\'s keep-alive timeout', async () => {
    const f = createNodeFetch()
    let before = connections
    expect(await (await f(`${base}/close`, judgeRequest())).json()).toEqual({ closed: true })
    expect(await (await f(`${base}/echo`, judgeRequest())).text()).toContain('POST')
    expect(connections - before).toBe(2)
    const g = createNodeFetch()
    before = connections
    await (await g(`${base}/short-keepalive`, judgeRequest())).text()
    await (await g(`${base}/short-keepalive`, judgeRequest())).text()
    expect(connections - before).toBe(1)
    // timeout=2: kept for a second, then let go before the server closes it.
    await sleep(1100)
    await (await g(`${base}/echo`, judgeRequest())).text()
    expect(connections - before).toBe(2)
  })
})

describe('HTTP/1.1 client of the node:http fetch, against scripted replies', () => {
  let server: NetServer
  let base: string
  /** What the server writes for the next request, and how (all at once, or a byte at a time). */
  let script: { reply: string | Buffer; bytewise?: boolean; end?: boolean } = { reply: '' }
  const sockets = new Set<Socket>()
  beforeAll(async () => {
    server = createNetServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      let seen = ''
      socket.on('data', async (d) => {
        seen += d.toString('latin1')
        const headEnd = seen.indexOf('\r\n\r\n')
        if (headEnd < 0) return
        const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0)
        if (seen.length < headEnd + 4 + length) return
        seen = ''
        const bytes = Buffer.from(script.reply)
        if (script.bytewise) for (const b of bytes) (socket.write(Buffer.from([b])), await sleep(0))
        else socket.write(bytes)
        if (script.end) socket.end()
      })
    })
    base = await listenLocally(server)
  })
  afterEach(() => {
    for (const s of sockets) s.destroy()
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('parses a reply sent a byte at a time: interim 100, chunk extensions and trailers, repeated headers', async () => {
    script = {
      bytewise: true,
      reply:
        'HTTP/1.1 100 Continue\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Multi: one\r\nx-multi: two\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;ext=1\r\n{"a":\r\nA\r\n"0123456"}\r\n0\r\nX-Trailer: t\r\n\r\n',
    }
    const f = createNodeFetch()
    const r = await f(`${base}/x`, judgeRequest())
    expect([r.status, r.statusText]).toEqual([200, 'OK'])
    expect(r.headers.get('x-multi')).toBe('one, two')
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await r.json()).toEqual({ a: '0123456' })
    // The same connection serves the next request.
    script = { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}' }
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({})
  })

  it('reads a reply without a length until the server closes, HTTP/1.0 included', async () => {
    const f = createNodeFetch()
    script = { reply: 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"old":true}', end: true }
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({ old: true })
    script = { reply: 'HTTP/1.1 200 OK\r\n\r\n{"until":"close"}', end: true }
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({ until: 'close' })
  })

  it('fails on a reply that is not HTTP/1.x, a bad chunk, or a close mid-chunk', async () => {
    const f = createNodeFetch()
    script = { reply: 'SSH-2.0-OpenSSH\r\n\r\n' }
    await expect(f(`${base}/x`, judgeRequest())).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'HPE_INVALID' } })
    script = { reply: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' }
    await expect(f(`${base}/x`, judgeRequest())).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'HPE_INVALID' } })
    script = { reply: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"a"', end: true }
    await expect(f(`${base}/x`, judgeRequest())).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } })
    script = { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n{}' }
    await expect(f(`${base}/x`, judgeRequest())).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'HPE_INVALID' } })
  })

  it('does not send on a connection the server closed while it was idle', async () => {
    const f = createNodeFetch()
    script = { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}' }
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({})
    for (const s of sockets) s.end()
    await sleep(50)
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({})
  })

  it('does not reuse a connection that sent more than the reply', async () => {
    const f = createNodeFetch()
    script = { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n' }
    expect(await (await f(`${base}/x`, judgeRequest())).json()).toEqual({})
    await sleep(20)
    expect(sockets.size).toBe(0)
  })
})
