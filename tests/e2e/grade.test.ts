import { spawn } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeFault, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { ragAnswer, writeAnswers } from '../helpers/answers.js'
import { BIN, mockint } from '../helpers/spawn.js'

let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())

/** Every third answer is to the shipped kv-cache question, graded by the marker's levels; the rest are RAG. */
const answers = (dir: string, n: number) =>
  writeAnswers(dir, n, (id, i) =>
    i % 3 === 0 ? { id, question_id: 'llm-fundamentals/kv-cache', answer: `The KV cache stores keys and values of previous tokens. [[levels:${i % 5},2,3,1]]` } : ragAnswer(id, i),
  )

function env(home: string) {
  return { MOCKINT_HOME: home, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, XDG_CONFIG_HOME: join(home, 'cfg') }
}
const judgeArgs = () => ['--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini']

function parseOut(file: string) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; status: string; overall: number | null; error?: { cause?: string } })
}

/** Starts the binary and SIGKILLs it once `out` holds at least `after` lines. */
function runAndKill(args: string[], envs: Record<string, string | undefined>, out: string, after: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...envs }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.stdout.resume()
    const poll = setInterval(() => {
      let n = 0
      try {
        n = readFileSync(out, 'utf8').split('\n').length - 1
      } catch {}
      if (n >= after) {
        clearInterval(poll)
        child.kill('SIGKILL')
      }
    }, 5)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearInterval(poll)
      if (signal !== 'SIGKILL') reject(new Error(`expected a kill, got exit ${code}: ${stderr}`))
      else resolve(stderr)
    })
  })
}

