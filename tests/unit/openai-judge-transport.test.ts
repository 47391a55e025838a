import { createServer, get as httpGet, type IncomingMessage, type Server } from 'node:http'
import { APIConnectionError, APIError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BodyParts, createNodeFetch, fixedHeaders } from '../../src/providers/openai/http-fetch.js'
import { findPreset, isReasoningModel, providerKeyEnv } from '../../src/providers/openai/presets.js'
import { classifyError, DEFAULT_RETRY, retryAfterMs, retryDelay } from '../../src/providers/openai/retry.js'
import { closeHttpServer, listenLocally } from '../helpers/local-server.js'

describe('retry policy', () => {
  it('backs off exponentially with jitter between half and all of the ceiling, capped', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, p, undefined, () => 0))).toEqual([50, 100, 200, 400, 500])
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, p, undefined, () => 0.999))).toEqual([100, 200, 400, 800, 1000])
  })

  it('honours Retry-After over backoff, up to the cap', () => {
    expect(retryDelay(1, DEFAULT_RETRY, 2000)).toBe(2000)
    expect(retryDelay(1, { ...DEFAULT_RETRY, retryAfterCapMs: 500 }, 2000)).toBe(500)
  })

  it('reads retry-after-ms, Retry-After seconds and an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250)
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000)
    const inTwo = new Date(Date.now() + 2000).toUTCString()
    expect(retryAfterMs(new Headers({ 'retry-after': inTwo }))).toBeGreaterThan(500)
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined()
    expect(retryAfterMs(new Headers())).toBeUndefined()
  })
})

describe('classifyError', () => {
  const h = new Headers()
  it('retries 429, 5xx and connection errors; fails fast on insufficient_quota', () => {
    expect(classifyError(new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': '2' })), 'json_schema')).toEqual({
      kind: 'retry',
      cause: 'rate_limit',
      reason: '429 slow down',
      retryAfterMs: 2000,
    })
    expect(classifyError(new InternalServerError(503, { message: 'busy' }, undefined, h), 'text')).toMatchObject({ kind: 'retry', cause: 'server' })
    expect(classifyError(new APIConnectionError({ message: 'x' }), 'text')).toMatchObject({ kind: 'retry', cause: 'server' })
    expect(
      classifyError(new RateLimitError(429, { message: 'quota', code: 'insufficient_quota', type: 'insufficient_quota' }, undefined, h), 'text'),
    ).toMatchObject({ kind: 'fatal', cause: 'quota', retryable: false })
  })

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('treats a host that does not resolve (%s) as configuration: no retry, the host named', (code) => {
    // The shape both node:http (through our fetch) and undici give: TypeError('fetch failed') over the getaddrinfo error.
    const dns = Object.assign(new Error(`getaddrinfo ${code} nonexistent.invalid`), { code, hostname: 'nonexistent.invalid' })
    const err = new APIConnectionError({ cause: new TypeError('fetch failed', { cause: dns }) })
    expect(classifyError(err, 'json_schema', 'http://nonexistent.invalid/v1')).toEqual({
      kind: 'fatal',
      cause: 'server',
      retryable: false,
      reason: `cannot resolve host "nonexistent.invalid" (${code}) of the base URL http://nonexistent.invalid/v1; check --base-url (or OPENAI_BASE_URL, base_url in the config)${code === 'EAI_AGAIN' ? ' and the network' : ''}`,
    })
    // Without the hostname on the error, it comes from the base URL.
    const bare = new APIConnectionError({ cause: new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code }) }) })
    expect(classifyError(bare, 'text', 'http://typo.invalid:8080/v1')).toMatchObject({ kind: 'fatal', reason: expect.stringContaining('host "typo.invalid"') })
    // A refused connection is still a server that may come back.
    const refused = new APIConnectionError({ cause: new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }) })
    expect(classifyError(refused, 'text')).toEqual({ kind: 'retry', cause: 'server', reason: 'connection failed (ECONNREFUSED)' })
  })

  it("recognises LM Studio's bare-string rejection of json_object as a mode rejection, not in text mode", () => {
    const err = new BadRequestError(400, "'response_format.type' must be 'json_schema' or 'text'", undefined, h)
    expect(classifyError(err, 'json_object')).toMatchObject({ kind: 'mode-rejected' })
    expect(classifyError(err, 'text')).toMatchObject({ kind: 'fatal' })
  })

  it('types a rejected key as auth, a 408 as timeout, and Azure\'s prompt filter (400 content_filter) as content_filter, whatever the wording', () => {
    expect(classifyError(new AuthenticationError(401, { message: 'nope' }, undefined, h), 'text')).toMatchObject({ kind: 'fatal', cause: 'auth', retryable: false })
    expect(classifyError(new APIError(408, { message: 'x' }, undefined, h), 'text')).toMatchObject({ kind: 'retry', cause: 'timeout' })
    const filtered = new BadRequestError(400, { message: 'The response was filtered', code: 'content_filter' }, undefined, h)
    expect(classifyError(filtered, 'json_schema')).toMatchObject({ kind: 'fatal', cause: 'content_filter', retryable: false })
  })

  it('names the parameter a server does not support', () => {
    const err = new BadRequestError(400, { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." }, undefined, h)
    expect(classifyError(err, 'json_schema')).toMatchObject({ kind: 'param-rejected', param: 'max_tokens' })
  })
})

