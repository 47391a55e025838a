import { readFileSync, writeFileSync, appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { gradeBatch, type GradeBatchOptions, type GradeEvent } from '../../src/core/grading/batch.js'
import { cacheKey, createFileCache } from '../../src/core/grading/cache.js'
import { AdaptiveLimiter } from '../../src/core/grading/limiter.js'
import { prepareRecord, type PreparedRecord } from '../../src/core/grading/record.js'
import { buildResult, type ResultRecord } from '../../src/core/grading/result.js'
import { openResultsFile, readPreviousResults, resultLine, streamSink } from '../../src/core/grading/results-file.js'
import { createSummary } from '../../src/core/grading/summary.js'
import { scoreVerdict } from '../../src/core/judge/score.js'
import type { Flag, GradeInput, GradeOutcome, Judge } from '../../src/core/judge/types.js'
import { tempDir } from '../helpers/temp.js'

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank(shippedBankPaths(), process.cwd())).bank
})
const tmp = () => tempDir('mockint-grading-')

function prepared(n: number, answer = (i: number) => `answer ${i}`): PreparedRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const r = prepareRecord({ line: i + 1, value: { id: `r${i}`, question: 'What is RAG?', answer: answer(i) } }, bank, { lang: 'en' })
    if (!r.ok) throw new Error(r.problem.message)
    return r.prepared
  })
}
async function* iter<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs
}

/** A scripted judge: levels from `[[l:a,b,c,d]]` in the answer (else 2s), plus scripted failures. */
function fakeJudge(opts: { fail?: (input: GradeInput, call: number) => GradeOutcome | undefined; delayMs?: number } = {}) {
  let calls = 0
  let inFlight = 0
  let maxInFlight = 0
  const judge: Judge & { calls(): number; maxInFlight(): number } = {
    kind: 'openai',
    describe: () => 'fake',
    calls: () => calls,
    maxInFlight: () => maxInFlight,
    async grade(input) {
      const call = ++calls
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 1))
        const f = opts.fail?.(input, call)
        if (f) return f
        const m = /\[\[l:([\d,]+)\]\]/.exec(input.answer)
        const levels = m ? m[1]!.split(',').map(Number) : [2, 2, 2, 2]
        // Repeats differ by one level on the last dimension for odd repeat indices.
        if ((input.repeat ?? 0) % 2 === 1) levels[3] = Math.min(4, levels[3]! + 1)
        const verdict = {
          dimensions: input.rubric.dimensions.map((d, i) => ({ id: d.id, evidence: [], rationale: 'r', level: levels[i] ?? 2 })),
          feedback: 'fb',
          missing: [],
          follow_up: 'fu',
          flags: [],
        }
        const s = scoreVerdict(verdict, input.rubric)
        if (!s.ok) throw new Error(s.reason)
        return { ...s, ok: true, verdict, judge: { kind: 'openai', model: 'gpt-4.1-mini' }, usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 50 }, latency_ms: 1 }
      } finally {
        inFlight--
      }
    },
  }
  return judge
}

const identity = { kind: 'openai' as const, model: 'gpt-4.1-mini', prompt_version: 'p1' }


/**
 * Grades `n` prepared records with `judge` one at a time, retries without waiting, and collects what is
 * written and emitted; `extra` goes over those options.
 */
async function gradeOneAtATime(judge: GradeBatchOptions['judge'], n: number, extra: Partial<GradeBatchOptions> = {}) {
  const written: ResultRecord[] = []
  const events: GradeEvent[] = []
  const out = await gradeBatch({
    records: iter(prepared(n)),
    judge,
    identity,
    repeat: 1,
    limiter: new AdaptiveLimiter(1),
    timer: { now: () => Date.now(), sleep: async () => {} },
    write: async (r) => void written.push(r),
    onEvent: (e) => events.push(e),
    ...extra,
  })
  return { out, written, events }
}

