import type { SessionEvent } from '../session/events.js'
import type { PastGrade } from './fsrs.js'

/** The graded main answers of one session, as inputs to the scheduler. */
export function pastGradesOf(events: readonly SessionEvent[]): PastGrade[] {
  const questionOf = new Map<string, string>()
  for (const e of events) if (e.type === 'question_shown' && e.kind === 'main') questionOf.set(e.key, e.question_id)
  const out: PastGrade[] = []
  for (const e of events) {
    if (e.type !== 'grade') continue
    const qid = questionOf.get(e.key)
    const at = new Date(e.at)
    if (qid && !Number.isNaN(at.getTime())) out.push({ question_id: qid, overall: e.overall, at })
  }
  return out
}
