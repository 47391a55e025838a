import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateProbes } from '../../src/core/calibration/probes.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { installFakeBatchApi, type FakeBatchApi } from '../helpers/fake-batch-api.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { parseJsonl, writeJsonl } from '../helpers/answers.js'
import { loadKvCache } from '../helpers/openai-setup.js'

// The live judge and the Batch API path share one wire (request body, completion → outcome): the same
// answers must give the same records, flags, failures and token counts included.
let srv: FakeOpenAI
let api: FakeBatchApi
beforeAll(async () => {
  srv = await startFakeOpenAI()
  api = installFakeBatchApi(srv, { pollsToComplete: 1 })
})
afterAll(() => srv.close())

const records = (s: string) => parseJsonl(s).sort((a, b) => (a.id < b.id ? -1 : 1))

describe('grade: live and Batch API records are the same', () => {
  it('grades answers, injection probes, a content-filter reply, a refusal and an empty answer identically on both paths', async () => {
    const { rubric, question: kv } = await loadKvCache()
    const probes = generateProbes(kv, rubric, [kv])
    const manipulative = probes.filter((p) => p.manipulative)
    expect(manipulative.map((p) => p.name).sort()).toEqual(['fake-json', 'injection-en', 'injection-zh'])
    const kvq = 'llm-fundamentals/kv-cache'
    const input = [
      { id: 'a-plain', question_id: kvq, answer: 'The KV cache keeps keys and values of past tokens. [[levels:3,2,4,1]]' },
      { id: 'a-free', question: 'What is RAG?', answer: 'Retrieval-augmented generation fetches passages first. [[levels:2,2,1,0]]' },
      { id: 'a-filter', question_id: kvq, answer: 'Something the provider filters. [[fault:content-filter]]' },
      { id: 'a-refusal', question_id: kvq, answer: 'Something the model refuses. [[fault:refusal]]' },
      { id: 'a-empty', question_id: kvq, answer: '   ' },
      ...probes.map((p) => ({ id: `probe-${p.name}`, question_id: kvq, answer: p.answer })),
    ]
    const dir = tempDir()
    const file = join(dir, 'answers.jsonl')
    writeJsonl(file, input)
    // DeepSeek's cache-hit field: both paths must read it.
    srv.setDefault({ cacheField: 'deepseek', cachedTokens: 64 })
    const judgeArgs = ['--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini', '--no-cache']

    const live = await runCli(['grade', file, '--out', join(dir, 'live.jsonl'), ...judgeArgs], { env: { MOCKINT_HOME: join(dir, 'home-live') } })
    const liveRequests = srv.chatRequests().length
    const batch = await runCli(['grade', file, '--out', join(dir, 'batch.jsonl'), '--batch-api', ...judgeArgs], {
      env: { MOCKINT_HOME: join(dir, 'home-batch'), MOCKINT_BATCH_POLL_MS: '10' },
    })
    expect(live.code, live.stderr).toBe(3) // the filtered and the refused answers
    expect(batch.code, batch.stderr).toBe(3)
    expect(api.batchesCreated).toBe(1)
    // Empty answers (ours and the empty probe) are graded without a request on both paths.
    const sent = input.filter((r) => r.answer.trim() !== '').length
    expect(sent).toBe(input.length - 2)
    expect(liveRequests).toBe(sent)
    expect(api.lastInput().trim().split('\n')).toHaveLength(sent)

    const a = records(readFileSync(join(dir, 'live.jsonl'), 'utf8'))
    const b = records(readFileSync(join(dir, 'batch.jsonl'), 'utf8'))
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id))
    for (const [i, la] of a.entries()) {
      const { latency_ms: _l, ...liveRecord } = la
      const { latency_ms: _b, ...batchRecord } = b[i]!
      expect(batchRecord, `record ${la.id}`).toEqual(liveRecord)
    }

    const byId = Object.fromEntries(a.map((r) => [r.id, r]))
    expect(byId['a-plain']).toMatchObject({ status: 'graded', scores: { principle: 3, scenario: 2, engineering: 4, observability: 1 }, usage: { cached_tokens: 64 } })
    expect(byId['a-plain']!.judge).toMatchObject({ output_mode: 'json_schema', seed: 1234, temperature: 0, system_fingerprint: 'fp_fake' })
    expect(byId['a-filter']).toMatchObject({ status: 'error', overall: null, error: { cause: 'content_filter', retryable: false, attempts: 1 } })
    expect(byId['a-filter']!.error.message).toMatch(/content filter/)
    expect(byId['a-refusal']).toMatchObject({ status: 'error', error: { cause: 'refusal', retryable: false } })
    expect(byId['a-empty']).toMatchObject({ status: 'graded', overall: 0, flags: ['empty'] })
    // The injection probes pass on both paths (the records are equal): flagged whatever the model said.
    for (const p of manipulative) expect(byId[`probe-${p.name}`]!.flags, p.name).toContain('prompt_injection')
    for (const p of probes.filter((x) => !x.manipulative && x.kind !== 'empty')) expect(byId[`probe-${p.name}`]!.flags, p.name).not.toContain('prompt_injection')
  })

  it('against a server that answers the minimal instance of the schema, grade --out grades every answer with one request, live and batched', async () => {
    srv.reset()
    srv.setDefault({ minimal: true })
    const dir = tempDir()
    const file = join(dir, 'answers.jsonl')
    const n = 20
    writeJsonl(file, Array.from({ length: n }, (_, i) => ({ id: `m${i}`, question_id: 'llm-fundamentals/kv-cache', answer: `answer ${i} about the KV cache` })))
    const judgeArgs = ['--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini', '--no-cache']
    const live = await runCli(['grade', file, '--out', join(dir, 'live.jsonl'), ...judgeArgs], { env: { MOCKINT_HOME: join(dir, 'h1') } })
    expect(live.code, live.stderr).toBe(0)
    expect(srv.chatRequests()).toHaveLength(n)
    const batch = await runCli(['grade', file, '--out', join(dir, 'batch.jsonl'), '--batch-api', ...judgeArgs], { env: { MOCKINT_HOME: join(dir, 'h2'), MOCKINT_BATCH_POLL_MS: '10' } })
    expect(batch.code, batch.stderr).toBe(0)
    expect(srv.chatRequests()).toHaveLength(2 * n)
    for (const name of ['live.jsonl', 'batch.jsonl']) {
      const rs = records(readFileSync(join(dir, name), 'utf8'))
      expect(rs).toHaveLength(n)
      for (const r of rs) expect(r).toMatchObject({ status: 'graded', overall: 0, scores: { principle: 0, scenario: 0, engineering: 0, observability: 0 } })
    }
  })
})
