import type { SessionEvent, SessionEventOf } from './events.js'
import { pendingDrafts } from './drafts.js'
import type { GradeLine } from './run-types.js'

/** Where a session stands, step by step (keys `q1`, `q1.f1`, …); updated as the session records lines. */
export interface SessionProgress {
  answers: Map<string, SessionEventOf<'answer'>>
  skipped: Set<string>
  shown: Map<string, SessionEventOf<'question_shown'>>
  /** The latest grade or judge failure of each answered step. */
  graded: Map<string, GradeLine>
  /** `dimension/key_point` of every hint given, per step. */
  hinted: Map<string, Set<string>>
  /** What was typed in the box of a step left without submitting, to put back on resume. */
  drafts: Map<string, string>
}

/** The progress recorded in a session file's lines (empty for a new session). */
export function readProgress(prior: readonly SessionEvent[]): SessionProgress {
  const p: SessionProgress = { answers: new Map(), skipped: new Set(), shown: new Map(), graded: new Map(), hinted: new Map(), drafts: pendingDrafts(prior) }
  for (const e of prior) {
    if (e.type === 'answer') p.answers.set(e.key, e)
    else if (e.type === 'skip') p.skipped.add(e.key)
    else if (e.type === 'question_shown') p.shown.set(e.key, e)
    else if (e.type === 'grade' || e.type === 'judge_failure') p.graded.set(e.key, e)
    else if (e.type === 'hint') p.hinted.set(e.key, (p.hinted.get(e.key) ?? new Set()).add(`${e.dimension}/${e.key_point}`))
  }
  return p
}
