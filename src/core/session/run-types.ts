import type { Question } from '../bank/schema.js'
import type { Lang } from '../i18n.js'
import type { Judge } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'
import type { SessionEvent, SessionEventOf, SessionOptions } from './events.js'
import type { Hint } from './hint.js'

/** Milliseconds since the epoch; tests pass a fake one. */
export interface Clock {
  now(): number
}

/** What the candidate is asked to answer. The callbacks record hints and repeats as they happen. */
export interface AskRequest {
  key: string
  /** 0-based index of the main question; `total` main questions in the session. */
  index: number
  total: number
  kind: 'main' | 'follow_up'
  question: Question
  /** The text to show: the question in the session language, or the follow-up asked. */
  prompt: string
  /** The dimension a follow-up probes. */
  dimension: string | null
  budgetS: number
  strictTime: boolean
  lang: Lang
  /** Clock time the question was shown (ms). */
  shownAt: number
  /** What was typed before an interruption (resume), to start from. */
  draft: string | null
  /** Derives, records and returns a hint for the draft typed so far; null when there is none left. */
  hint(draft: string): Hint | null
  /** Records that the candidate asked to see the question again. */
  repeat(): void
}

export type AskResult =
  | { action: 'submit'; text: string; via: 'inline' | 'editor'; autoSubmitted?: boolean }
  | { action: 'skip' }
  /** `/quit` while answering: `draft` is what was typed, kept as a draft like Ctrl+C's. */
  | { action: 'quit'; draft?: string }
  /** Ctrl+C while answering: `draft` is what was typed. */
  | { action: 'interrupt'; draft?: string }

/** Events for the terminal: every recorded line, and when the candidate has to wait on the judge. */
export type SessionRunEvent =
  | { type: 'recorded'; event: SessionEvent }
  | { type: 'waiting'; why: 'follow_up' | 'finish'; pending: number }
  | { type: 'waiting_done' }

export interface SessionDeps {
  ask(req: AskRequest, signal: AbortSignal): Promise<AskResult>
  judge: Judge
  clock: Clock
  /** Appends a line to the session file (synchronously, durably). */
  append(event: SessionEvent): void
  rubricFor(question: Question): Rubric
  onEvent?(event: SessionRunEvent): void
  /** Aborted on Ctrl+C outside the answer box (SIGINT). */
  signal?: AbortSignal
}

export interface SessionPlan {
  options: SessionOptions
  questions: Question[]
  /** Lines already in the session file (resume); empty for a new session after its `session_start`. */
  prior: SessionEvent[]
}

export interface SessionResult {
  status: 'completed' | 'quit' | 'interrupted'
  events: SessionEvent[]
}

/** The line a grading leaves in the session file: a grade, or the judge's failure to give one. */
export type GradeLine = SessionEventOf<'grade'> | SessionEventOf<'judge_failure'>
