import { readFileSync, appendFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import type { GradeInput, GradeOutcome, Judge } from '../../src/core/judge/types.js'
import { scoreVerdict } from '../../src/core/judge/score.js'
import type { SessionEvent, SessionOptions } from '../../src/core/session/events.js'
import { followUpBudget, runSession, type AskRequest, type AskResult, type SessionDeps } from '../../src/core/session/run.js'
import { InputError } from '../../src/core/errors.js'
import { pendingDrafts } from '../../src/core/session/drafts.js'
import { createSessionId, isSessionId, loadSession, openSessionStore, latestUnfinished, needsResume, sessionPath } from '../../src/core/session/store.js'
import { tempDir } from '../helpers/temp.js'

const FIXTURES = resolve(__dirname, '../fixtures/banks/interview')
let bank: Bank
let questions: Question[]

beforeAll(async () => {
  const r = await loadBank([...shippedBankPaths(), FIXTURES], process.cwd())
  bank = r.bank
  questions = ['fixture/tokenizer', 'fixture/batching'].map((id) => bank.byId.get(id)!.question)
})

function options(over: Partial<SessionOptions> = {}): SessionOptions {
  return { count: 2, time: null, lang: 'en', follow_ups: 1, strict_time: false, categories: [], difficulty: null, seed: 1, adaptive: false, ...over }
}

/** A judge that gives fixed levels (or fails), optionally held until `release()`. */
function fakeJudge(levels: (input: GradeInput) => Record<string, number> | 'fail', followUp = '') {
  const calls: GradeInput[] = []
  const gates: (() => void)[] = []
  let held = false
  const judge: Judge & { calls: GradeInput[]; hold(): void; release(): void } = {
    kind: 'offline',
    calls,
    describe: () => 'fake',
    hold: () => void (held = true),
    release: () => {
      held = false
      gates.splice(0).forEach((g) => g())
    },
    async grade(input): Promise<GradeOutcome> {
      calls.push(input)
      if (held) await new Promise<void>((r) => gates.push(r))
      const l = levels(input)
      if (l === 'fail') return { ok: false, reason: 'HTTP 500 from judge', cause: 'server', retryable: true, judge: { kind: 'offline' } }
      const verdict = {
        dimensions: Object.entries(l).map(([id, level]) => ({ id, evidence: [`evidence for ${id}`], rationale: 'r', level })),
        feedback: 'fb',
        missing: [],
        follow_up: followUp,
        flags: [],
      }
      const s = scoreVerdict(verdict, input.rubric)
      if (!s.ok) throw new Error(s.reason)
      return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge: { kind: 'offline' }, usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }, latency_ms: 1 }
    },
  }
  return judge
}

const WEAK_OBS = { principle: 3, scenario: 2, engineering: 2, observability: 0 }

/** Scripted answers; each step advances the fake clock by `seconds`. */
function scripted(steps: ((req: AskRequest) => AskResult | Promise<AskResult>)[], clock: { t: number }, seconds = 30) {
  const asked: AskRequest[] = []
  return {
    asked,
    ask: async (req: AskRequest): Promise<AskResult> => {
      asked.push(req)
      const step = steps.shift()
      if (!step) throw new Error(`no scripted answer for ${req.key}`)
      clock.t += seconds * 1000
      return step(req)
    },
  }
}

function deps(judge: Judge, ask: SessionDeps['ask'], clock: { t: number }, log: SessionEvent[]): SessionDeps {
  return {
    ask,
    judge,
    clock: { now: () => clock.t },
    append: (e) => void log.push(e),
    rubricFor: (q) => bank.rubrics.get(q.rubric)!.rubric,
  }
}

const submit = (text: string): (() => AskResult) => () => ({ action: 'submit', text, via: 'inline' })

