import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { minimalInstance, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'

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
    // Keyed by id, as the judge prompt asks.
    expect(Object.entries(v.dimensions).map(([id, d]: [string, any]) => [id, d.level])).toEqual([['a', 1], ['b', 2], ['c', 3]])
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
    expect(Object.keys(JSON.parse(text).dimensions)).toEqual(['a', 'b', 'c'])
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
    await expect(call({ type: 'text' })).resolves.toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: expect.stringContaining('dimensions') } }] })
  })

  it('resets the connection, and a custom route answers', async () => {
    srv.reset()
    srv.script({ kind: 'reset' })
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] })).rejects.toThrow(/Connection error/i)
    srv.route('POST', '/v1/files', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"file-1"}'))
    const r = await fetch(`${srv.url}/files`, { method: 'POST', body: '{}' })
    expect(await r.json()).toEqual({ id: 'file-1' })
  })

  it('minimal mode answers the least a constrained decoder may: every required key, empty values, the lowest number and enum value', async () => {
    srv.reset()
    srv.setDefault({ minimal: true })
    const schema = {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string', enum: ['x', 'y'] } }, required: ['id'] } },
        level: { type: 'integer', minimum: 2, maximum: 4 },
        note: { type: 'string' },
        extra: { type: 'string' },
        ref: { $ref: '#/definitions/R' },
      },
      required: ['items', 'level', 'note', 'ref'],
      definitions: { R: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
    }
    const r = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: prompt }],
      response_format: { type: 'json_schema', json_schema: { name: 'v', schema, strict: true } },
    })
    // An array of dimensions may legally be empty: that is what broke every grade before the keyed schema.
    expect(JSON.parse(r.choices[0]!.message.content!)).toEqual({ items: [], level: 2, note: '', ref: { ok: false } })
    // In json_object mode the schema comes from the prompt.
    const inPrompt = `${prompt}\nJSON Schema of the reply:\n${JSON.stringify({ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] })}`
    const j = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: inPrompt }], response_format: { type: 'json_object' } })
    expect(JSON.parse(j.choices[0]!.message.content!)).toEqual({ a: 0 })
    expect(minimalInstance({ type: 'array', minItems: 2, items: { enum: [3, 1] } })).toEqual([3, 3])
  })

  it('answers with finish_reason content_filter when the answer carries the marker (any path), or when scripted', async () => {
    srv.reset()
    const marked = 'Dimension ids, in order: a\n<<<ANSWER n1>>>\nnasty [[fault:content-filter]]\n<<<END ANSWER n1>>>'
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: marked }] })
    expect(r.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } })
    srv.script({ kind: 'content-filter' })
    const s = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] })
    expect(s.choices[0]!.finish_reason).toBe('content_filter')
  })
})
