import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FailureCause, GradeOutcome } from '../../src/core/judge/types.js'
import type { FakeFault } from '../helpers/fake-openai-server.js'
import { useOpenAIJudge } from '../helpers/openai-setup.js'

// The LLM judge on the real SDK over a real socket: what a constrained decoder can emit, typed failures,
// and the structured-output fallbacks real servers force.
const fx = useOpenAIJudge('sk-test-0123456789')
const { srv, input, judge } = fx
const answers = Array.from({ length: 20 }, (_, i) => `Answer ${i}: the KV cache stores keys and values so decoding does not recompute them.`)

describe('a server that emits the minimal instance of the schema it is sent', () => {
  it.each([
    ['json_schema (strict schema in response_format)', {}, {}],
    ['json_object (schema read from the prompt, DeepSeek preset)', {}, { provider: 'deepseek', model: undefined }],
  ] as const)('grades each of 20 answers with exactly one request: %s', async (_name, profile, opts) => {
    srv.setDefault({ minimal: true, ...profile })
    const j = judge(opts)
    const outcomes: GradeOutcome[] = []
    for (const a of answers) outcomes.push(await j.grade(input(a)))
    expect(outcomes.filter((o) => !o.ok)).toEqual([])
    expect(srv.chatRequests()).toHaveLength(20)
    for (const o of outcomes) {
      if (!o.ok) continue
      // Every dimension exactly once, at the bottom of the scale: the least a decoder can say is complete.
      expect(o.verdict.dimensions.map((d) => d.id)).toEqual(fx.rubric.dimensions.map((d) => d.id))
      expect(o.scores).toEqual({ principle: 0, scenario: 0, engineering: 0, observability: 0 })
      expect(o.overall).toBe(0)
    }
    expect(srv.chatRequests()[0]!.body.response_format?.type).toBe('provider' in opts ? 'json_object' : 'json_schema')
  })
})

describe('typed failures', () => {
  const cases: Array<[string, FakeFault[], FailureCause, boolean]> = [
    ['a refusal', [{ kind: 'refusal' }], 'refusal', false],
    ['a truncated verdict', [{ kind: 'truncate' }], 'truncated', false],
    ['a content-filter stop', [{ kind: 'content-filter' }], 'content_filter', false],
    ['a rejected key', [{ kind: 'auth' }], 'auth', false],
    ['an exhausted quota', [{ kind: 'quota' }], 'quota', false],
    ['rate limits until it gives up', Array.from({ length: 3 }, () => ({ kind: 'rate-limit' as const, retryAfterMs: 7 })), 'rate_limit', true],
    ['server errors until it gives up', Array.from({ length: 3 }, () => ({ kind: 'server-error' as const })), 'server', true],
    ['a 404', [{ kind: 'status', status: 404, body: { error: { message: 'model not found' } } }], 'server', false],
    ['a reply that does not validate, twice', [{ kind: 'content', content: 'a 3, I think' }, { kind: 'content', content: '{"dimensions": {}}' }], 'invalid_reply', true],
    ['a hanging server', [{ kind: 'hang' }], 'timeout', true],
  ]
  it.each(cases)('%s fails with its cause', async (_name, faults, cause, retryable) => {
    srv.script(...faults)
    const r = await judge({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, deadlineMs: cause === 'timeout' ? 300 : 10_000 }).grade(input(answers[0]!))
    expect(r).toMatchObject({ ok: false, cause, retryable })
  })

  it('carries the server\'s retry-after on a rate-limit failure, and reports each retry with its cause', async () => {
    srv.script(...Array.from({ length: 2 }, () => ({ kind: 'rate-limit' as const, retryAfterMs: 9 })))
    const seen: FailureCause[] = []
    const r = await judge({ retry: { maxAttempts: 2 }, onRetry: (i) => seen.push(i.cause) }).grade(input(answers[0]!))
    expect(r).toMatchObject({ ok: false, cause: 'rate_limit', retry_after_ms: 9, attempts: 2 })
    expect(seen).toEqual(['rate_limit'])
  })

  it('a cancelled call says so', async () => {
    const ac = new AbortController()
    ac.abort()
    expect(await judge().grade(input(answers[0]!), { signal: ac.signal })).toMatchObject({ ok: false, cause: 'cancelled' })
  })

  it('a call cancelled while the server is still thinking stops at once, and the next call is answered', async () => {
    srv.setDefault({ delayMs: 5000 })
    const j = judge()
    const ac = new AbortController()
    const started = Date.now()
    setTimeout(() => ac.abort(), 50)
    expect(await j.grade(input(answers[0]!), { signal: ac.signal })).toMatchObject({ ok: false, cause: 'cancelled', attempts: 1 })
    expect(Date.now() - started).toBeLessThan(2000)
    srv.setDefault({})
    expect((await j.grade(input(answers[1]!))).ok).toBe(true)
  })
})

