import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { installFakeBatchApi } from '../helpers/fake-batch-api.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { parseJsonl } from '../helpers/answers.js'

const FIX = join(process.cwd(), 'tests/fixtures/grade')
const CJK = /[\u4e00-\u9fff]/

const records = parseJsonl

const record = (i: number) =>
  JSON.stringify(
    i % 2
      ? { id: `q${i}`, question_id: 'llm-fundamentals/kv-cache', answer: `Each decoding step reuses the cached keys and values (${i}).` }
      : { id: `q${i}`, question: 'What is RAG?', reference: 'Retrieval-augmented generation.', answer: `It retrieves documents and adds them to the prompt (${i}).` },
  ) + '\n'

/**
 * A first run grades two answers into out.jsonl; a third answer is then added to the input and a second run
 * resumes with a report. Returns both runs and the paths, all in a fresh folder.
 */
async function gradeThenResume(langArgs: string[], env: Record<string, string> = {}) {
  const dir = tempDir()
  const input = join(dir, 'answers.jsonl')
  const out = join(dir, 'out.jsonl')
  const report = join(dir, 'report.md')
  writeFileSync(input, record(0) + record(1))
  const first = await runCli(['grade', input, '--out', out, '--judge', 'offline', ...langArgs], { env })
  appendFileSync(input, record(2))
  const second = await runCli(['grade', input, '--out', out, '--resume', '--report', report, '--judge', 'offline', ...langArgs], { env })
  return { first, second, out, report }
}

