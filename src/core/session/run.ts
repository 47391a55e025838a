import { setMaxListeners } from 'node:events'
import type { Question } from '../bank/schema.js'
import { pick } from '../i18n.js'
import { askStep, draftLine, type StepOutcome } from './ask-step.js'
import { stepKey, type SessionEvent } from './events.js'
import { chooseFollowUp, followUpBudget } from './follow-up.js'
import { createBackgroundGrader } from './grading.js'
import { readProgress } from './progress.js'
import type { SessionDeps, SessionPlan, SessionResult } from './run-types.js'

export type { AskRequest, AskResult, Clock, SessionDeps, SessionPlan, SessionResult, SessionRunEvent } from './run-types.js'
export { chooseFollowUp, followUpBudget } from './follow-up.js'

/**
 * Runs (or resumes) an interview. Asks each question, grades answers in the background while the next
 * question is shown, and asks follow-ups aimed at the weakest dimension of the graded answer (waiting on
 * the judge only for that). Every step is recorded — appended through `deps.append`, kept in the result's
 * `events` and reported through `deps.onEvent` — as it happens. On resume, steps already answered or
 * skipped are not asked again, and any answer whose grade is missing or failed is graded. Never throws
 * for a judge failure (it is recorded as one); returns `interrupted` on Ctrl+C.
 */
export async function runSession(plan: SessionPlan, deps: SessionDeps): Promise<SessionResult> {
  const { options } = plan
  const events: SessionEvent[] = [...plan.prior]
  const inflight = new AbortController()
  // Every grade of the session listens on this one signal; a long session is not a listener leak.
  setMaxListeners(1000, inflight.signal)
  const onAbort = () => inflight.abort(deps.signal?.reason)
  deps.signal?.addEventListener('abort', onAbort, { once: true })

  function record(event: SessionEvent): void {
    if (inflight.signal.aborted && (event.type === 'grade' || event.type === 'judge_failure')) return
    deps.append(event)
    events.push(event)
    deps.onEvent?.({ type: 'recorded', event })
  }
  const progress = readProgress(plan.prior)
  const grader = createBackgroundGrader({ plan, deps, progress, signal: inflight.signal, record })
  const stepCtx = { options, total: plan.questions.length, deps, progress, signal: inflight.signal, record }

  function finish(status: SessionResult['status']): SessionResult {
    deps.signal?.removeEventListener('abort', onAbort)
    return { status, events }
  }

  /** Ends on Ctrl+C: grading stops, and the interruption is recorded unless the last line already is one. */
  function interrupted(key: string | null): SessionResult {
    inflight.abort(new Error('interrupted'))
    if (events.at(-1)?.type !== 'interrupted') record(draftLine(key, undefined, deps.clock.now()))
    return finish('interrupted')
  }

  /** Ends after the gradings under way: `session_end` with `reason`, or the interruption if Ctrl+C comes first. */
  async function end(reason: 'completed' | 'quit'): Promise<SessionResult> {
    await grader.waitFor(grader.pending(), 'finish')
    if (inflight.signal.aborted) return interrupted(null)
    record({ type: 'session_end', at: new Date(deps.clock.now()).toISOString(), reason })
    return finish(reason)
  }

  /** Asks question `i` and its follow-ups not yet done; `null` when the session goes on. */
  async function askQuestion(i: number, question: Question): Promise<SessionResult | null> {
    const mainKey = stepKey(i)
    const budget = options.time ?? question.time_limit
    const after = (o: StepOutcome, key: string): Promise<SessionResult> | SessionResult | null => {
      if (o === 'quit') return end('quit')
      if (o === 'interrupted') return interrupted(key)
      if (o === 'answered') void grader.start(key)
      return null
    }
    if (!progress.answers.has(mainKey) && !progress.skipped.has(mainKey)) {
      const o = await askStep({ key: mainKey, index: i, kind: 'main', question, prompt: pick(question.prompt, options.lang), dimension: null, budgetS: budget }, stepCtx)
      const stop = after(o, mainKey)
      if (stop) return stop
    }
    if (progress.skipped.has(mainKey)) return null
    const probed: string[] = []
    for (let f = 1; f <= options.follow_ups; f++) {
      const key = stepKey(i, f)
      const before = progress.shown.get(key)
      if (progress.answers.has(key) || progress.skipped.has(key)) {
        if (before?.dimension) probed.push(before.dimension)
        continue
      }
      let target: { prompt: string; dimension: string | null } | null
      if (before) target = { prompt: before.prompt, dimension: before.dimension }
      else {
        if (progress.graded.get(mainKey)?.type !== 'grade') {
          void grader.start(mainKey)
          await grader.waitFor([mainKey], 'follow_up')
          if (inflight.signal.aborted) return interrupted(key)
        }
        target = chooseFollowUp(question, deps.rubricFor(question), progress.graded.get(mainKey), probed, options.lang, f)
      }
      if (!target) break
      if (target.dimension) probed.push(target.dimension)
      const o = await askStep({ key, index: i, kind: 'follow_up', question, prompt: target.prompt, dimension: target.dimension, budgetS: followUpBudget(budget) }, stepCtx)
      const stop = after(o, key)
      if (stop) return stop
    }
    return null
  }

  // Resume: grade what is answered but has no grade (or a failed one).
  for (const key of progress.answers.keys()) if (progress.graded.get(key)?.type !== 'grade') void grader.start(key)
  for (let i = 0; i < plan.questions.length; i++) {
    const stop = await askQuestion(i, plan.questions[i]!)
    if (stop) return stop
  }
  return end('completed')
}