describe('presets', () => {
  it('picks OpenAI without a base URL, the generic preset with one, and knows key variables', () => {
    expect(findPreset(undefined, undefined)?.id).toBe('openai')
    expect(findPreset(undefined, 'http://127.0.0.1:9/v1')?.id).toBe('openai-compatible')
    expect(findPreset('DeepSeek', undefined)?.startMode).toBe('json_object')
    expect(findPreset('lmstudio', undefined)?.startMode).toBe('json_schema')
    expect(findPreset('nope', undefined)).toBeUndefined()
    expect(providerKeyEnv('dashscope')).toBe('DASHSCOPE_API_KEY')
    expect(providerKeyEnv(undefined)).toBeUndefined()
  })

  it('treats o-series and gpt-5 (not gpt-5-chat) as reasoning models', () => {
    expect(['o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'openai/o3-mini'].every(isReasoningModel)).toBe(true)
    expect(['gpt-4.1-mini', 'gpt-5-chat-latest', 'qwen3:8b', 'deepseek-chat'].some(isReasoningModel)).toBe(false)
  })
})

describe('node:http fetch (no 300 s header timeout)', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 300)
      else if (req.url === '/empty') res.writeHead(204).end()
      else if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] })
        res.write('first ')
        // never ends: the client must be able to abort mid-body
      } else if (req.url === '/drip-sized') {
        // A known-length reply that stalls halfway: read whole before fetch resolves, and still abortable.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
        res.write('{"half":')
      } else if (req.url === '/chunked-json') {
        // No content-length (chunked), as many proxies send JSON: still read whole.
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' })
        res.write('{"text":"第一')
        setTimeout(() => res.end('部分","n":2}'), 30)
      } else if (req.url === '/chunked-stall') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"half":')
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
        res.write('{"half":', () => res.destroy())
      } else if (req.url === '/headers') {
        res.setHeader('Set-Cookie', ['a=1', 'b=2'])
        res.setHeader('X-Multi', ['one', 'two'])
        res.setHeader('Retry-After', '7')
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_2' }).end(JSON.stringify(req.headers))
      } else {
        let body = ''
        req.on('data', (c) => (body += c))
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization })))
      }
    })
    base = await listenLocally(server)
  })
  afterAll(() => closeHttpServer(server))

  it('sends method, headers and body, and waits for a slow server', async () => {
    const f = createNodeFetch()
    const r = await f(`${base}/echo`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"x":1}' })
    expect(await r.json()).toEqual({ method: 'POST', body: '{"x":1}', auth: 'Bearer k' })
    const slow = await f(`${base}/slow`)
    expect(await slow.json()).toEqual({ ok: true })
    expect((await f(`${base}/empty`)).status).toBe(204)
  })

  it('sends headers given as Headers, pairs or an object, and a byte body given as a view into a larger buffer', async () => {
    const f = createNodeFetch()
    const bytes = new TextEncoder().encode('xx{"x":"é"}yy').subarray(2, 12)
    const r = await f(`${base}/echo`, { method: 'POST', headers: new Headers({ Authorization: 'Bearer h' }), body: bytes })
    expect(await r.json()).toEqual({ method: 'POST', body: '{"x":"é"}', auth: 'Bearer h' })
    const sent = async (headers: RequestInit['headers']) => (await (await f(`${base}/headers`, { headers })).json()) as Record<string, string>
    for (const headers of [[['X-A', '1'], ['x-a', '2']] as [string, string][], { 'X-A': '1' }, new Headers([['X-A', '1'], ['X-A', '2']])]) {
      const got = await sent(headers)
      expect(got['x-a']).toBe(new Headers(headers).get('x-a'))
      expect(got['accept-encoding']).toBe('identity')
    }
  })

  it('sends a body given in pieces as the bytes they join to, with their length', async () => {
    const f = createNodeFetch()
    const parts = new BodyParts([Buffer.from('{"x":'), Buffer.from('"é'), Buffer.from('", "y":[1,2]}')])
    for (let i = 0; i < 2; i++) {
      const r = await f(`${base}/echo`, { method: 'POST', headers: { authorization: 'Bearer p' }, body: parts as unknown as RequestInit['body'] })
      expect(await r.json()).toEqual({ method: 'POST', body: '{"x":"é", "y":[1,2]}', auth: 'Bearer p' })
    }
    expect(parts.byteLength).toBe(Buffer.byteLength('{"x":"é", "y":[1,2]}'))
  })

  it('sends fixed headers as the Headers they copy, and refuses to change them', async () => {
    const f = createNodeFetch()
    const from = new Headers([['X-B', '2'], ['Authorization', 'Bearer f'], ['x-b', '3'], ['Content-Type', 'application/json']])
    const fixed = fixedHeaders(from)
    expect([...fixed]).toEqual([...from])
    expect([...fixed.entries()]).toEqual([...from.entries()])
    expect([...fixed.keys()]).toEqual([...from.keys()])
    expect([...fixed.values()]).toEqual([...from.values()])
    const seen: string[] = []
    fixed.forEach((v, k) => seen.push(`${k}=${v}`))
    expect(seen).toEqual(['authorization=Bearer f', 'content-type=application/json', 'x-b=2, 3'])
    expect(fixed.get('X-B')).toBe('2, 3')
    expect(() => fixed.set('x-b', '4')).toThrow(TypeError)
    expect(() => fixed.append('x-c', '1')).toThrow(TypeError)
    expect(() => fixed.delete('x-b')).toThrow(TypeError)
    expect(fixed.get('x-b')).toBe('2, 3')
    for (let i = 0; i < 2; i++) {
      const got = (await (await f(`${base}/headers`, { headers: fixed })).json()) as Record<string, string>
      expect(got).toMatchObject({ authorization: 'Bearer f', 'x-b': '2, 3', 'content-type': 'application/json', 'accept-encoding': 'identity' })
    }
  })

  it("reads a buffered reply's headers as web Headers do: any case, repeated values joined, sorted", async () => {
    const f = createNodeFetch()
    const r = await f(`${base}/headers`)
    const raw = await new Promise<IncomingMessage>((resolve) => httpGet(`${base}/headers`, resolve))
    raw.resume()
    const web = new Headers()
    for (let i = 0; i < raw.rawHeaders.length; i += 2) web.append(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!)
    const without = (h: Iterable<[string, string]>) => [...h].filter(([k]) => k !== 'date')
    expect(without(r.headers)).toEqual(without(web))
    expect(without(r.headers.entries())).toEqual(without(web.entries()))
    for (const name of ['Retry-After', 'x-multi', 'SET-COOKIE', 'x-request-id', 'content-type', 'absent']) {
      expect(r.headers.get(name)).toBe(web.get(name))
      expect(r.headers.has(name)).toBe(web.has(name))
    }
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(() => r.headers.set('x', '1')).toThrow(TypeError)
  })

  it('aborts mid-body and before headers', async () => {
    const f = createNodeFetch()
    const ac = new AbortController()
    const r = await f(`${base}/drip`, { signal: ac.signal })
    expect(r.headers.get('set-cookie')).toContain('a=1')
    const reading = r.text()
    ac.abort()
    await expect(reading).rejects.toThrow()
    const ac2 = new AbortController()
    const pending = f(`${base}/slow`, { signal: ac2.signal })
    ac2.abort()
    await expect(pending).rejects.toThrow()
  })

  it('reads a known-length JSON reply whole; a stall is abortable and a cut reply is a fetch failure', async () => {
    const f = createNodeFetch()
    const ac = new AbortController()
    const pending = f(`${base}/drip-sized`, { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('stop')), 100)
    await expect(pending).rejects.toThrow('stop')
    await expect(f(`${base}/cut`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' })
  })

  it('reads a chunked JSON reply whole into a Response that reads once, clones, and still offers a stream', async () => {
    const f = createNodeFetch()
    const r = await f(`${base}/chunked-json`)
    expect(r.ok).toBe(true)
    expect(r.status).toBe(200)
    expect(r.headers.get('x-request-id')).toBe('req_1')
    const copy = r.clone()
    expect(r.bodyUsed).toBe(false)
    // A multi-byte character split across chunks arrives intact.
    expect(await r.json()).toEqual({ text: '第一部分', n: 2 })
    expect(r.bodyUsed).toBe(true)
    await expect(r.text()).rejects.toThrow(/already been read/)
    expect(r.body).toBeNull()
    const stream = copy.body
    expect(stream).not.toBeNull()
    const text = await new Response(stream).text()
    expect(JSON.parse(text)).toEqual({ text: '第一部分', n: 2 })
    const ac = new AbortController()
    const stalled = f(`${base}/chunked-stall`, { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('stop')), 100)
    await expect(stalled).rejects.toThrow('stop')
  })

  it('reports a refused connection as a fetch failure the SDK maps to a connection error', async () => {
    const f = createNodeFetch()
    await expect(f('http://127.0.0.1:1/')).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' })
  })
})