describe('gradeBatch', () => {
  it('grades every record once, within the concurrency limit, and reports progress', async () => {
    const judge = fakeJudge({ delayMs: 5 })
    const written: ResultRecord[] = []
    const events: GradeEvent[] = []
    const out = await gradeBatch({
      records: iter(prepared(40)),
      judge,
      identity,
      repeat: 1,
      limiter: new AdaptiveLimiter(4),
      write: async (r) => void written.push(r),
      onEvent: (e) => events.push(e),
    })
    expect(out).toMatchObject({ done: 40, errors: 0, interrupted: false })
    expect(new Set(written.map((r) => r.id)).size).toBe(40)
    expect(judge.maxInFlight()).toBeLessThanOrEqual(4)
    expect(judge.maxInFlight()).toBeGreaterThan(1)
    const last = events.filter((e) => e.type === 'result').at(-1)
    expect(last).toMatchObject({ done: 40, usage: { prompt_tokens: 4000 } })
    expect(written[0]).toMatchObject({ status: 'graded', overall: 50, scores: { principle: 2 }, error: null })
    expect(Object.keys(written[0]!).slice(0, 13)).toEqual(['id', 'question_id', 'status', 'overall', 'scores', 'feedback', 'missing', 'follow_up', 'flags', 'judge', 'usage', 'latency_ms', 'error'])
  })

  it('retries retryable failures and writes an error record (no score) for the rest', async () => {
    const judge = fakeJudge({
      fail: (input, call) => {
        if (input.answer === 'answer 0') return { ok: false, reason: 'refused', cause: 'refusal', retryable: false, judge: { kind: 'openai' } }
        if (call <= 6) return { ok: false, reason: 'HTTP 500', cause: 'server', retryable: true, judge: { kind: 'openai' } }
        return undefined
      },
    })
    const { out, written } = await gradeOneAtATime(judge, 3, { maxAttempts: 10 })
    expect(out.errors).toBe(1)
    const bad = written.find((r) => r.id === 'r0')!
    expect(bad).toMatchObject({ status: 'error', overall: null, scores: null, error: { message: 'refused', retryable: false, attempts: 1 } })
    expect(written.filter((r) => r.status === 'graded')).toHaveLength(2)
  })

  it("does not retry a failure the judge has retried itself, and records the judge's attempts", async () => {
    const judge = fakeJudge({ fail: () => ({ ok: false, reason: 'gave up after 5 attempts: 503', cause: 'server', retryable: true, attempts: 5, judge: { kind: 'openai' } }) })
    const { written, events } = await gradeOneAtATime(judge, 1)
    expect(judge.calls()).toBe(1)
    expect(events.filter((e) => e.type === 'retry')).toEqual([])
    expect(written[0]).toMatchObject({ status: 'error', error: { message: 'gave up after 5 attempts: 503', retryable: true, attempts: 5 } })
  })

  it('counts its own retries of a judge without retries as attempts, one per call', async () => {
    const judge = fakeJudge({ fail: () => ({ ok: false, reason: 'HTTP 500', cause: 'server', retryable: true, judge: { kind: 'openai' } }) })
    const { written, events } = await gradeOneAtATime(judge, 1, { maxAttempts: 3 })
    expect(judge.calls()).toBe(3)
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2)
    expect(written[0]).toMatchObject({ error: { attempts: 3 } })
  })

  it('halves concurrency on a 429 and waits out Retry-After before starting more', async () => {
    let rateLimited = false
    let limitedAt = 0
    const starts: number[] = []
    const judge = fakeJudge({
      delayMs: 10,
      fail: (_i, call) => {
        starts.push(Date.now())
        if (call === 3 && !rateLimited) {
          rateLimited = true
          limitedAt = Date.now()
          // The wording says nothing of a rate limit: the cause alone decides.
          return { ok: false, reason: 'please slow down', cause: 'rate_limit', retryable: true, judge: { kind: 'openai' }, retry_after_ms: 150 }
        }
        return undefined
      },
    })
    const changes: number[] = []
    const limiter = new AdaptiveLimiter(8, undefined, (s) => changes.push(s.limit))
    const out = await gradeBatch({ records: iter(prepared(30)), judge, identity, repeat: 1, limiter, write: async () => {} })
    expect(out.errors).toBe(0)
    expect(changes[0]).toBe(4)
    // No call starts between the 429 and the end of its Retry-After, apart from those already in flight.
    const startedInPause = starts.filter((t) => t > limitedAt + 20 && t < limitedAt + 140)
    expect(startedInPause).toEqual([])
    expect(limiter.state().limit).toBeGreaterThan(4) // recovered gradually
  })

  it('caches grades: a second run makes no call; --repeat uses distinct indices', async () => {
    const dir = tmp()
    const cache = createFileCache(dir)
    const judge = fakeJudge()
    const run = async (repeat: number) => {
      const written: ResultRecord[] = []
      await gradeBatch({ records: iter(prepared(5, (i) => `a${i} [[l:3,3,2,1]]`)), judge, identity, cache, repeat, limiter: new AdaptiveLimiter(2), write: async (r) => void written.push(r) })
      return written
    }
    await run(1)
    expect(judge.calls()).toBe(5)
    const second = await run(1)
    expect(judge.calls()).toBe(5)
    expect(second.every((r) => r.cached && r.usage.prompt_tokens === 0)).toBe(true)
    const rep = await run(3)
    // repeat 0 is cached; repeats 1 and 2 are new calls
    expect(judge.calls()).toBe(15)
    const r = rep[0]!
    expect(r.repeats!.map((x) => x.scores.observability)).toEqual([1, 2, 1])
    expect(r.scores!.observability).toBe(1)
    expect(r.spread).toBeGreaterThan(0)
    expect(r.stable).toBe(true)
    const summary = createSummary({ repeat: 3, model: 'gpt-4.1-mini' })
    for (const x of rep) summary.add(x)
    const s = summary.finish(1)
    expect(s.repeats!.agreement.observability).toEqual({ exact: 0, within_one: 1 })
    expect(s.repeats!.agreement.principle).toEqual({ exact: 1, within_one: 1 })
  })

  it('keys the cache on everything that changes a grade', () => {
    const [p] = prepared(1)
    const base = cacheKey(identity, p!.input)
    expect(cacheKey(identity, { ...p!.input })).toBe(base)
    expect(cacheKey({ ...identity, model: 'gpt-4.1' }, p!.input)).not.toBe(base)
    expect(cacheKey({ ...identity, prompt_version: 'p2' }, p!.input)).not.toBe(base)
    expect(cacheKey(identity, { ...p!.input, answer: 'other' })).not.toBe(base)
    expect(cacheKey(identity, { ...p!.input, lang: 'zh' })).not.toBe(base)
    expect(cacheKey(identity, { ...p!.input, repeat: 1 })).not.toBe(base)
    expect(cacheKey(identity, { ...p!.input, rubric: { ...p!.input.rubric, version: 2 } })).not.toBe(base)
    expect(cacheKey({ ...identity, output_mode: 'json_object' }, p!.input)).not.toBe(cacheKey({ ...identity, output_mode: 'json_schema' }, p!.input))
  })

  it('keys cached grades by the output mode that produced them', async () => {
    const dir = tmp()
    const cache = createFileCache(dir)
    // A judge that starts in json_schema, but whose server only takes json_object: grades come from json_object.
    let start = 'json_schema'
    const inner = fakeJudge()
    const judge: Judge = {
      ...inner,
      outputMode: async () => start,
      async grade(input) {
        const o = await inner.grade(input)
        return { ...o, judge: { ...o.judge, output_mode: 'json_object' } } as GradeOutcome
      },
    }
    const run = async () => {
      const written: ResultRecord[] = []
      await gradeBatch({ records: iter(prepared(3)), judge, identity, cache, repeat: 1, limiter: new AdaptiveLimiter(2), write: async (r) => void written.push(r) })
      return written
    }
    await run()
    expect(inner.calls()).toBe(3)
    // The judge now remembers json_object: the grades stored under that mode are found.
    start = 'json_object'
    expect((await run()).every((r) => r.cached)).toBe(true)
    expect(inner.calls()).toBe(3)
    // A judge that would start in plain text mode does not reuse grades made in JSON mode.
    start = 'text'
    expect((await run()).some((r) => r.cached)).toBe(false)
    expect(inner.calls()).toBe(6)
  })

  it('stops taking records when the signal aborts, and writes none of the unfinished', async () => {
    const ac = new AbortController()
    const judge = fakeJudge({ delayMs: 20 })
    const written: ResultRecord[] = []
    const out = await gradeBatch({
      records: iter(prepared(50)),
      judge,
      identity,
      repeat: 1,
      limiter: new AdaptiveLimiter(2),
      signal: ac.signal,
      write: async (r) => {
        written.push(r)
        if (written.length === 3) ac.abort()
      },
    })
    expect(out.interrupted).toBe(true)
    expect(written.length).toBeLessThan(6)
    expect(written.every((r) => r.status === 'graded')).toBe(true)
  })
})

