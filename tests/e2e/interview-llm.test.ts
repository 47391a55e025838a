import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { useFakeOpenAI } from '../helpers/openai-setup.js'
import { useInterviewTmux, type TmuxSession } from '../helpers/tmux.js'
import { FAILURE_CAUSES } from '../../src/core/judge/types.js'

const tmux = await useInterviewTmux('interview llm e2e')
const skip = tmux.skip

const SECRET = 'sk-e2e-DO-NOT-PRINT-4242'
const srv = useFakeOpenAI()

const start = (home: string, args: string[]) =>
  tmux.start(home, ['--judge', 'openai', '--base-url', srv.url, '--model', 'fake-judge-1', ...args], {
    env: { OPENAI_API_KEY: SECRET },
  })

const seen = (t: TmuxSession, pattern: RegExp, n: number) =>
  t.waitFor((s) => (s.match(new RegExp(pattern.source, 'g')) ?? []).length >= n)

describe.skipIf(!!skip)('mockint interview with the LLM judge (loopback server, tmux)', () => {
  it("asks the judge's follow-up with the parent as context, shows a judge failure as such, and regrades it on resume", async () => {
    const home = tempDir()
    srv.reset()
    // The first grading call fails for good (400 is not retried): q1 has no grade.
    srv.script({ kind: 'status', status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error' } } })
    const t = await start(home, ['--bank', 'tests/fixtures/banks/interview', '--category', 'fixture', '--count', '2', '--seed', '1'])
    await t.waitFor(/Question 1\/2/)
    expect(await t.history()).toMatch(/judge: .*fake-judge-1/)
    await t.type('first answer about BPE merges [[levels:2,2,2,2]]')
    await t.keys('C-d')
    // No grade to aim at: the bank's first follow-up is asked.
    await seen(t, /Follow-up · Principle/, 1)
    await t.type('byte fallback covers every input [[levels:3,3,3,3]]')
    await t.keys('C-d')
    await t.waitFor(/Question 2\/2/)
    await t.type('continuous batching answer [[levels:3,3,3,1]]')
    await t.keys('C-d')
    // The judge gave the lowest level to observability and wrote its own follow-up.
    await t.waitFor(/Follow-up · Observability & evaluation/)
    await t.waitFor(/Tell me more about observability\./)
    await t.type('I would alert on queue depth [[levels:1,1,1,3]]')
    await t.keys('C-d')
    const out = await t.waitFor(/__EXIT=\d+/, 30_000)
    expect(out).toContain('__EXIT=3')
    expect(out).toMatch(/grading q1 failed: .*(400|context too long)/)
    expect(out).toMatch(/judge failed — no score/)
    expect(out).not.toContain(SECRET)

    // The follow-up was graded with the parent question and answer as context.
    const fuReq = srv.chatRequests().find((r) => r.raw.includes('I would alert on queue depth'))!
    expect(fuReq.raw).toContain('continuous batching answer')
    expect(fuReq.raw).toContain('Tell me more about observability.')

    const dir = join(home, 'data', 'sessions')
    const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!
    const id = file.replace(/\.jsonl$/, '')
    const text = readFileSync(join(dir, file), 'utf8')
    expect(text).not.toContain(SECRET)
    const lines = text.trim().split('\n').map((l) => JSON.parse(l))
    const failure = lines.find((l) => l.type === 'judge_failure')
    expect(failure).toMatchObject({ key: 'q1', judge: { kind: 'openai' } })
    // The cause is recorded, as in grade's results (a typed failure, not message text).
    expect(FAILURE_CAUSES).toContain(failure.cause)
    expect(lines.filter((l) => l.type === 'grade').map((l) => l.key).sort()).toEqual(['q1.f1', 'q2', 'q2.f1'])
    expect(lines.find((l) => l.type === 'grade' && l.key === 'q2')).toMatchObject({ scores: { observability: 1 }, judge: { kind: 'openai', model: 'fake-judge-1' } })
    await t.kill()

    const r = await start(home, ['--resume'])
    const done = await r.waitFor(/__EXIT=\d+/, 30_000)
    expect(done).toMatch(new RegExp(`resuming\\s+${id}`))
    expect(done).toContain('__EXIT=0')
    expect(done).not.toMatch(/judge failed/)
    const after = readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(after.filter((l) => l.type === 'grade' && l.key === 'q1')).toHaveLength(1)
    expect(after.filter((l) => l.type === 'question_shown')).toHaveLength(4)
  })

  it('swallows keys typed while waiting, and Ctrl+C while the judge is grading cancels the call, saves, and prints the resume command', async () => {
    const home = tempDir()
    srv.reset()
    srv.setDefault({ delayMs: 3000 })
    const t = await start(home, ['--bank', 'tests/fixtures/banks/interview', '--category', 'fixture', '--count', '1'])
    await t.waitFor(/Question 1\/1/)
    await t.type('an answer the slow judge is grading')
    await t.keys('C-d')
    await t.waitFor(/grading your answer to aim the follow-up/)
    // Keys typed while waiting are discarded: they neither echo nor leak into the next answer.
    await t.type('zzz')
    await t.waitFor(/Follow-up · /, 10_000)
    await t.waitFor(/0:\d\d left/)
    await t.type('short follow-up answer')
    await t.keys('C-d')
    await t.waitFor(/waiting for 1 grade/)
    const before = Date.now()
    await t.keys('C-c')
    const out = await t.waitFor(/__EXIT=\d+/, 6000)
    expect(Date.now() - before).toBeLessThan(2500) // did not wait for the 3 s judge
    expect(out).toContain('__EXIT=130')
    expect(out).toMatch(/Resume with: mockint interview --resume \S+/)
    const dir = join(home, 'data', 'sessions')
    const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!
    const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const answers = lines.filter((l) => l.type === 'answer')
    expect(answers.map((a) => [a.key, a.text])).toEqual([['q1', 'an answer the slow judge is grading'], ['q1.f1', 'short follow-up answer']])
    expect(lines.filter((l) => l.type === 'grade').map((l) => l.key)).toEqual(['q1'])
    expect(lines.some((l) => l.type === 'judge_failure')).toBe(false)
    expect(lines.at(-1).type).toBe('interrupted')
    srv.setDefault({ delayMs: 0 })
  })
})