describe('runSession', () => {
  it('asks each question then a follow-up aimed at the weakest dimension, graded with the parent as context', async () => {
    const clock = { t: Date.UTC(2026, 10, 25, 8) }
    const judge = fakeJudge(() => WEAK_OBS)
    const s = scripted([submit('answer one\nline two'), submit('follow-up answer'), submit('answer two'), submit('fu two')], clock)
    const log: SessionEvent[] = []
    const r = await runSession({ options: options(), questions, prior: [] }, deps(judge, s.ask, clock, log))
    expect(r.status).toBe('completed')
    expect(s.asked.map((a) => a.key)).toEqual(['q1', 'q1.f1', 'q2', 'q2.f1'])
    const fu = s.asked[1]!
    expect(fu.dimension).toBe('observability')
    expect(fu.prompt).toBe('Which dashboard would tell you the tokenizer is hurting a new market?')
    expect(fu.budgetS).toBe(30)
    const fuInput = judge.calls.find((c) => c.answer === 'follow-up answer')!
    expect(fuInput.parent).toEqual({ prompt: questions[0]!.prompt.en, answer: 'answer one\nline two' })
    expect(fuInput.prompt).toBe(fu.prompt)
    expect(log.filter((e) => e.type === 'grade')).toHaveLength(4)
    expect(log.at(-1)).toMatchObject({ type: 'session_end', reason: 'completed' })
  })

  it('never gives a follow-up more time than its question: under --time 20 the follow-up gets 20 s', async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    const s = scripted([submit('one'), submit('fu one'), submit('two'), submit('fu two')], clock, 5)
    const log: SessionEvent[] = []
    await runSession({ options: options({ time: 20 }), questions, prior: [] }, deps(judge, s.ask, clock, log))
    expect(s.asked.map((a) => [a.key, a.budgetS])).toEqual([['q1', 20], ['q1.f1', 20], ['q2', 20], ['q2.f1', 20]])
    const shown = log.filter((e): e is Extract<SessionEvent, { type: 'question_shown' }> => e.type === 'question_shown')
    expect(shown.map((e) => e.budget_s)).toEqual([20, 20, 20, 20])
  })

  it.each([
    [10, 10],
    [20, 20],
    [30, 30],
    [45, 30],
    [60, 30],
    [61, 31],
    [300, 150],
  ])('a question of %i s has follow-ups of %i s (half, at least 30 s, at most the question)', (main, fu) => {
    expect(followUpBudget(main)).toBe(fu)
    expect(followUpBudget(main)).toBeLessThanOrEqual(main)
  })

  it("uses the judge's own follow-up when it gives one", async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS, 'How would you alert on it?')
    const s = scripted([submit('a'), submit('b')], clock)
    await runSession({ options: options({ count: 1 }), questions: questions.slice(0, 1), prior: [] }, deps(judge, s.ask, clock, []))
    expect(s.asked[1]).toMatchObject({ prompt: 'How would you alert on it?', dimension: 'observability' })
  })

  it('shows the next question while the previous answer is still being graded', async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    const log: SessionEvent[] = []
    const s = scripted(
      [
        submit('one'),
        () => {
          judge.hold() // the follow-up's grade will hang until released
          return { action: 'submit', text: 'fu', via: 'inline' }
        },
        (req) => {
          // q2 is asked while the follow-up's grade is still pending
          expect(req.key).toBe('q2')
          expect(log.some((e) => e.type === 'grade' && e.key === 'q1.f1')).toBe(false)
          judge.release()
          return { action: 'submit', text: 'two', via: 'inline' }
        },
        submit('two fu'),
      ],
      clock,
    )
    const r = await runSession({ options: options({ follow_ups: 1 }), questions, prior: [] }, deps(judge, s.ask, clock, log))
    expect(r.status).toBe('completed')
    expect(log.filter((e) => e.type === 'grade')).toHaveLength(4)
  }, 5000)

  it('measures time used and overtime with the clock, and flags overtime in the grade', async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    const s = scripted([submit('slow answer')], clock, 75)
    const log: SessionEvent[] = []
    await runSession({ options: options({ count: 1, follow_ups: 0 }), questions: questions.slice(0, 1), prior: [] }, deps(judge, s.ask, clock, log))
    const answer = log.find((e) => e.type === 'answer')!
    expect(answer).toMatchObject({ time_used_s: 75, budget_s: 60, overtime_s: 15 })
    const grade = log.find((e) => e.type === 'grade')
    expect(grade?.type === 'grade' && grade.verdict.flags).toContain('overtime')
  })

  it('records a judge failure as a failure, never a score, and regrades it on resume', async () => {
    const clock = { t: 0 }
    let fail = true
    const judge = fakeJudge(() => (fail ? 'fail' : WEAK_OBS))
    const log: SessionEvent[] = []
    const s = scripted([submit('one'), submit('fu from bank')], clock)
    const r = await runSession({ options: options({ count: 1 }), questions: questions.slice(0, 1), prior: [] }, deps(judge, s.ask, clock, log))
    expect(r.status).toBe('completed')
    expect(log.filter((e) => e.type === 'grade')).toHaveLength(0)
    expect(log.filter((e) => e.type === 'judge_failure').map((e) => e.key)).toEqual(['q1', 'q1.f1'])
    // Without a grade, the follow-up falls back to the bank's first one.
    expect(s.asked[1]?.dimension).toBe('principle')

    fail = false
    const log2: SessionEvent[] = []
    const s2 = scripted([], clock)
    const r2 = await runSession({ options: options({ count: 1 }), questions: questions.slice(0, 1), prior: log.filter((e) => e.type !== 'session_end') }, deps(judge, s2.ask, clock, log2))
    expect(r2.status).toBe('completed')
    expect(s2.asked).toHaveLength(0)
    expect(log2.filter((e) => e.type === 'grade').map((e) => e.key).sort()).toEqual(['q1', 'q1.f1'])
  })

  it('stops on an interrupt keeping every answer, and resumes where it stopped', async () => {
    const home = tempDir('mockint-session-')
    const store = openSessionStore(home, 's1')
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    const start: SessionEvent = { type: 'session_start', at: new Date(0).toISOString(), id: 's1', version: 1, options: options(), judge: { kind: 'offline' }, questions: questions.map((q) => q.id), banks: [] }
    store.append(start)
    const s = scripted([submit('first answer 中文'), () => ({ action: 'interrupt', draft: 'half a follow-up' })], clock)
    const d = { ...deps(judge, s.ask, clock, []), append: store.append }
    const r = await runSession({ options: options(), questions, prior: [] }, d)
    expect(r.status).toBe('interrupted')
    store.close()
    expect(latestUnfinished(home)).toBe('s1')

    const loaded = loadSession(home, 's1')!
    expect(loaded.warnings).toEqual([])
    expect(loaded.events.find((e) => e.type === 'answer')).toMatchObject({ key: 'q1', text: 'first answer 中文' })
    expect(loaded.events.find((e) => e.type === 'interrupted')).toMatchObject({ key: 'q1.f1', draft: 'half a follow-up' })

    const store2 = openSessionStore(home, 's1')
    const s2 = scripted([submit('follow-up after resume'), submit('two'), submit('two fu')], clock)
    const r2 = await runSession({ options: options(), questions, prior: loaded.events }, { ...deps(judge, s2.ask, clock, []), append: store2.append })
    store2.close()
    expect(r2.status).toBe('completed')
    // The follow-up shown before the interrupt is asked again with the same text; q1 is not asked again.
    expect(s2.asked.map((a) => a.key)).toEqual(['q1.f1', 'q2', 'q2.f1'])
    const shownBefore = loaded.events.find((e) => e.type === 'question_shown' && e.key === 'q1.f1') as { prompt: string }
    expect(s2.asked[0]!.prompt).toBe(shownBefore.prompt)
    expect(s2.asked[0]!.draft).toBe('half a follow-up')
    expect(latestUnfinished(home)).toBeUndefined()
  })

  it('aborts in-flight waiting on SIGINT (deps.signal) and records the interruption', async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    judge.hold()
    const controller = new AbortController()
    const log: SessionEvent[] = []
    const s = scripted([submit('one')], clock)
    const d = { ...deps(judge, s.ask, clock, log), signal: controller.signal, onEvent: (e: { type: string }) => e.type === 'waiting' && controller.abort() }
    const r = await runSession({ options: options({ count: 1 }), questions: questions.slice(0, 1), prior: [] }, d)
    expect(r.status).toBe('interrupted')
    expect(log.map((e) => e.type)).toEqual(['question_shown', 'answer', 'interrupted'])
    judge.release()
  })

  it('records hints for uncovered key points, skips, repeats and quit', async () => {
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    const log: SessionEvent[] = []
    const hints: (string | undefined)[] = []
    const s = scripted(
      [
        (req) => {
          // The draft covers principle and scenario terms; the hint goes to an uncovered dimension.
          const h = req.hint('BPE merges the most frequent pair; bytes; greedy. vocab size, fertility, temperature sampling')
          hints.push(h?.dimension)
          req.repeat()
          return { action: 'skip' }
        },
        () => ({ action: 'quit' }),
      ],
      clock,
    )
    const r = await runSession({ options: options(), questions, prior: [] }, deps(judge, s.ask, clock, log))
    expect(r.status).toBe('quit')
    expect(hints).toEqual(['engineering'])
    expect(log.map((e) => e.type)).toEqual(['question_shown', 'hint', 'repeat', 'skip', 'question_shown', 'session_end'])
    expect(log.find((e) => e.type === 'hint')).toMatchObject({ key: 'q1', key_point: 'library' })
    expect(judge.calls).toHaveLength(0)
  })
})