describe('gradeBatch writes', () => {
  it('takes the next record before the last write lands, and returns only when every write has', async () => {
    const judge = fakeJudge({ delayMs: 1 })
    const landed: string[] = []
    let slowWrites = 0
    const out = await gradeBatch({
      records: iter(prepared(20)),
      judge,
      identity,
      repeat: 1,
      limiter: new AdaptiveLimiter(4),
      write: async (r) => {
        // The first write takes far longer than grading the rest: the other 19 grades can only finish
        // first if the worker that handed it over does not wait for it.
        const ms = r.id === 'r0' ? 150 : 0
        if (ms) slowWrites++
        await new Promise((res) => setTimeout(res, ms))
        landed.push(r.id)
      },
    })
    expect(slowWrites).toBe(1)
    expect(out.done).toBe(20)
    expect(landed).toHaveLength(20)
    expect(landed.at(-1)).toBe('r0')
  })

  it('lets as many results wait for their write as the concurrency, or as many as the sink allows', async () => {
    // Writes that land only when released: a worker waits once the bound is reached.
    const handed = async (maxUnwritten?: number) => {
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let writes = 0
      const run = gradeBatch({
        records: iter(prepared(100)),
        judge: fakeJudge(),
        identity,
        repeat: 1,
        limiter: new AdaptiveLimiter(4),
        write: () => (writes++, held),
        ...(maxUnwritten === undefined ? {} : { maxUnwritten }),
      })
      await new Promise((r) => setTimeout(r, 50))
      const before = writes
      release()
      const out = await run
      return { before, done: out.done }
    }
    // The worker whose result reaches the bound waits; the other three each hand over one more before they do.
    expect(await handed()).toEqual({ before: 4 + 3, done: 100 })
    expect(await handed(40)).toEqual({ before: 40 + 3, done: 100 })
    // Never fewer than the concurrency.
    expect(await handed(1)).toEqual({ before: 4 + 3, done: 100 })
  })

  it('stops on a failed write and throws it once the workers have stopped', async () => {
    const judge = fakeJudge({ delayMs: 2 })
    let writes = 0
    await expect(
      gradeBatch({
        records: iter(prepared(200)),
        judge,
        identity,
        repeat: 1,
        limiter: new AdaptiveLimiter(4),
        write: async (r) => {
          writes++
          if (r.id === 'r5') throw new Error('ENOSPC: no space left on device')
        },
      }),
    ).rejects.toThrow('ENOSPC')
    expect(judge.calls()).toBeLessThan(40)
    expect(writes).toBeLessThan(40)
  })
})

