import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import type { GradeOutcome, Judge } from '../../src/core/judge/types.js'
import { answerLine, askStep, draftLine } from '../../src/core/session/ask-step.js'
import type { SessionEvent, SessionEventOf, SessionOptions } from '../../src/core/session/events.js'
import { chooseFollowUp, followUpBudget } from '../../src/core/session/follow-up.js'
import { createBackgroundGrader, gradeInputFor, gradeLine } from '../../src/core/session/grading.js'
import { readProgress } from '../../src/core/session/progress.js'
import { runSession, type SessionRunEvent } from '../../src/core/session/run.js'

const FIXTURES = resolve(__dirname, '../fixtures/banks/interview')
let bank: Bank
let question: Question
const rubricFor = (q: Question) => bank.rubrics.get(q.rubric)!.rubric

beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), FIXTURES], process.cwd())).bank
  question = bank.byId.get('fixture/tokenizer')!.question
})

const options: SessionOptions = { count: 1, time: null, lang: 'en', follow_ups: 1, strict_time: false, categories: [], difficulty: null, seed: 1, adaptive: false }
const at = (s: number) => new Date(s * 1000).toISOString()
const answer = (key: string, text: string, overtime = 0): SessionEventOf<'answer'> => ({
  type: 'answer',
  at: at(60),
  key,
  text,
  shown_at: at(0),
  submitted_at: at(60),
  time_used_s: 60,
  budget_s: 60,
  overtime_s: overtime,
  via: 'inline',
  auto_submitted: false,
})
const okOutcome = (flags: ('overtime' | 'prompt_injection')[] = []): GradeOutcome => ({
  ok: true,
  verdict: { dimensions: [], feedback: 'fb', missing: [], follow_up: '', flags },
  scores: { principle: 2 },
  overall: 50,
  pass: false,
  judge: { kind: 'offline' },
  usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 },
  latency_ms: 3,
})

describe('runSession: Ctrl+C while waiting on the judge', () => {
  it('records the interruption like every other line: appended, in the result and reported to onEvent', async () => {
    const controller = new AbortController()
    const appended: SessionEvent[] = []
    const reported: SessionRunEvent[] = []
    const never: Judge = { kind: 'offline', describe: () => 'held', grade: () => new Promise(() => {}) }
    const r = await runSession(
      { options, questions: [question], prior: [] },
      {
        ask: async () => ({ action: 'submit', text: 'an answer', via: 'inline' }),
        judge: never,
        clock: { now: () => 1_000 },
        append: (e) => void appended.push(e),
        rubricFor,
        signal: controller.signal,
        onEvent: (e) => {
          reported.push(e)
          if (e.type === 'waiting') controller.abort()
        },
      },
    )
    expect(r.status).toBe('interrupted')
    const last = { type: 'interrupted', at: at(1), key: 'q1.f1', draft: null }
    expect(appended.at(-1)).toEqual(last)
    expect(r.events.at(-1)).toEqual(last)
    expect(r.events).toEqual(appended)
    expect(reported.filter((e) => e.type === 'recorded').map((e) => (e as { event: SessionEvent }).event)).toEqual(appended)
  })
})

describe('readProgress', () => {
  it('reads answers, skips, shown steps, the latest grading, hints and pending drafts from the lines on disk', () => {
    const failure: SessionEvent = { type: 'judge_failure', at: at(61), key: 'q1', reason: 'HTTP 500', cause: 'server', retryable: true, judge: { kind: 'offline' } }
    const p = readProgress([
      { type: 'question_shown', at: at(0), key: 'q1', question_id: question.id, kind: 'main', prompt: 'p', dimension: null, budget_s: 60 },
      { type: 'hint', at: at(10), key: 'q1', dimension: 'principle', key_point: 'bpe', text: 'h' },
      answer('q1', 'one'),
      failure,
      { type: 'skip', at: at(70), key: 'q2' },
      { type: 'interrupted', at: at(80), key: 'q3', draft: 'half' },
    ])
    expect([...p.answers.keys()]).toEqual(['q1'])
    expect([...p.skipped]).toEqual(['q2'])
    expect([...p.shown.keys()]).toEqual(['q1'])
    expect(p.graded.get('q1')).toBe(failure)
    expect([...p.hinted.get('q1')!]).toEqual(['principle/bpe'])
    expect([...p.drafts]).toEqual([['q3', 'half']])
  })
})

