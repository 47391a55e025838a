import type { Question } from '../bank/schema.js'
import type { SessionEvent, SessionEventOf, SessionOptions } from './events.js'
import { deriveHint } from './hint.js'
import type { SessionProgress } from './progress.js'
import type { AskRequest, AskResult, SessionDeps } from './run-types.js'

/** One step to ask: a main question or one of its follow-ups. */
export interface Step {
  key: string
  index: number
  kind: 'main' | 'follow_up'
  question: Question
  prompt: string
  dimension: string | null
  budgetS: number
}

export type StepOutcome = 'answered' | 'skipped' | 'quit' | 'interrupted'

/**
 * Shows a step and waits for the candidate: records `question_shown`, then what came of it — the answer
 * (with its timing), a skip, or the draft left in the box on `/quit` or Ctrl+C. Hints and repeats asked
 * for while answering are recorded as they happen. An `ask` that throws after the session was aborted
 * counts as Ctrl+C; otherwise its error propagates.
 */
export async function askStep(
  step: Step,
  ctx: {
    options: SessionOptions
    total: number
    deps: Pick<SessionDeps, 'ask' | 'clock' | 'rubricFor'>
    progress: SessionProgress
    signal: AbortSignal
    record(event: SessionEvent): void
  },
): Promise<StepOutcome> {
  const { deps, progress, record } = ctx
  const iso = (ms: number) => new Date(ms).toISOString()
  const shownAt = deps.clock.now()
  const shownLine: SessionEventOf<'question_shown'> = {
    type: 'question_shown',
    at: iso(shownAt),
    key: step.key,
    question_id: step.question.id,
    kind: step.kind,
    prompt: step.prompt,
    dimension: step.dimension,
    budget_s: step.budgetS,
  }
  progress.shown.set(step.key, shownLine)
  record(shownLine)
  const hintedHere = progress.hinted.get(step.key) ?? new Set<string>()
  progress.hinted.set(step.key, hintedHere)
  const rubric = deps.rubricFor(step.question)
  const lang = ctx.options.lang
  const req: AskRequest = {
    ...step,
    total: ctx.total,
    strictTime: ctx.options.strict_time,
    lang,
    shownAt,
    draft: progress.drafts.get(step.key) ?? null,
    hint: (draft) => {
      const h = deriveHint({ question: step.question, rubric, draft, lang, dimension: step.dimension, alreadyHinted: hintedHere })
      if (h) {
        hintedHere.add(`${h.dimension}/${h.key_point}`)
        record({ type: 'hint', at: iso(deps.clock.now()), key: step.key, ...h })
      }
      return h
    },
    repeat: () => record({ type: 'repeat', at: iso(deps.clock.now()), key: step.key }),
  }
  const result = await askOrInterrupt(deps.ask, req, ctx.signal)
  const now = deps.clock.now()
  switch (result.action) {
    case 'submit': {
      const line = answerLine(step, result, shownAt, now)
      progress.answers.set(step.key, line)
      record(line)
      return 'answered'
    }
    case 'skip':
      progress.skipped.add(step.key)
      record({ type: 'skip', at: iso(now), key: step.key })
      return 'skipped'
    case 'quit':
      // Only a non-empty box leaves a line: a plain /quit writes what it always wrote.
      if (result.draft?.trim()) record(draftLine(step.key, result.draft, now))
      return 'quit'
    case 'interrupt':
      record(draftLine(step.key, result.draft, now))
      return 'interrupted'
  }
}

async function askOrInterrupt(ask: SessionDeps['ask'], req: AskRequest, signal: AbortSignal): Promise<AskResult> {
  if (signal.aborted) return { action: 'interrupt' }
  try {
    return await ask(req, signal)
  } catch (e) {
    if (signal.aborted) return { action: 'interrupt' }
    throw e
  }
}

/** The `answer` line of a submitted step: when it was shown and submitted, time used and time over budget. */
export function answerLine(step: Pick<Step, 'key' | 'budgetS'>, result: Extract<AskResult, { action: 'submit' }>, shownAt: number, now: number): SessionEventOf<'answer'> {
  const used = Math.max(0, (now - shownAt) / 1000)
  return {
    type: 'answer',
    at: new Date(now).toISOString(),
    key: step.key,
    text: result.text,
    shown_at: new Date(shownAt).toISOString(),
    submitted_at: new Date(now).toISOString(),
    time_used_s: Math.round(used * 10) / 10,
    budget_s: step.budgetS,
    overtime_s: Math.max(0, Math.round((used - step.budgetS) * 10) / 10),
    via: result.via,
    auto_submitted: !!result.autoSubmitted,
  }
}

/**
 * The line recording what was typed in the box of a step left without submitting (Ctrl+C or /quit) as
 * that step's draft: `--resume` puts it back in the box, and it is never graded or reported as an answer.
 */
export function draftLine(key: string | null, draft: string | undefined, now: number): SessionEventOf<'interrupted'> {
  return { type: 'interrupted', at: new Date(now).toISOString(), key, draft: draft?.trim() ? draft : null }
}