describe('stdout sink', () => {
  it('holds a write until a full stream drains, so a slow reader slows grading instead of filling memory', async () => {
    const { Writable } = await import('node:stream')
    const taken: string[] = []
    let release: (() => void) | undefined
    // A reader that takes one chunk, then stalls until released.
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        taken.push(chunk.toString())
        release = cb
      },
    })
    const sink = streamSink(slow)
    let settled = false
    const w = sink.write({ id: 'a', status: 'graded' } as ResultRecord).then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(taken).toHaveLength(1)
    expect(settled).toBe(false)
    release!()
    await w
    expect(settled).toBe(true)
    // With gradeBatch: a reader that never drains stops the grader after a bounded number of results.
    const stuck = new Writable({ highWaterMark: 16, write() {} })
    const judge = fakeJudge()
    const run = gradeBatch({ records: iter(prepared(200)), judge, identity, repeat: 1, limiter: new AdaptiveLimiter(4), write: streamSink(stuck).write })
    await new Promise((r) => setTimeout(r, 200))
    expect(judge.calls()).toBeLessThanOrEqual(12)
    stuck.destroy()
    void run.catch(() => undefined)
  })
})

describe('buildResult', () => {
  it('builds the record of one grade field for field, in the contract order, as it does for repeats', () => {
    const [p] = prepared(1)
    const grade = (overall: number, levels: number[], flags: Flag[]) => ({
      ok: true as const,
      verdict: { dimensions: [], feedback: `fb ${overall}`, missing: ['m'], follow_up: 'fu', flags },
      scores: Object.fromEntries(p!.input.rubric.dimensions.map((d, i) => [d.id, levels[i]!])),
      overall,
      pass: overall >= p!.input.rubric.pass,
      judge: { kind: 'openai' as const, model: 'gpt-4.1-mini' },
      usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 50 },
      latency_ms: 7,
      cached: false,
      attempts: 1,
    })
    const one = buildResult(p!, [grade(62.5, [3, 2, 4, 1], ['prompt_injection', 'truncated', 'prompt_injection'])])
    const keys = ['id', 'question_id', 'status', 'overall', 'scores', 'feedback', 'missing', 'follow_up', 'flags', 'judge', 'usage', 'latency_ms', 'error', 'rubric', 'cached', 'pass']
    expect(Object.keys(one)).toEqual(keys)
    expect(one).toEqual({
      id: 'r0',
      question_id: null,
      status: 'graded',
      overall: 62.5,
      scores: { principle: 3, scenario: 2, engineering: 4, observability: 1 },
      feedback: 'fb 62.5',
      missing: ['m'],
      follow_up: 'fu',
      flags: ['prompt_injection', 'truncated'],
      judge: { kind: 'openai', model: 'gpt-4.1-mini' },
      usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 50 },
      latency_ms: 7,
      error: null,
      rubric: 'llm-engineer',
      cached: false,
      pass: true,
    })
    // Two identical repeats take the general path: the same fields, plus the repeats' own.
    const two = buildResult(p!, [grade(62.5, [3, 2, 4, 1], ['prompt_injection']), grade(62.5, [3, 2, 4, 1], ['prompt_injection'])])
    expect(Object.keys(two)).toEqual([...keys, 'repeats', 'spread', 'stable'])
    const { repeats: _r, spread: _s, stable: _t, ...shared } = two
    expect(shared).toEqual({ ...one, flags: ['prompt_injection'], usage: { prompt_tokens: 200, completion_tokens: 20, cached_tokens: 100 }, latency_ms: 14 })
  })
})