describe('mockint grade (built binary)', () => {
  it('killed with kill -9 at several moments and resumed: exactly one graded line per input id', async () => {
    const dir = tempDir()
    const { file, ids } = answers(dir, 60)
    const out = join(dir, 'results.jsonl')
    srv.reset()
    srv.setDefault({ delayMs: 15 })
    const args = (resume: boolean) => ['grade', file, '--out', out, ...(resume ? ['--resume'] : []), '--concurrency', '4', '--no-cache', ...judgeArgs()]
    // Killed three times, each run resuming the last, at growing numbers of lines written.
    for (const [i, after] of [5, 20, 35].entries()) await runAndKill(args(i > 0), env(dir), out, after)
    const partial = parseOut(out).filter((x) => x.status === 'graded')
    expect(partial.length).toBeGreaterThanOrEqual(35)
    expect(partial.length).toBeLessThan(60)
    expect(new Set(partial.map((x) => x.id)).size).toBe(partial.length)
    // Simulate the worst moment: a line torn in the middle of a write.
    writeFileSync(out, readFileSync(out, 'utf8') + '{"id":"ans-59","status":"gra', { flag: 'w' })
    const before = srv.chatRequests().length
    const r = await mockint(['grade', file, '--out', out, '--resume', '--concurrency', '4', '--no-cache', ...judgeArgs()], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/resuming .*: \d+ of 60 already graded, a torn last line cut/)
    const rs = parseOut(out)
    const graded = rs.filter((x) => x.status === 'graded').map((x) => x.id)
    expect(graded.sort()).toEqual([...ids].sort())
    expect(new Set(graded).size).toBe(graded.length)
    // The last run graded only what was missing.
    expect(srv.chatRequests().length - before).toBe(60 - partial.length)
    srv.setDefault({ delayMs: 0 })
  })

  it('a refused key stops the calls at once (exit 3, what to do, every answer written as an error), and --resume grades them once it is fixed', async () => {
    const dir = tempDir()
    const { file, ids } = answers(dir, 40)
    const out = join(dir, 'results.jsonl')
    srv.reset()
    srv.script(...Array.from({ length: 100 }, (): FakeFault => ({ kind: 'auth' })))
    const r = await mockint(['grade', file, '--out', out, '--concurrency', '4', '--no-cache', ...judgeArgs()], { env: env(dir) })
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toMatch(/stopped early: the server refused the API key \(auth\), so every further answer would fail the same way: the rest were not sent and are written as errors; check the key .*then run again with --resume to grade them/)
    // Only the answers already in flight when the first refusal came back were sent.
    const sent = srv.chatRequests().length
    expect(sent).toBeGreaterThan(0)
    expect(sent).toBeLessThanOrEqual(8)
    // Still one line per input record (CONTRACT): every answer is an error with the cause, sent or not.
    const first = parseOut(out)
    expect(first.map((x) => x.id).sort()).toEqual([...ids].sort())
    expect(first.every((x) => x.status === 'error' && x.error?.cause === 'auth')).toBe(true)
    srv.reset()
    const again = await mockint(['grade', file, '--out', out, '--resume', '--concurrency', '4', '--no-cache', ...judgeArgs()], { env: env(dir) })
    expect(again.code, again.stderr).toBe(0)
    const graded = parseOut(out).filter((x) => x.status === 'graded').map((x) => x.id)
    expect(graded.sort()).toEqual([...ids].sort())
  })

  it('with 20% of calls failing (429, 500, reset, malformed JSON): every answer graded, none twice', async () => {
    const dir = tempDir()
    const { file, ids } = answers(dir, 80)
    const out = join(dir, 'results.jsonl')
    srv.reset()
    let seed = 42
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const faults: FakeFault[] = [{ kind: 'rate-limit', retryAfterMs: 100 }, { kind: 'server-error', status: 500 }, { kind: 'reset' }, { kind: 'malformed' }]
    const queue: FakeFault[] = Array.from({ length: 200 }, () => (rand() < 0.2 ? faults[Math.floor(rand() * 4)]! : { kind: 'ok' }))
    srv.script(...queue)
    const r = await mockint(['grade', file, '--out', out, '--concurrency', '8', ...judgeArgs()], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    const rs = parseOut(out)
    expect(rs).toHaveLength(80)
    expect(rs.every((x) => x.status === 'graded' && typeof x.overall === 'number')).toBe(true)
    expect(rs.map((x) => x.id).sort()).toEqual([...ids].sort())
    expect(queue.filter((f) => f.kind !== 'ok').length).toBeGreaterThan(20)
  })

  it('keeps stdout pure JSONL without --out and prints plain progress lines on a non-terminal stderr', async () => {
    const dir = tempDir()
    const { file } = answers(dir, 5)
    srv.reset()
    const r = await mockint(['grade', file, ...judgeArgs()], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    const outLines = r.stdout.trim().split('\n')
    expect(outLines).toHaveLength(5)
    for (const l of outLines) expect(() => JSON.parse(l)).not.toThrow()
    expect(r.stderr).toMatch(/mockint: judge: /)
    expect(r.stderr).toMatch(/5\/5 100% · [\d.]+\/s · ETA 0s · errors 0 · tokens [\d.]+k?/)
    expect(r.stderr).not.toMatch(/\x1b\[/)
  })

  it('runs at high concurrency without Node warnings on stderr (one cancel signal serves every call)', async () => {
    const dir = tempDir()
    const { file } = answers(dir, 48)
    const out = join(dir, 'results.jsonl')
    srv.reset()
    srv.setDefault({ delayMs: 30 })
    const r = await mockint(['grade', file, '--out', out, '--concurrency', '32', '--no-cache', ...judgeArgs()], { env: env(dir) })
    srv.setDefault({ delayMs: 0 })
    expect(r.code, r.stderr).toBe(0)
    expect(parseOut(out)).toHaveLength(48)
    expect(r.stderr).not.toMatch(/Warning|MaxListeners|\(node:\d+\)/)
  })

  it('a judge that keeps failing: the message, the record and the progress count the same attempts', async () => {
    const dir = tempDir()
    const file = join(dir, 'one.jsonl')
    writeFileSync(file, JSON.stringify({ id: 'a1', question: 'What is a KV cache?', answer: 'It stores keys and values.' }) + '\n')
    const out = join(dir, 'results.jsonl')
    srv.reset()
    // Far more failures than any retry budget; a short Retry-After keeps the test quick.
    srv.script(...Array.from({ length: 40 }, (): FakeFault => ({ kind: 'status', status: 503, headers: { 'retry-after-ms': '10' } })))
    const r = await mockint(['grade', file, '--out', out, '--no-cache', ...judgeArgs()], { env: env(dir) })
    expect(r.code, r.stderr).toBe(3)
    const [rec] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    // One definition of an attempt: a request sent; each one after the first is a retry.
    expect(srv.chatRequests()).toHaveLength(5)
    expect(rec.error).toMatchObject({ message: expect.stringMatching(/^gave up after 5 attempts: 503/), retryable: true, attempts: 5 })
    expect(r.stderr).toMatch(/· retries 4\b/)
    expect(r.stderr).not.toMatch(/retries (?!4\b)\d+/)
  })

  it('a base URL whose host does not resolve fails at once, naming the host: no retries', async () => {
    const dir = tempDir()
    const { file } = answers(dir, 3)
    const out = join(dir, 'results.jsonl')
    const started = Date.now()
    const r = await mockint(['grade', file, '--out', out, '--no-cache', '--judge', 'openai', '--base-url', 'http://nonexistent.invalid/v1', '--model', 'gpt-4.1-mini'], {
      env: env(dir),
    })
    // Retrying a name that does not resolve took about 28 s per answer; failing at once takes start-up time.
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(r.code, r.stderr).toBe(3)
    // The summary (on stdout with --out) quotes the error.
    expect(r.stdout).toMatch(/cannot resolve host "nonexistent\.invalid" \((ENOTFOUND|EAI_AGAIN)\) of the base URL http:\/\/nonexistent\.invalid\/v1; check --base-url/)
    expect(r.stderr).not.toMatch(/retries \d/)
    const rs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(rs).toHaveLength(3)
    for (const x of rs) expect(x).toMatchObject({ status: 'error', overall: null, error: { message: expect.stringContaining('"nonexistent.invalid"'), retryable: false, attempts: 1 } })
  })

  it('answers exit 2 with one clear line for an unreadable input', async () => {
    const dir = tempDir()
    const r = await mockint(['grade', join(dir, 'missing.jsonl'), '--judge', 'offline'], { env: env(dir) })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/missing\.jsonl: no such file/)
    expect(statSync(dir).isDirectory()).toBe(true)
  })
})