describe('a draft left on /quit', () => {
  it('is recorded as Ctrl+C records one, keeps the session resumable, and comes back in the box', async () => {
    const home = tempDir('mockint-quit-')
    const store = openSessionStore(home, 'q')
    const clock = { t: 0 }
    const judge = fakeJudge(() => WEAK_OBS)
    store.append({ type: 'session_start', at: new Date(0).toISOString(), id: 'q', version: 1, options: options(), judge: { kind: 'offline' }, questions: questions.map((q) => q.id), banks: [] })
    const s = scripted([submit('first answer'), submit('first follow-up'), () => ({ action: 'quit', draft: 'half of q2\nsecond line' })], clock)
    const r = await runSession({ options: options(), questions, prior: [] }, { ...deps(judge, s.ask, clock, []), append: store.append })
    store.close()
    expect(r.status).toBe('quit')
    const loaded = loadSession(home, 'q')!
    expect(loaded.events.filter((e) => e.type === 'interrupted')).toEqual([
      { type: 'interrupted', at: new Date(90_000).toISOString(), key: 'q2', draft: 'half of q2\nsecond line' },
    ])
    expect(loaded.events.at(-1)).toMatchObject({ type: 'session_end', reason: 'quit' })
    expect([...pendingDrafts(loaded.events)]).toEqual([['q2', 'half of q2\nsecond line']])
    expect(needsResume(loaded.events)).toBe(true)
    expect(latestUnfinished(home)).toBe('q')

    const store2 = openSessionStore(home, 'q')
    const s2 = scripted([submit('q2 finished'), submit('q2 follow-up')], clock)
    const r2 = await runSession({ options: options(), questions, prior: loaded.events }, { ...deps(judge, s2.ask, clock, []), append: store2.append })
    store2.close()
    expect(r2.status).toBe('completed')
    expect(s2.asked.map((a) => [a.key, a.draft])).toEqual([['q2', 'half of q2\nsecond line'], ['q2.f1', null]])
    expect(pendingDrafts(loadSession(home, 'q')!.events).size).toBe(0)
    expect(latestUnfinished(home)).toBeUndefined()
  })

  it('writes nothing more than before when the box is empty', async () => {
    for (const draft of [undefined, '', '  \n ']) {
      const clock = { t: 0 }
      const log: SessionEvent[] = []
      const s = scripted([() => ({ action: 'quit', draft })], clock)
      const r = await runSession({ options: options(), questions, prior: [] }, deps(fakeJudge(() => WEAK_OBS), s.ask, clock, log))
      expect(r.status).toBe('quit')
      expect(log.map((e) => e.type)).toEqual(['question_shown', 'session_end'])
      expect(needsResume(log)).toBe(false)
    }
  })

  it('is no longer pending once its step is answered or skipped', () => {
    const at = 'now'
    const events: SessionEvent[] = [
      { type: 'interrupted', at, key: 'q1', draft: 'a' },
      { type: 'interrupted', at, key: 'q2', draft: 'b' },
      { type: 'interrupted', at, key: 'q3', draft: 'c' },
      { type: 'interrupted', at, key: 'q3', draft: null },
      { type: 'answer', at, key: 'q1', text: 'a!', shown_at: at, submitted_at: at, time_used_s: 1, budget_s: 60, overtime_s: 0, via: 'inline', auto_submitted: false },
      { type: 'skip', at, key: 'q2' },
    ]
    expect([...pendingDrafts(events)]).toEqual([['q3', 'c']])
  })
})