describe('results file', () => {
  it('groups results that finish during a write into the next write, whole lines in order', async () => {
    const dir = tmp()
    const file = join(dir, 'out.jsonl')
    const sink = await openResultsFile(file, 'out.jsonl', { resume: false })
    const ids = Array.from({ length: 500 }, (_, i) => `g${i}`)
    await Promise.all(ids.map((id) => sink.write({ id, status: 'graded' } as ResultRecord)))
    await sink.close()
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(ids)
  })

  it('keeps every line whole and in order while the file is synced in the background as it grows', async () => {
    const dir = tmp()
    const file = join(dir, 'out.jsonl')
    // A background sync after every few KB, so that syncs run while later groups are written and at close.
    const sink = await openResultsFile(file, 'out.jsonl', { resume: false, syncEveryBytes: 4096 })
    const results = Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, status: 'graded', feedback: 'x'.repeat(i % 300) }) as unknown as ResultRecord)
    for (let i = 0; i < results.length; i += 25) {
      await Promise.all(results.slice(i, i + 25).map((r) => sink.write(r)))
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1))
    }
    await sink.close()
    expect(readFileSync(file, 'utf8')).toBe(results.map((r) => JSON.stringify(r) + '\n').join(''))
  })

  it('acknowledges a result only once its line is in the file, writing the results of one event-loop turn together', async () => {
    const dir = tmp()
    const file = join(dir, 'out.jsonl')
    const sink = await openResultsFile(file, 'out.jsonl', { resume: false })
    const onDisk = () => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).id)
    const seenAtAck: string[][] = []
    // Three results in one turn: nothing is written until the turn ends, then all three in one go.
    const first = ['t0', 't1', 't2'].map((id) => sink.write({ id, status: 'graded' } as ResultRecord).then(() => seenAtAck.push(onDisk())))
    expect(onDisk()).toEqual([])
    await Promise.resolve()
    expect(onDisk()).toEqual([])
    await Promise.all(first)
    expect(seenAtAck).toEqual([['t0', 't1', 't2'], ['t0', 't1', 't2'], ['t0', 't1', 't2']])
    // A result of a later turn goes in a later write, and is acknowledged with its own line in the file.
    await new Promise((r) => setImmediate(r))
    await sink.write({ id: 't3', status: 'graded' } as ResultRecord)
    expect(onDisk()).toEqual(['t0', 't1', 't2', 't3'])
    await sink.close()
  })

  it('writes each result as JSON.stringify does, byte for byte, whatever its strings and fields', async () => {
    const [p] = prepared(1)
    const base = buildResult(p!, [
      {
        ok: true,
        verdict: { dimensions: [], feedback: 'fb', missing: ['m'], follow_up: 'fu', flags: [] },
        scores: Object.fromEntries(p!.input.rubric.dimensions.map((d) => [d.id, 2])),
        overall: 50,
        pass: false,
        judge: { kind: 'openai', model: 'gpt-4.1-mini' },
        usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 50 },
        latency_ms: 7,
        cached: false,
        attempts: 1,
      },
    ])
    const results: ResultRecord[] = [
      base,
      { ...base, id: 'zh', feedback: '内容 — “引号” \\ \n\t\u0001 ✓', missing: ['关键点 — τ-bench, pass^k', 'a "quoted" \\ point', '\ud800 lone', '😀'] },
      { ...base, id: 'odd', missing: ['x', 1 as unknown as string, null as unknown as string], follow_up: undefined as unknown as string },
      ...[-0, NaN, Infinity, -Infinity, 1e21, 5e-7, 0.1 + 0.2, -12.5].map((n, i) => ({ ...base, id: `n${i}`, overall: n, latency_ms: n, pass: i % 2 === 0 })),
      { ...base, id: 'rep', repeats: [{ repeat: 0, overall: 50, scores: {}, cached: false }], spread: 0, stable: true },
      // More distinct strings than are kept: the encodings are dropped and made again, the lines do not change.
      ...Array.from({ length: 5000 }, (_, i) => ({ ...base, id: `m${i}`, missing: [`point ${i}`, `point ${i + 1}`] })),
    ]
    for (const r of results) expect(resultLine(r)).toBe(JSON.stringify(r) + '\n')
    const file = join(tmp(), 'out.jsonl')
    const sink = await openResultsFile(file, 'out.jsonl', { resume: false })
    await Promise.all(results.map((r) => sink.write(r)))
    // A group larger than the buffer kept between groups, then a small one after it.
    const huge = { ...base, id: 'huge', feedback: '— '.repeat(1_500_000) }
    await sink.write(huge)
    await sink.write(base)
    await sink.close()
    const expected = [...results, huge, base].map((r) => JSON.stringify(r) + '\n').join('')
    expect(readFileSync(file).equals(Buffer.from(expected))).toBe(true)
  })

  it('cuts a torn last line and lists graded ids; error ids are retried', async () => {
    const dir = tmp()
    const file = join(dir, 'out.jsonl')
    writeFileSync(file, '{"id":"x1","status":"graded","overall":50}\n{"id":"x2","status":"error","overall":null}\n{"id":"x3","status":"gra')
    const seen: string[] = []
    const prev = await readPreviousResults(file, 'out.jsonl', (r) => seen.push(r.id))
    expect([...prev.graded]).toEqual(['x1'])
    expect(prev.errorLines).toBe(1)
    expect(prev.tornBytes).toBeGreaterThan(0)
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true)
    const sink = await openResultsFile(file, 'out.jsonl', { resume: true })
    await sink.write({ id: 'x3', status: 'graded' } as ResultRecord)
    await sink.close()
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['x1', 'x2', 'x3'])
  })

  it('refuses a non-empty file without --resume and a file that is not results', async () => {
    const dir = tmp()
    const file = join(dir, 'out.jsonl')
    appendFileSync(file, 'hello\n')
    await expect(openResultsFile(file, 'out.jsonl', { resume: false })).rejects.toThrow(/--resume/)
    await expect(readPreviousResults(file, 'out.jsonl')).rejects.toThrow(/not a mockint results file/)
  })
})