describe('mode memory file', () => {
  it('persists per (base URL, model), survives a broken file, and forgets entries older than 30 days', async () => {
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { createModeStore } = await import('../../src/providers/openai/mode-store.js')
    const home = await mkdtemp(join(tmpdir(), 'mockint-modes-'))
    try {
      await writeFile(join(home, 'judge-modes.json'), '{ not json')
      const a = createModeStore(home)
      expect(await a.get('http://x/v1/', 'm')).toBeUndefined()
      await a.set('http://x/v1/', 'm', 'text')
      expect(await createModeStore(home).get('http://x/v1', 'm')).toBe('text')
      expect(await createModeStore(home).get('http://x/v1', 'other')).toBeUndefined()
      const file = JSON.parse(await readFile(join(home, 'judge-modes.json'), 'utf8'))
      file['http://x/v1 m'].updated = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString()
      await writeFile(join(home, 'judge-modes.json'), JSON.stringify(file))
      expect(await createModeStore(home).get('http://x/v1', 'm')).toBeUndefined()
      // The first grades of a run ask all at once, while the file is still being read: all get the remembered mode.
      await createModeStore(home).set('http://x/v1', 'm', 'json_object')
      const c = createModeStore(home)
      expect(await Promise.all(Array.from({ length: 8 }, () => c.get('http://x/v1', 'm')))).toEqual(Array(8).fill('json_object'))
      // Kept in memory between asks, and changed by set.
      await c.set('http://x/v1', 'm', 'text')
      expect(await c.get('http://x/v1/', 'm')).toBe('text')
      expect(JSON.parse(await readFile(join(home, 'judge-modes.json'), 'utf8'))['http://x/v1 m'].mode).toBe('text')
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  })
})