describe('mockint grade --lang zh: notes for a person follow the language', () => {
  it('says resuming, report written, progress and the summary in Chinese; records stay as they are', async () => {
    const { first, second, out, report } = await gradeThenResume(['--lang', 'zh'])
    expect(first.code, first.stderr).toBe(0)
    expect(second.code, second.stderr).toBe(0)

    expect(second.stderr).toContain(`mockint: 继续 ${out}：3 条中已评分 2 条\n`)
    expect(second.stderr).toContain(`mockint: 报告已写入 ${report}\n`)
    expect(second.stderr).toMatch(/^mockint: 评分：offline 评分器（内置、确定性，offline-v2） —— 设置 OPENAI_API_KEY/m)
    expect(second.stderr).toMatch(/^mockint: 1\/1 100% · .*\/s · 预计剩余 0s · 出错 0 · tokens 0$/m)
    // The summary goes to stdout when the results go to --out.
    expect(second.stdout).toMatch(/^已评分 3\/3（其中 2 条来自上次运行） · 出错 0 · 评分器 offline offline-v2 · 耗时 \d+\.\ds$/m)
    expect(second.stdout).toMatch(/^总分均值 [\d.]+ · 中位数 [\d.]+ · 通过率 \d+%$/m)
    expect(second.stdout).toMatch(/^tokens 输入 0（缓存命中 0）\/ 输出 0 · 0 条取自缓存 · 预估费用 \$0\.0000$/m)
    expect(second.stdout).toContain(`结果：${out}\n`)
    expect(first.stdout).toMatch(/^已评分 2\/2 · 出错 0/m)
    for (const text of [first.stderr, second.stderr, second.stdout])
      expect(text).not.toMatch(/resuming|report written|graded \d|mean overall|results:|ETA|errors \d|judge: /)

    // Machine-facing output is the same in every language.
    const rs = records(readFileSync(out, 'utf8'))
    expect(rs.map((r) => r.id).sort()).toEqual(['q0', 'q1', 'q2'])
    expect(rs.every((r) => r.status === 'graded' && r.error === null)).toBe(true)
  })

  it('takes the language from MOCKINT_LANG too', async () => {
    const { second, out } = await gradeThenResume([], { MOCKINT_LANG: 'zh' })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain(`mockint: 继续 ${out}：3 条中已评分 2 条\n`)
    expect(second.stdout).toMatch(/^已评分 3\/3（其中 2 条来自上次运行）/m)
  })

  it('keeps the file:line problem lines in English and closes with a Chinese note', async () => {
    const r = await runCli(['grade', join(FIX, 'invalid.jsonl'), '--judge', 'offline', '--lang', 'zh'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid.jsonl:2: missing "answer"')
    expect(r.stderr).toContain('invalid.jsonl:4: duplicate id "b1" (first on line 1)')
    expect(r.stderr).toMatch(/^mockint: .*invalid\.jsonl 中有 7 处问题，未评分任何回答。请修正后重新运行。$/m)
    expect(r.stdout).toBe('')
  })

  it('says an interrupted run was saved and how to finish it, in Chinese', async () => {
    const dir = tempDir()
    const out = join(dir, 'out.jsonl')
    const ac = new AbortController()
    ac.abort(new Error('interrupted'))
    const r = await runCli(['grade', join(FIX, 'valid.jsonl'), '--out', out, '--judge', 'offline', '--lang', 'zh'], { signal: ac.signal })
    expect(r.code).toBe(130)
    expect(r.stderr).toMatch(new RegExp(`^mockint: 已中断；\\d+ 条结果已保存到 ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}，加 --resume 重新运行即可接着评完$`, 'm'))
  })
})

describe('mockint grade in English (the default): the same notes, unchanged', () => {
  it('says resuming, report written, progress and the summary exactly as before', async () => {
    const { first, second, out, report } = await gradeThenResume([])
    expect(first.code, first.stderr).toBe(0)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain(`mockint: resuming ${out}: 2 of 3 already graded\n`)
    expect(second.stderr).toContain(`mockint: report written to ${report}\n`)
    expect(second.stderr).toMatch(/^mockint: judge: offline \(built-in, deterministic, offline-v2\) — set OPENAI_API_KEY/m)
    expect(second.stderr).toMatch(/^mockint: 1\/1 100% · .*\/s · ETA 0s · errors 0 · tokens 0$/m)
    expect(second.stdout).toMatch(/^graded 3\/3 \(2 from an earlier run\) · errors 0 · judge offline offline-v2 · \d+\.\ds$/m)
    expect(second.stdout).toMatch(/^mean overall [\d.]+ · median [\d.]+ · pass rate \d+%$/m)
    expect(second.stdout).toMatch(/^tokens 0 in \(0 cached\) \/ 0 out · 0 from cache · est\. cost \$0\.0000$/m)
    expect(second.stdout).toContain(`results: ${out}\n`)
    for (const text of [first.stderr, first.stdout, second.stderr, second.stdout]) expect(text).not.toMatch(CJK)
  })

  it('closes bad input with the English note', async () => {
    const r = await runCli(['grade', join(FIX, 'invalid.jsonl'), '--judge', 'offline'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^mockint: 7 problems in .*invalid\.jsonl; nothing was graded\. Fix them and run again\.$/m)
  })
})

describe('mockint grade --lang zh with the LLM judge', () => {
  let srv: FakeOpenAI
  beforeAll(async () => {
    srv = await startFakeOpenAI()
  })
  afterAll(() => srv.close())
  beforeEach(() => srv.reset())

  it('names the judge and reports its failures in Chinese', async () => {
    const dir = tempDir()
    const input = join(dir, 'answers.jsonl')
    writeFileSync(input, [0, 1, 2].map((i) => record(i).replace(/\(\d\)/, `[[levels:3,2,2,1]] (${i})`)).join(''))
    const out = join(dir, 'out.jsonl')
    srv.script({ kind: 'status', status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } })
    const r = await runCli(
      ['grade', input, '--out', out, '--concurrency', '1', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini', '--lang', 'zh'],
      { env: { MOCKINT_HOME: join(dir, 'home') } },
    )
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`mockint: 评分：OpenAI 兼容服务，模型 gpt-4.1-mini，地址 ${srv.url}`)
    expect(r.stderr).toContain('mockint: 评分器在 1 个回答上失败（已按 status "error" 写出）；加 --resume 重新运行可重试这些回答\n')
    expect(r.stdout).toMatch(/^出错 q\d：request rejected \(400\)/m)
    expect(records(readFileSync(out, 'utf8')).filter((x) => x.status === 'error')).toHaveLength(1)
  })
  it('tells the Batch API story in Chinese: judge, created batch, status', async () => {
    installFakeBatchApi(srv, { pollsToComplete: 2 })
    const dir = tempDir()
    const input = join(dir, 'answers.jsonl')
    writeFileSync(input, [0, 1].map((i) => record(i).replace(/\(\d\)/, `[[levels:3,2,2,1]] (${i})`)).join(''))
    const r = await runCli(
      ['grade', input, '--out', join(dir, 'out.jsonl'), '--batch-api', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini', '--lang', 'zh'],
      { env: { MOCKINT_HOME: join(dir, 'home'), MOCKINT_BATCH_POLL_MS: '10' } },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`mockint: 评分：OpenAI Batch API，模型 gpt-4.1-mini，地址 ${srv.url} —— 批处理完成后才有结果（最长 24 小时，半价）\n`)
    expect(r.stderr).toMatch(/^mockint: 已创建批处理 batch_fake\d+（2 个请求），每 0s 查询一次 —— 可随时中断，重跑同一命令即可继续$/m)
    expect(r.stderr).toMatch(/^mockint: 批处理 batch_fake\d+：\w+ · 已完成 \d\/2 · 失败 0$/m)
    expect(r.stderr).not.toMatch(/created batch|polling every|done ·/)
  })
})