describe('AdaptiveLimiter', () => {
  it('halves once per round trip, pauses for Retry-After, and recovers one slot per window of successes', async () => {
    let t = 1000
    const limiter = new AdaptiveLimiter(16, { now: () => t, sleep: async () => {} })
    limiter.throttle(500, 900) // a call started before any decrease
    expect(limiter.state()).toMatchObject({ limit: 8, pausedUntil: 1500 })
    limiter.throttle(500, 950) // started before that decrease: the same burst, no second halving
    expect(limiter.state().limit).toBe(8)
    t = 1100
    limiter.throttle(undefined, 1050) // started after it: news, halve again; default pause 1 s
    expect(limiter.state()).toMatchObject({ limit: 4, pausedUntil: 2100 })
    for (let i = 0; i < 4; i++) limiter.success()
    expect(limiter.state().limit).toBe(5)
    for (let i = 0; i < 5; i++) limiter.success()
    expect(limiter.state().limit).toBe(6)
  })

  it('gives a free slot at once with tryAcquire, none when full, paused or someone waits', async () => {
    let t = 0
    const limiter = new AdaptiveLimiter(2, { now: () => t, sleep: async () => {} })
    const a = limiter.tryAcquire()!
    const b = limiter.tryAcquire()!
    expect(limiter.state().inFlight).toBe(2)
    expect(limiter.tryAcquire()).toBeUndefined()
    // Someone waits for the slot b frees: a later tryAcquire does not jump the queue.
    const waiting = limiter.acquire()
    expect(limiter.tryAcquire()).toBeUndefined()
    b()
    b() // released twice: counted once
    const c = await waiting
    expect(limiter.state().inFlight).toBe(2)
    a()
    c()
    expect(limiter.state().inFlight).toBe(0)
    limiter.throttle(1000)
    expect(limiter.tryAcquire()).toBeUndefined()
    t = 1000
    expect(limiter.tryAcquire()).toBeDefined()
  })

  it('lets no new call start while paused', async () => {
    const limiter = new AdaptiveLimiter(2)
    limiter.throttle(120)
    const started = Date.now()
    const release = await limiter.acquire()
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    release()
  })
})