describe('structured-output fallbacks, remembered', () => {
  const modesFile = () => readFile(join(fx.home, 'judge-modes.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, { mode: string }>)

  it("DeepSeek's 400 to json_schema: falls back to json_object and starts there next time", async () => {
    srv.setDefault({ rejectJsonSchema: true })
    expect((await judge().grade(input(answers[0]!))).ok).toBe(true)
    expect(srv.chatRequests().map((q) => q.body.response_format?.type)).toEqual(['json_schema', 'json_object'])
    expect((await modesFile())[`${srv.url} fake-model`]!.mode).toBe('json_object')
    srv.reset()
    srv.setDefault({ rejectJsonSchema: true })
    expect((await judge().grade(input(answers[1]!))).ok).toBe(true)
    expect(srv.chatRequests().map((q) => q.body.response_format?.type)).toEqual(['json_object'])
  })

  it("LM Studio's 400 to json_object: a judge starting in json_object moves to json_schema (not plain text) and remembers it", async () => {
    srv.setDefault({ rejectJsonObject: true })
    const lm = () => judge({ provider: 'deepseek', model: 'fake-model' }) // DeepSeek's preset starts in json_object
    const r = await lm().grade(input(answers[0]!))
    expect(r).toMatchObject({ ok: true, judge: { output_mode: 'json_schema' } })
    expect(srv.chatRequests().map((q) => q.body.response_format?.type)).toEqual(['json_object', 'json_schema'])
    expect((await modesFile())[`${srv.url} fake-model`]!.mode).toBe('json_schema')
    srv.reset()
    srv.setDefault({ rejectJsonObject: true })
    expect((await lm().grade(input(answers[1]!))).ok).toBe(true)
    expect(srv.chatRequests().map((q) => q.body.response_format?.type)).toEqual(['json_schema'])
  })

  it('a server that rejects both structured modes is graded in plain text', async () => {
    srv.setDefault({ rejectJsonSchema: true, rejectJsonObject: true })
    expect(await judge().grade(input(answers[0]!))).toMatchObject({ ok: true, judge: { output_mode: 'text' } })
    expect(srv.chatRequests().map((q) => q.body.response_format?.type ?? 'text')).toEqual(['json_schema', 'json_object', 'text'])
  })
})

describe('reply shapes', () => {
  it('reads the older array shape (a server in json_object mode following an old prompt) and the keyed one alike', async () => {
    const dims = fx.rubric.dimensions.map((d, i) => ({ id: d.id, evidence: [], rationale: 'r', level: i }))
    srv.script({ kind: 'verdict', verdict: { dimensions: dims, feedback: 'f', missing: [], follow_up: 'q', flags: [] } })
    const a = await judge().grade(input(answers[0]!))
    srv.script({ kind: 'verdict', verdict: { dimensions: Object.fromEntries(dims.map(({ id, ...d }) => [id, d])), feedback: 'f', missing: [], follow_up: 'q', flags: [] } })
    const b = await judge().grade(input(answers[0]!))
    expect(a).toMatchObject({ ok: true, scores: { principle: 0, scenario: 1, engineering: 2, observability: 3 } })
    expect(b).toMatchObject({ ok: true, scores: { principle: 0, scenario: 1, engineering: 2, observability: 3 } })
    expect(srv.chatRequests()).toHaveLength(2)
  })

  it('sends a keyed verdict that misses a dimension or names an unknown one to the repair turn, naming the key', async () => {
    const d = { evidence: [], rationale: 'r', level: 1 }
    srv.script({ kind: 'verdict', verdict: { dimensions: { principle: d, scenario: d, engineering: d, bogus: d }, feedback: '', missing: [], follow_up: '', flags: [] } })
    const r = await judge().grade(input(answers[0]!))
    expect(r.ok).toBe(true)
    const repair: string = srv.chatRequests()[1]!.body.messages.at(-1).content
    expect(repair).toContain('dimensions.observability')
    expect(repair).toMatch(/bogus/)
  })
})
