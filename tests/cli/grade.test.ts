import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { parseJsonl } from '../helpers/answers.js'

const FIX = join(process.cwd(), 'tests/fixtures/grade')
let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())
beforeEach(() => srv.reset())

const lines = parseJsonl

function llm(home: string) {
  return { env: { MOCKINT_HOME: home }, args: ['--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini'] }
}

function answersFile(n: number, dir: string, answer = (i: number) => `answer number ${i} [[levels:3,2,2,1]]`): string {
  const file = join(dir, 'answers.jsonl')
  const recs = Array.from({ length: n }, (_, i) =>
    JSON.stringify(i % 2 ? { id: `q${i}`, question_id: 'llm-fundamentals/kv-cache', answer: answer(i) } : { id: `q${i}`, question: 'What is RAG?', answer: answer(i) }),
  )
  writeFileSync(file, recs.join('\n') + '\n')
  return file
}

describe('mockint grade (offline judge)', () => {
  it('writes one JSONL line per record to stdout and the summary to stderr', async () => {
    for (const f of ['valid.jsonl', 'valid.csv', 'valid.json', 'valid.yaml']) {
      const r = await runCli(['grade', join(FIX, f), '--judge', 'offline'])
      expect(r.code, `${f}: ${r.stderr}`).toBe(0)
      const out = lines(r.stdout)
      expect(out, f).toHaveLength(2)
      expect(out[0]).toMatchObject({ status: 'graded', judge: { kind: 'offline' }, error: null })
      expect(typeof out[0]!.overall).toBe('number')
      expect(r.stderr).toMatch(/judge: offline/)
      expect(r.stderr).toMatch(/graded 2\/2/)
    }
  })

  it('grades the README example (examples/answers.jsonl): mixed bank and free-text records', async () => {
    const r = await runCli(['grade', 'examples/answers.jsonl', '--judge', 'offline'])
    expect(r.code, r.stderr).toBe(0)
    const out = lines(r.stdout)
    expect(out).toHaveLength(6)
    expect(out.filter((x) => x.question_id === null)).toHaveLength(2)
    expect(out.find((x) => x.id === 'cand-04-rag')!.flags).toContain('prompt_injection')
    const strong = out.find((x) => x.id === 'cand-01-kv')!.overall
    const weak = out.find((x) => x.id === 'cand-02-kv')!.overall
    expect(strong).toBeGreaterThan(weak + 30)
  })

  it('grades answers question by question (file order within a question) in every format, with the results and summary of any other order', async () => {
    const dir = tempDir('mockint-grade-order-')
    const questions = ['llm-fundamentals/kv-cache', 'system-design/rag-pipeline', null, 'agents/agent-benchmarks']
    const recs = Array.from({ length: 240 }, (_, i) => {
      const q = questions[i % questions.length]
      const answer = `Answer ${i}: the cache keeps keys and values, chunks overlap by ${i % 50} tokens, and we measure "recall@k".`
      return q ? { id: `r${i}`, question_id: q, answer } : { id: `r${i}`, question: 'How would you evaluate a RAG system?', answer }
    })
    const cell = (v: string | undefined) => (v === undefined ? '' : `"${v.replace(/"/g, '""')}"`)
    const inputs: Record<string, string> = {
      'answers.jsonl': recs.map((r) => JSON.stringify(r)).join('\n') + '\n',
      'reversed.jsonl': [...recs].reverse().map((r) => JSON.stringify(r)).join('\n') + '\n',
      'answers.json': JSON.stringify(recs, null, 1),
      'answers.csv': ['id,question_id,question,answer', ...recs.map((r) => [r.id, r.question_id, r.question, r.answer].map(cell).join(','))].join('\n') + '\n',
    }
    const runs: Record<string, { out: Record<string, unknown>[]; stderr: string }> = {}
    for (const [name, content] of Object.entries(inputs)) {
      writeFileSync(join(dir, name), content)
      const r = await runCli(['grade', join(dir, name), '--judge', 'offline'], { env: { MOCKINT_HOME: join(dir, `home-${name}`) } })
      expect(r.code, `${name}: ${r.stderr}`).toBe(0)
      runs[name] = { out: lines(r.stdout), stderr: r.stderr }
    }
    const byId = (out: Record<string, unknown>[]) => Object.fromEntries(out.map(({ latency_ms: _, ...r }) => [r.id, r]))
    const summary = (err: string) => err.split('\n').filter((l) => /^(mean|dimensions|flags)/.test(l))
    const first = runs['answers.jsonl']!
    expect(Object.keys(byId(first.out))).toHaveLength(recs.length)
    expect(summary(first.stderr)).toHaveLength(3)
    for (const [name, { out, stderr }] of Object.entries(runs)) {
      // One run of lines per question (these files fit in one block or window), file order within each.
      const order = out.map((r) => String(r.question_id))
      expect(order.filter((q, i) => i === 0 || q !== order[i - 1]), name).toHaveLength(questions.length)
      for (const q of new Set(order)) {
        const ids = out.filter((r) => String(r.question_id) === q).map((r) => Number(String(r.id).slice(1)))
        const fileOrder = name.startsWith('reversed') ? [...ids].sort((x, y) => y - x) : [...ids].sort((x, y) => x - y)
        expect(ids, `${name} ${q}`).toEqual(fileOrder)
      }
      expect(byId(out), name).toEqual(byId(first.out))
      expect(summary(stderr), name).toEqual(summary(first.stderr))
    }
  })

  it('reads JSONL from stdin with -', async () => {
    const r = await runCli(['grade', '-', '--judge', 'offline'], { stdin: readFileSync(join(FIX, 'valid.jsonl'), 'utf8') })
    expect(r.code).toBe(0)
    expect(lines(r.stdout).map((x) => x.id)).toEqual(expect.arrayContaining(['a1', 'a2']))
  })

  it('stops on bad input with file:line messages, exit 2, having graded nothing', async () => {
    const dir = tempDir()
    const r = await runCli(['grade', join(FIX, 'invalid.jsonl'), '--out', join(dir, 'out.jsonl'), ...llm(dir).args], { env: llm(dir).env })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid.jsonl:2: missing "answer"')
    expect(r.stderr).toContain('invalid.jsonl:4: duplicate id "b1" (first on line 1)')
    expect(r.stderr).toMatch(/7 problems in .*invalid\.jsonl; nothing was graded/)
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/) // no stack trace
    expect(srv.chatRequests()).toHaveLength(0)
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false)
  })

  it('rejects an unknown extension, --resume without --out, and a bad --report extension with exit 2', async () => {
    expect((await runCli(['grade', 'answers.txt'])).code).toBe(2)
    expect((await runCli(['grade', join(FIX, 'valid.jsonl'), '--resume'])).stderr).toMatch(/--resume needs --out/)
    expect((await runCli(['grade', join(FIX, 'valid.jsonl'), '--report', 'r.pdf'])).code).toBe(2)
  })

  it('exits 1 when the mean is below --min-score, and writes md and html reports', async () => {
    const dir = tempDir()
    const r = await runCli(['grade', join(FIX, 'valid.jsonl'), '--judge', 'offline', '--min-score', '95', '--out', join(dir, 'o.jsonl'), '--report', join(dir, 'r.md')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/below --min-score 95/)
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain('## Score distribution')
    const h = await runCli(['grade', join(FIX, 'valid.jsonl'), '--judge', 'offline', '--report', join(dir, 'r.html')])
    expect(h.code).toBe(0)
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<svg id="distribution"')
  })
})

