import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { customId } from '../../src/providers/openai-batch/index.js'
import { installFakeBatchApi, type FakeBatchApi } from '../helpers/fake-batch-api.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { parseJsonl } from '../helpers/answers.js'

let srv: FakeOpenAI
let api: FakeBatchApi
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())
beforeEach(() => {
  srv.reset()
  api = installFakeBatchApi(srv, { pollsToComplete: 2 })
})

const lines = parseJsonl

function setup(n: number) {
  const dir = tempDir()
  const file = join(dir, 'answers.jsonl')
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify(i % 2 ? { id: `b${i}`, question_id: 'llm-fundamentals/kv-cache', answer: `kv answer ${i} [[levels:3,3,2,1]]` } : { id: `b${i}`, question: 'What is RAG?', answer: `rag answer ${i} [[levels:4,2,2,2]]` }),
    ).join('\n') + '\n',
  )
  const env = { MOCKINT_HOME: join(dir, 'home'), MOCKINT_BATCH_POLL_MS: '10' }
  const args = ['--batch-api', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini']
  return { dir, file, env, args, out: join(dir, 'out.jsonl') }
}

describe('mockint grade --batch-api', () => {
  it('uploads one JSONL of chat requests, creates a 24h batch, polls, and writes the same output records', async () => {
    const t = setup(4)
    const r = await runCli(['grade', t.file, '--out', t.out, ...t.args], { env: t.env })
    expect(r.code, r.stderr).toBe(0)
    expect(api.uploads).toBe(1)
    expect(api.batchesCreated).toBe(1)
    const reqs = api.lastInput().trim().split('\n').map((l) => JSON.parse(l))
    expect(reqs).toHaveLength(4)
    expect(reqs[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4.1-mini', temperature: 0, response_format: { type: 'json_schema' } } })
    expect(new Set(reqs.map((q) => q.custom_id)).size).toBe(4)
    const rs = lines(readFileSync(t.out, 'utf8'))
    expect(rs.map((x) => x.id).sort()).toEqual(['b0', 'b1', 'b2', 'b3'])
    const b1 = rs.find((x) => x.id === 'b1')!
    expect(b1).toMatchObject({ status: 'graded', scores: { principle: 3, scenario: 3, engineering: 2, observability: 1 }, judge: { kind: 'openai', model: 'gpt-4.1-mini' }, error: null })
    expect(b1.overall).toBe(56.3)
    expect(r.stderr).toMatch(/created batch batch_fake\d+ \(4 requests\)/)
    expect(r.stderr).toMatch(/in_progress/)
    expect(r.stdout).toMatch(/est\. cost \$[\d.]+/)
    expect(existsSync(`${t.out}.batch.json`)).toBe(false)
    // A second run of the same file costs nothing: every grade is in the cache.
    const again = await runCli(['grade', t.file, ...t.args], { env: t.env })
    expect(again.code).toBe(0)
    expect(api.batchesCreated).toBe(1)
    expect(lines(again.stdout).every((x) => x.cached)).toBe(true)
  })

  it('resumes polling the saved batch after an interruption instead of paying twice', async () => {
    const t = setup(3)
    api.set({ pollsToComplete: 1_000_000 })
    const ac = new AbortController()
    const poll = setInterval(() => {
      if (api.retrievals >= 2) ac.abort()
    }, 5)
    const first = await runCli(['grade', t.file, '--out', t.out, ...t.args], { env: t.env, signal: ac.signal })
    clearInterval(poll)
    expect(first.code).toBe(130)
    expect(first.stderr).toMatch(/keeps running on the server; run the same command again/)
    const state = JSON.parse(readFileSync(`${t.out}.batch.json`, 'utf8'))
    expect(state.batch_id).toMatch(/^batch_fake/)
    expect(JSON.stringify(state)).not.toMatch(/sk-|api_key/i)
    api.set({ pollsToComplete: 1 })
    const second = await runCli(['grade', t.file, '--out', t.out, ...t.args], { env: t.env })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain(`resuming batch ${state.batch_id}`)
    expect(api.uploads).toBe(1)
    expect(api.batchesCreated).toBe(1)
    expect(lines(readFileSync(t.out, 'utf8')).filter((x) => x.status === 'graded')).toHaveLength(3)
    expect(existsSync(`${t.out}.batch.json`)).toBe(false)
  })

  it('turns error-file lines, missing lines and invalid verdicts into error records (exit 3), never scores', async () => {
    const t = setup(6)
    api.set({
      errorFor: (id) => id === customId('b0', 0),
      dropFor: (id) => id === customId('b2', 0),
      mutateBody: (body, id) =>
        id === customId('b1', 0) ? { ...body, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"dimensions": []}' } }] } : body,
    })
    const r = await runCli(['grade', t.file, '--out', t.out, ...t.args], { env: t.env })
    expect(r.code).toBe(3)
    const rs = lines(readFileSync(t.out, 'utf8'))
    expect(rs).toHaveLength(6)
    const errs = Object.fromEntries(rs.filter((x) => x.status === 'error').map((x) => [x.id, x]))
    expect(Object.keys(errs).sort()).toEqual(['b0', 'b1', 'b2'])
    for (const e of Object.values(errs)) expect(e).toMatchObject({ overall: null, scores: null })
    expect(errs.b0!.error.message).toMatch(/fake batch request failure/)
    expect(errs.b1!.error.message).toMatch(/did not validate/)
    expect(errs.b2!.error.message).toMatch(/no result for this request in batch/)
    expect([errs.b0!.error.cause, errs.b1!.error.cause, errs.b2!.error.cause]).toEqual(['server', 'invalid_reply', 'server'])
    // --resume resubmits only the three failures, in a new batch.
    api.set({ errorFor: undefined, dropFor: undefined, mutateBody: undefined })
    const again = await runCli(['grade', t.file, '--out', t.out, '--resume', ...t.args], { env: t.env })
    expect(again.code, again.stderr).toBe(0)
    expect(api.lastInput().trim().split('\n')).toHaveLength(3)
    expect(lines(readFileSync(t.out, 'utf8')).filter((x) => x.status === 'graded').map((x) => x.id).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5'])
  })

  it('gives a failed batch line the cause the live judge gives its status: 429 rate_limit, 401 auth', async () => {
    const t = setup(3)
    // The fake runs the lines in order through its chat endpoint: the first two get these faults.
    srv.script({ kind: 'rate-limit', retryAfter: 1 }, { kind: 'auth' })
    const r = await runCli(['grade', t.file, '--out', t.out, ...t.args], { env: t.env })
    expect(r.code).toBe(3)
    const rs = lines(readFileSync(t.out, 'utf8'))
    expect(rs.map((x) => x.error?.cause ?? null)).toEqual(['rate_limit', 'auth', null])
    expect(rs[0]!.error).toMatchObject({ retryable: true, message: expect.stringMatching(/^batch request failed \(429\)/) })
    expect(rs[1]!.error).toMatchObject({ retryable: false })
  })

  it('a batch that fails validation writes every record as an error with the reason', async () => {
    const t = setup(2)
    api.set({ finalStatus: 'failed' })
    const r = await runCli(['grade', t.file, ...t.args], { env: t.env })
    expect(r.code).toBe(3)
    const rs = lines(r.stdout)
    expect(rs.every((x) => x.status === 'error' && /the batch failed: line 1: fake validation failure/.test(x.error.message))).toBe(true)
  })

  it('needs the LLM judge', async () => {
    const t = setup(1)
    const r = await runCli(['grade', t.file, '--batch-api', '--judge', 'offline'], { env: t.env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--batch-api needs the LLM judge/)
  })
})
