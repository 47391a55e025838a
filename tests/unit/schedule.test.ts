import { describe, expect, it } from 'vitest'
import { rankForReview, ratingFor, scheduleQuestions } from '../../src/core/schedule/fsrs.js'
import { pastGradesOf } from '../../src/core/schedule/past-grades.js'
import { Rating } from 'ts-fsrs'
import type { SessionEvent } from '../../src/core/session/events.js'

const day = 86_400_000
const t0 = Date.UTC(2026, 9, 1)

describe('FSRS scheduling over past grades', () => {
  it('maps scores to ratings', () => {
    expect([10, 45, 70, 95].map(ratingFor)).toEqual([Rating.Again, Rating.Hard, Rating.Good, Rating.Easy])
  })

  it('puts a failed question due before a well-answered one, unseen questions after due ones', () => {
    const grades = [
      { question_id: 'a/weak', overall: 20, at: new Date(t0) },
      { question_id: 'a/strong', overall: 95, at: new Date(t0) },
      { question_id: 'a/strong', overall: 95, at: new Date(t0 + 2 * day) },
    ]
    const now = new Date(t0 + 3 * day)
    const sched = scheduleQuestions(grades, now)
    expect(sched.get('a/weak')!.due.getTime()).toBeLessThan(sched.get('a/strong')!.due.getTime())
    expect(sched.get('a/strong')!.reviews).toBe(2)
    expect(sched.get('a/weak')!.retrievability).toBeLessThan(sched.get('a/strong')!.retrievability)
    expect(rankForReview(['a/new', 'a/strong', 'a/weak'], grades, now)).toEqual(['a/weak', 'a/new', 'a/strong'])
  })

  it('reads graded main answers (not follow-ups) from a session', () => {
    const at = new Date(t0).toISOString()
    const events: SessionEvent[] = [
      { type: 'question_shown', at, key: 'q1', question_id: 'x/one', kind: 'main', prompt: 'p', dimension: null, budget_s: 60 },
      { type: 'question_shown', at, key: 'q1.f1', question_id: 'x/one', kind: 'follow_up', prompt: 'f', dimension: 'principle', budget_s: 30 },
      { type: 'grade', at, key: 'q1', overall: 40, pass: false, scores: {}, verdict: { dimensions: [], feedback: '', missing: [], follow_up: '', flags: [] }, judge: { kind: 'offline' }, latency_ms: 1 },
      { type: 'grade', at, key: 'q1.f1', overall: 90, pass: true, scores: {}, verdict: { dimensions: [], feedback: '', missing: [], follow_up: '', flags: [] }, judge: { kind: 'offline' }, latency_ms: 1 },
    ]
    expect(pastGradesOf(events)).toEqual([{ question_id: 'x/one', overall: 40, at: new Date(t0) }])
  })
})