describe('mockint grade (LLM judge on a loopback server)', () => {
  it('writes error records (no score) and exits 3; --resume grades only those', async () => {
    const dir = tempDir()
    const file = answersFile(6, dir)
    const out = join(dir, 'out.jsonl')
    srv.script({ kind: 'status', status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } })
    const first = await runCli(['grade', file, '--out', out, '--concurrency', '1', ...llm(dir).args], { env: llm(dir).env })
    expect(first.code).toBe(3)
    const rs = lines(readFileSync(out, 'utf8'))
    expect(rs).toHaveLength(6)
    const bad = rs.filter((x) => x.status === 'error')
    expect(bad).toHaveLength(1)
    expect(bad[0]).toMatchObject({ overall: null, scores: null, error: { retryable: false } })
    expect(first.stderr).toMatch(/--resume to retry/)
    srv.reset()
    const second = await runCli(['grade', file, '--out', out, '--resume', ...llm(dir).args], { env: llm(dir).env })
    expect(second.code).toBe(0)
    expect(srv.chatRequests()).toHaveLength(1)
    const all = lines(readFileSync(out, 'utf8'))
    const graded = all.filter((x) => x.status === 'graded').map((x) => x.id)
    expect(graded.sort()).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5'])
    expect(second.stdout).toMatch(/graded 6\/6 \(5 from an earlier run\)/)
  })

  it('caches grades on disk: the second run makes no call; --no-cache does', async () => {
    const dir = tempDir()
    const file = answersFile(4, dir)
    const a = await runCli(['grade', file, ...llm(dir).args], { env: llm(dir).env })
    expect(a.code).toBe(0)
    expect(srv.chatRequests()).toHaveLength(4)
    const first = lines(a.stdout)
    expect(first[0]).toMatchObject({ judge: { kind: 'openai', model: 'gpt-4.1-mini' }, cached: false })
    expect(first[0]!.usage.prompt_tokens).toBeGreaterThan(0)
    const b = await runCli(['grade', file, ...llm(dir).args], { env: llm(dir).env })
    expect(b.code).toBe(0)
    expect(srv.chatRequests()).toHaveLength(4)
    expect(lines(b.stdout).every((x) => x.cached === true)).toBe(true)
    expect(b.stderr).toMatch(/4 from cache/)
    const c = await runCli(['grade', file, '--no-cache', ...llm(dir).args], { env: llm(dir).env })
    expect(c.code).toBe(0)
    expect(srv.chatRequests()).toHaveLength(8)
    // A different model is a different key.
    await runCli(['grade', file, '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1'], { env: llm(dir).env })
    expect(srv.chatRequests()).toHaveLength(12)
  })

  it('--repeat grades each answer n times with distinct seeds and reports the spread', async () => {
    const dir = tempDir()
    const file = answersFile(2, dir)
    let n = 0
    srv.setDefault({
      mutateVerdict: (v) => {
        // Alternate the observability level between runs: 1, 2, 1, 2 …
        v.dimensions[3]!.level = 1 + (n++ % 2)
        return v
      },
    })
    const r = await runCli(['grade', file, '--repeat', '3', '--concurrency', '1', ...llm(dir).args], { env: llm(dir).env })
    expect(r.code).toBe(0)
    expect(srv.chatRequests()).toHaveLength(6)
    const seeds = new Set(srv.chatRequests().map((q) => q.body.seed))
    expect(seeds.size).toBe(3)
    const rs = lines(r.stdout)
    expect(rs[0]!.repeats).toHaveLength(3)
    expect(rs[0]).toMatchObject({ stable: true })
    expect(rs[0]!.spread).toBeGreaterThan(0)
    expect(r.stderr).toMatch(/repeats ×3: 2\/2 stable/)
    expect(r.stderr).toMatch(/observability 0%/)
  })

  it('rides out a 429 with Retry-After and a reset: every answer graded once', async () => {
    const dir = tempDir()
    const file = answersFile(8, dir)
    srv.script({ kind: 'rate-limit', retryAfterMs: 200 }, { kind: 'reset' }, { kind: 'malformed' }, { kind: 'server-error' })
    const r = await runCli(['grade', file, '--concurrency', '4', ...llm(dir).args], { env: llm(dir).env })
    expect(r.code).toBe(0)
    const rs = lines(r.stdout)
    expect(rs.map((x) => x.id).sort()).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'])
    expect(rs.every((x) => x.status === 'graded')).toBe(true)
  })

  it('estimates cost from the price table, extended by the config file\'s prices', async () => {
    const dir = tempDir()
    const file = answersFile(2, dir)
    const args = ['grade', file, '--judge', 'openai', '--base-url', srv.url, '--model', 'my-judge', '--no-cache']
    const unknown = await runCli(args, { env: { MOCKINT_HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg') } })
    expect(unknown.code).toBe(0)
    expect(unknown.stderr).toMatch(/cost unknown \(no price for "my-judge"; add it under `prices` in the config file/)
    mkdirSync(join(dir, 'cfg', 'mockint'), { recursive: true })
    writeFileSync(join(dir, 'cfg', 'mockint', 'config.yaml'), 'prices:\n  my-judge: { input: 1000000, output: 0 }\n')
    const priced = await runCli(args, { env: { MOCKINT_HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg') } })
    expect(priced.code).toBe(0)
    // $1 per prompt token: the cost equals the prompt tokens spent.
    const tokens = Number(/tokens (\d+) in/.exec(priced.stderr)![1])
    expect(tokens).toBeGreaterThan(0)
    expect(priced.stderr).toContain(`est. cost $${tokens.toFixed(4)}`)
  })

  it('never writes the API key anywhere', async () => {
    const dir = tempDir()
    const file = answersFile(2, dir)
    const key = 'sk-test-SECRET-0123456789abcdef'
    srv.script({ kind: 'auth' }, { kind: 'auth' })
    const r = await runCli(['grade', file, '--out', join(dir, 'o.jsonl'), '--report', join(dir, 'r.html'), ...llm(dir).args], {
      env: { ...llm(dir).env, OPENAI_API_KEY: key },
    })
    expect(r.code).toBe(3)
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, 'o.jsonl'), 'utf8'), readFileSync(join(dir, 'r.html'), 'utf8')])
      expect(text).not.toContain('SECRET')
  })
})