describe('grading', () => {
  it('a grade of an answer that ran over its budget is flagged overtime once; a failure keeps its cause', () => {
    expect(gradeLine(okOutcome(), 'q1', answer('q1', 'x', 5), at(1)).type === 'grade' && gradeLine(okOutcome(), 'q1', answer('q1', 'x', 5), at(1))).toMatchObject({
      verdict: { flags: ['overtime'] },
      overall: 50,
      latency_ms: 3,
    })
    const twice = gradeLine(okOutcome(['overtime']), 'q1', answer('q1', 'x', 5), at(1))
    expect(twice.type === 'grade' && twice.verdict.flags).toEqual(['overtime'])
    expect(gradeLine({ ok: false, reason: 'quota', cause: 'auth', retryable: false, judge: { kind: 'openai' } }, 'q1', answer('q1', 'x'), at(1))).toEqual({
      type: 'judge_failure',
      at: at(1),
      key: 'q1',
      reason: 'quota',
      cause: 'auth',
      retryable: false,
      judge: { kind: 'openai' },
    })
  })

  it('a follow-up is graded with the main question and its answer as context', () => {
    const p = readProgress([
      answer('q1', 'main answer'),
      { type: 'question_shown', at: at(61), key: 'q1.f1', question_id: question.id, kind: 'follow_up', prompt: 'why?', dimension: 'principle', budget_s: 30 },
      answer('q1.f1', 'because'),
    ])
    const input = gradeInputFor([question], p, 'q1.f1', 'en', rubricFor)!
    expect(input).toMatchObject({ answer: 'because', prompt: 'why?', parent: { prompt: question.prompt.en, answer: 'main answer' } })
    expect(gradeInputFor([question], p, 'q2', 'en', rubricFor)).toBeNull()
  })

  it('a judge that throws is recorded as a retryable internal failure, and one grading serves repeated starts', async () => {
    let calls = 0
    const judge: Judge = {
      kind: 'offline',
      describe: () => 'throws',
      grade: async () => {
        calls++
        throw new Error('boom')
      },
    }
    const recorded: SessionEvent[] = []
    const progress = readProgress([answer('q1', 'one')])
    const grader = createBackgroundGrader({
      plan: { options, questions: [question], prior: [] },
      deps: { judge, clock: { now: () => 2_000 }, rubricFor },
      progress,
      signal: new AbortController().signal,
      record: (e) => void recorded.push(e),
    })
    const [a, b] = await Promise.all([grader.start('q1'), grader.start('q1')])
    expect(a).toBe(b)
    expect(calls).toBe(1)
    expect(recorded).toEqual([{ type: 'judge_failure', at: at(2), key: 'q1', reason: 'judge error: boom', cause: 'internal', retryable: true, judge: { kind: 'offline' } }])
    expect(progress.graded.get('q1')).toEqual(recorded[0])
    expect(grader.pending()).toEqual([])
  })
})

describe('askStep', () => {
  const ctx = (ask: Parameters<typeof askStep>[1]['deps']['ask'], signal = new AbortController().signal, log: SessionEvent[] = []) => ({
    options,
    total: 1,
    deps: { ask, clock: { now: () => 90_000 }, rubricFor },
    progress: readProgress([]),
    signal,
    record: (e: SessionEvent) => void log.push(e),
  })
  const step = () => ({ key: 'q1', index: 0, kind: 'main' as const, question, prompt: 'the prompt', dimension: null, budgetS: 60 })

  it('an ask that fails after Ctrl+C counts as Ctrl+C, leaving an empty draft line', async () => {
    const controller = new AbortController()
    const log: SessionEvent[] = []
    const o = await askStep(step(), ctx(async () => {
      controller.abort()
      throw new Error('stdin closed')
    }, controller.signal, log))
    expect(o).toBe('interrupted')
    expect(log.map((e) => e.type)).toEqual(['question_shown', 'interrupted'])
    expect(log[1]).toEqual({ type: 'interrupted', at: at(90), key: 'q1', draft: null })
  })

  it('an ask that fails on its own propagates', async () => {
    await expect(askStep(step(), ctx(async () => Promise.reject(new Error('bug'))))).rejects.toThrow('bug')
  })

  it('a plain /quit leaves no line; /quit with text keeps it as a draft', async () => {
    const log: SessionEvent[] = []
    expect(await askStep(step(), ctx(async () => ({ action: 'quit', draft: '  ' }), undefined, log))).toBe('quit')
    expect(await askStep(step(), ctx(async () => ({ action: 'quit', draft: 'half' }), undefined, log))).toBe('quit')
    expect(log.map((e) => e.type)).toEqual(['question_shown', 'question_shown', 'interrupted'])
  })

  it('answerLine times the answer to a tenth of a second and counts only time over the budget', () => {
    const line = answerLine({ key: 'q1', budgetS: 60 }, { action: 'submit', text: 't', via: 'editor', autoSubmitted: true }, 0, 75_049)
    expect(line).toMatchObject({ time_used_s: 75, overtime_s: 15, via: 'editor', auto_submitted: true, shown_at: at(0), submitted_at: at(75.049) })
    expect(answerLine({ key: 'q1', budgetS: 60 }, { action: 'submit', text: 't', via: 'inline' }, 10_000, 5_000).time_used_s).toBe(0)
    expect(draftLine('q1', ' \n', 0).draft).toBeNull()
  })
})

describe('follow-ups', () => {
  it('budget: half the question, at least 30 s, never more than the question', () => {
    expect([followUpBudget(300), followUpBudget(40), followUpBudget(20)]).toEqual([150, 30, 20])
  })
  it('without a grade, the bank follow-ups are taken in order, skipping probed dimensions', () => {
    const first = question.follow_ups[0]!
    expect(chooseFollowUp(question, rubricFor(question), undefined, [], 'en', 1)).toEqual({ prompt: first.en, dimension: first.dimension })
    const rest = question.follow_ups.filter((f) => f.dimension !== first.dimension)[0]
    expect(chooseFollowUp(question, rubricFor(question), undefined, [first.dimension], 'zh', 2)).toEqual(rest ? { prompt: rest.zh, dimension: rest.dimension } : null)
  })
})