describe('session store', () => {
  it('starts a new line before appending to a file whose last line was cut by a crash', () => {
    const home = tempDir('mockint-store-')
    const store = openSessionStore(home, 'cut')
    store.append({ type: 'skip', at: 'now', key: 'q1' })
    store.close()
    appendFileSync(store.path, '{"type":"skip","at":"now","ke')
    const again = openSessionStore(home, 'cut')
    again.append({ type: 'skip', at: 'now', key: 'q2' })
    again.close()
    expect(readFileSync(store.path, 'utf8')).toBe('{"type":"skip","at":"now","key":"q1"}\n{"type":"skip","at":"now","ke\n{"type":"skip","at":"now","key":"q2"}\n')
    const s = loadSession(home, 'cut')!
    expect(s.events).toEqual([{ type: 'skip', at: 'now', key: 'q1' }, { type: 'skip', at: 'now', key: 'q2' }])
    expect(s.warnings).toEqual([`${store.path}:2: skipped a line that is not valid JSON`])
  })

  it('leaves whole files, empty files and new files as they are', () => {
    const home = tempDir('mockint-store-')
    const event = { type: 'skip', at: 'now', key: 'q1' } as const
    const line = JSON.stringify(event) + '\n'
    const whole = openSessionStore(home, 'whole')
    whole.append(event)
    whole.close()
    const again = openSessionStore(home, 'whole')
    again.append(event)
    again.close()
    expect(readFileSync(whole.path, 'utf8')).toBe(line + line)
    writeFileSync(sessionPath(home, 'empty'), '')
    const empty = openSessionStore(home, 'empty')
    empty.append(event)
    empty.close()
    expect(readFileSync(empty.path, 'utf8')).toBe(line)
  })


  it('skips a corrupt line with a warning naming the file and line', async () => {
    const home = tempDir('mockint-store-')
    const store = openSessionStore(home, 'x')
    store.append({ type: 'skip', at: 'now', key: 'q1' })
    store.close()
    appendFileSync(store.path, '{"type": "answer", "key": \n{"type":"mystery"}\n')
    const s = loadSession(home, 'x')!
    expect(s.events).toHaveLength(1)
    expect(s.warnings).toHaveLength(2)
    expect(s.warnings[0]).toMatch(/x\.jsonl:2: skipped a line that is not valid JSON/)
    expect(s.warnings[1]).toMatch(/x\.jsonl:3: skipped a line that is not a session event/)
    expect(readFileSync(store.path, 'utf8').split('\n')[0]).toBe('{"type":"skip","at":"now","key":"q1"}')
  })
})

describe('session ids', () => {
  it('accepts every id the tool makes', () => {
    let seed = 1
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    for (let i = 0; i < 2000; i++) {
      const id = createSessionId(new Date(Date.UTC(2000 + (i % 80), i % 12, 1 + (i % 28), i % 24, i % 60, (i * 7) % 60)), random)
      expect(isSessionId(id), id).toBe(true)
    }
    expect(isSessionId(createSessionId(new Date(0), () => 0))).toBe(true)
    expect(isSessionId(createSessionId(new Date(0), () => 0.999999))).toBe(true)
  })

  it('refuses paths, dots and characters the tool never makes, before any path is built', () => {
    const home = tempDir('mockint-ids-')
    for (const id of ['../x', '..', '.', 'a/b', 'a\\b', '/abs', 'x.jsonl', 'X', 'a b', 'a\nb', '', '-', '-a', 'a\u0000b', 'é']) {
      expect(isSessionId(id), JSON.stringify(id)).toBe(false)
      expect(() => sessionPath(home, id)).toThrow(InputError)
      expect(() => loadSession(home, id)).toThrow(/is not a session id/)
      expect(() => openSessionStore(home, id)).toThrow(/`mockint history` lists them/)
    }
  })
})
