import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'

// The fake server is what every LLM-path test stands on; these check it speaks the protocol the SDK expects.
let srv: FakeOpenAI
let client: OpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
  client = new OpenAI({ baseURL: srv.url, apiKey: 'sk-test', maxRetries: 0 })
})
afterAll(() => srv.close())

const prompt = 'Dimension ids, in order: a, b, c\nLevels run from 0 to 4\n<<<ANSWER n1>>>\nhello [[levels:1,2,3]]\n<<<END ANSWER n1>>>'

describe('fake OpenAI server', () => {
  it('answers a verdict whose levels come from the marker, and records the request', async () => {
    srv.reset()
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] })
    const v = JSON.parse(r.choices[0]!.message.content!)
    expect(v.dimensions.map((d: any) => [d.id, d.level])).toEqual([['a', 1], ['b', 2], ['c', 3]])
    expect(srv.chatRequests()).toHaveLength(1)
    expect(srv.chatRequests()[0]!.headers.authorization).toBe('Bearer sk-test')
    expect(r.usage?.prompt_tokens).toBeGreaterThan(0)
  })

  it('streams SSE with usage when asked', async () => {
    srv.reset()
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage: unknown
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? ''
      if (c.usage) usage = c.usage
    }
    expect(JSON.parse(text).dimensions).toHaveLength(3)
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number) })
  })

  it('plays scripted faults in order, then the default', async () => {
    srv.reset()
    srv.script({ kind: 'rate-limit', retryAfter: 2 }, { kind: 'server-error', status: 503 }, { kind: 'quota' })
    const statuses: (number | string)[] = []
    for (let i = 0; i < 4; i++) {
      try {
        await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] })
        statuses.push('ok')
      } catch (e) {
        statuses.push((e as { status: number }).status)
        if (i === 0) expect((e as { headers: Headers }).headers.get('retry-after')).toBe('2')
        if (i === 2) expect((e as { code: string }).code).toBe('insufficient_quota')
      }
    }
    expect(statuses).toEqual([429, 503, 429, 'ok'])
  })

  it('rejects json_schema like DeepSeek and json_object like LM Studio when told to', async () => {
    srv.reset()
    srv.setDefault({ rejectJsonSchema: true, rejectJsonObject: true })
    const call = (rf: any) => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }], response_format: rf })
    await expect(call({ type: 'json_schema', json_schema: { name: 'v', schema: {} } })).rejects.toMatchObject({ status: 400 })
    await expect(call({ type: 'json_object' })).rejects.toMatchObject({ status: 400 })
    await expect(call({ type: 'text' })).resolves.toBeTruthy()
  })

  it('resets the connection, and a custom route answers', async () => {
    srv.reset()
    srv.script({ kind: 'reset' })
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] })).rejects.toThrow(/Connection error/i)
    srv.route('POST', '/v1/files', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"file-1"}'))
    const r = await fetch(`${srv.url}/files`, { method: 'POST', body: '{}' })
    expect(await r.json()).toEqual({ id: 'file-1' })
  })
})
