import { pick } from '../i18n.js'
import type { GradeInput, GradeOutcome } from '../judge/types.js'
import type { Question } from '../bank/schema.js'
import type { SessionEvent, SessionEventOf } from './events.js'
import { stepKey } from './events.js'
import type { SessionProgress } from './progress.js'
import type { GradeLine, SessionDeps, SessionPlan } from './run-types.js'

/** Grades answers in the background while the session goes on. */
export interface BackgroundGrader {
  /** Starts grading `key` unless a grade is on record or on its way; resolves to the line recorded (null: none). */
  start(key: string): Promise<GradeLine | null>
  /** Waits (telling the terminal why) for the gradings of `keys` under way, or until the session is aborted. */
  waitFor(keys: string[], why: 'follow_up' | 'finish'): Promise<void>
  /** Keys being graded now. */
  pending(): string[]
}

/**
 * A grader for one session: every grading listens on `signal` (aborted on interruption, after which no
 * grade is recorded), and its line — grade or failure — is recorded through `record` and kept in
 * `progress.graded`. A judge that throws is recorded as a retryable internal failure, never a score.
 */
export function createBackgroundGrader(args: {
  plan: SessionPlan
  deps: Pick<SessionDeps, 'judge' | 'clock' | 'rubricFor' | 'onEvent'>
  progress: SessionProgress
  signal: AbortSignal
  record(event: SessionEvent): void
}): BackgroundGrader {
  const { plan, deps, progress, signal } = args
  const pending = new Map<string, Promise<GradeLine | null>>()

  function start(key: string): Promise<GradeLine | null> {
    const existing = pending.get(key)
    if (existing) return existing
    const done = progress.graded.get(key)
    if (done?.type === 'grade') return Promise.resolve(done)
    const input = gradeInputFor(plan.questions, progress, key, plan.options.lang, deps.rubricFor)
    if (!input) return Promise.resolve(null)
    const answer = progress.answers.get(key)!
    const p = deps.judge
      .grade(input, { signal })
      .catch((e: unknown): GradeOutcome => ({
        ok: false,
        reason: `judge error: ${(e as Error)?.message ?? String(e)}`,
        cause: 'internal',
        retryable: true,
        judge: { kind: deps.judge.kind },
      }))
      .then((outcome): GradeLine | null => {
        if (signal.aborted) return null
        const line = gradeLine(outcome, key, answer, new Date(deps.clock.now()).toISOString())
        progress.graded.set(key, line)
        args.record(line)
        return line
      })
      .finally(() => pending.delete(key))
    pending.set(key, p)
    return p
  }

  async function waitFor(keys: string[], why: 'follow_up' | 'finish'): Promise<void> {
    const ps = keys.map((k) => pending.get(k)).filter((p): p is Promise<GradeLine | null> => !!p)
    if (ps.length === 0) return
    deps.onEvent?.({ type: 'waiting', why, pending: ps.length })
    try {
      await Promise.race([Promise.all(ps), aborted(signal)])
    } finally {
      deps.onEvent?.({ type: 'waiting_done' })
    }
  }

  return { start, waitFor, pending: () => [...pending.keys()] }
}

/**
 * What the judge grades for step `key`: its answer to its question; for a follow-up, also the main
 * question's prompt and answer and the follow-up asked. Null when the step has no answer.
 */
export function gradeInputFor(
  questions: readonly Question[],
  progress: Pick<SessionProgress, 'answers' | 'shown'>,
  key: string,
  lang: GradeInput['lang'],
  rubricFor: SessionDeps['rubricFor'],
): GradeInput | null {
  const answer = progress.answers.get(key)
  const step = progress.shown.get(key)
  const index = Number(/^q(\d+)/.exec(key)?.[1]) - 1
  const question = questions[index]
  if (!answer || !question) return null
  const input: GradeInput = { question: { kind: 'bank', question }, rubric: rubricFor(question), answer: answer.text, lang }
  if (step?.kind === 'follow_up') {
    const parentAnswer = progress.answers.get(stepKey(index))
    input.parent = { prompt: pick(question.prompt, lang), answer: parentAnswer?.text ?? '' }
    input.prompt = step.prompt
  }
  return input
}

/** The session line for a judge's outcome: a grade (flagged `overtime` when the answer ran over) or a failure. */
export function gradeLine(outcome: GradeOutcome, key: string, answer: SessionEventOf<'answer'>, at: string): GradeLine {
  if (!outcome.ok)
    return { type: 'judge_failure', at, key, reason: outcome.reason, cause: outcome.cause, retryable: outcome.retryable, judge: outcome.judge }
  const flags = [...outcome.verdict.flags]
  if (answer.overtime_s > 0 && !flags.includes('overtime')) flags.push('overtime')
  return {
    type: 'grade',
    at,
    key,
    overall: outcome.overall,
    pass: outcome.pass,
    scores: outcome.scores,
    verdict: { ...outcome.verdict, flags },
    judge: outcome.judge,
    latency_ms: outcome.latency_ms,
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
