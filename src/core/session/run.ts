import { setMaxListeners } from 'node:events'
import type { Question } from '../bank/schema.js'
import { pick, type Lang } from '../i18n.js'
import type { GradeInput, GradeOutcome, Judge } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'
import { stepKey, type SessionEvent, type SessionEventOf, type SessionOptions } from './events.js'
import { deriveHint, type Hint } from './hint.js'
import { pendingDrafts } from './drafts.js'

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

/**
 * Seconds a follow-up gets: half its question's budget, at least 30 s, and never more than the question's
 * own budget (under `--time 20` a follow-up gets 20 s, not 30).
 */
export function followUpBudget(mainBudgetS: number): number {
  return Math.min(mainBudgetS, Math.max(30, Math.round(mainBudgetS / 2)))
}

type GradeLine = SessionEventOf<'grade'> | SessionEventOf<'judge_failure'>

/**
 * Runs (or resumes) an interview. Asks each question, grades answers in the background while the next
 * question is shown, and asks follow-ups aimed at the weakest dimension of the graded answer (waiting on
 * the judge only for that). Every step is appended through `deps.append` as it happens. On resume, steps
 * already answered or skipped are not asked again, and any answer whose grade is missing or failed is
 * graded. Never throws for a judge failure (it is recorded as one); returns `interrupted` on Ctrl+C.
 */
export async function runSession(plan: SessionPlan, deps: SessionDeps): Promise<SessionResult> {
  const { options } = plan
  const lang = options.lang
  const events: SessionEvent[] = [...plan.prior]
  const inflight = new AbortController()
  // Every grade of the session listens on this one signal; a long session is not a listener leak.
  setMaxListeners(1000, inflight.signal)
  const onAbort = () => inflight.abort(deps.signal?.reason)
  deps.signal?.addEventListener('abort', onAbort, { once: true })
  const iso = (ms: number) => new Date(ms).toISOString()

  function record(event: SessionEvent): void {
    if (inflight.signal.aborted && (event.type === 'grade' || event.type === 'judge_failure')) return
    deps.append(event)
    events.push(event)
    deps.onEvent?.({ type: 'recorded', event })
  }

  const answers = new Map<string, SessionEventOf<'answer'>>()
  const skipped = new Set<string>()
  const shown = new Map<string, SessionEventOf<'question_shown'>>()
  const graded = new Map<string, GradeLine>()
  const hinted = new Map<string, Set<string>>()
  const drafts = pendingDrafts(plan.prior)
  for (const e of plan.prior) {
    if (e.type === 'answer') answers.set(e.key, e)
    else if (e.type === 'skip') skipped.add(e.key)
    else if (e.type === 'question_shown') shown.set(e.key, e)
    else if (e.type === 'grade' || e.type === 'judge_failure') graded.set(e.key, e)
    else if (e.type === 'hint') hinted.set(e.key, (hinted.get(e.key) ?? new Set()).add(`${e.dimension}/${e.key_point}`))
  }
  const pending = new Map<string, Promise<GradeLine | null>>()

  function gradeInputFor(key: string): GradeInput | null {
    const answer = answers.get(key)
    const step = shown.get(key)
    const index = Number(/^q(\d+)/.exec(key)?.[1]) - 1
    const question = plan.questions[index]
    if (!answer || !question) return null
    const input: GradeInput = { question: { kind: 'bank', question }, rubric: deps.rubricFor(question), answer: answer.text, lang }
    if (step?.kind === 'follow_up') {
      const parentAnswer = answers.get(stepKey(index))
      input.parent = { prompt: pick(question.prompt, lang), answer: parentAnswer?.text ?? '' }
      input.prompt = step.prompt
    }
    return input
  }

  /** Starts grading `key` in the background unless a grade is on record or on its way. */
  function startGrading(key: string): Promise<GradeLine | null> {
    const existing = pending.get(key)
    if (existing) return existing
    const done = graded.get(key)
    if (done?.type === 'grade') return Promise.resolve(done)
    const input = gradeInputFor(key)
    if (!input) return Promise.resolve(null)
    const answer = answers.get(key)!
    const p = deps.judge
      .grade(input, { signal: inflight.signal })
      .catch((e: unknown): GradeOutcome => ({
        ok: false,
        reason: `judge error: ${(e as Error)?.message ?? String(e)}`,
        cause: 'internal',
        retryable: true,
        judge: { kind: deps.judge.kind },
      }))
      .then((outcome): GradeLine | null => {
        if (inflight.signal.aborted) return null
        const at = iso(deps.clock.now())
        let line: GradeLine
        if (outcome.ok) {
          const flags = [...outcome.verdict.flags]
          if (answer.overtime_s > 0 && !flags.includes('overtime')) flags.push('overtime')
          line = {
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
        } else
          line = { type: 'judge_failure', at, key, reason: outcome.reason, cause: outcome.cause, retryable: outcome.retryable, judge: outcome.judge }
        graded.set(key, line)
        record(line)
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
      await Promise.race([Promise.all(ps), aborted(inflight.signal)])
    } finally {
      deps.onEvent?.({ type: 'waiting_done' })
    }
  }

  type Outcome = 'answered' | 'skipped' | 'quit' | 'interrupted'

  async function askStep(args: {
    key: string
    index: number
    kind: 'main' | 'follow_up'
    question: Question
    prompt: string
    dimension: string | null
    budgetS: number
  }): Promise<Outcome> {
    const shownAt = deps.clock.now()
    const shownLine: SessionEventOf<'question_shown'> = {
      type: 'question_shown',
      at: iso(shownAt),
      key: args.key,
      question_id: args.question.id,
      kind: args.kind,
      prompt: args.prompt,
      dimension: args.dimension,
      budget_s: args.budgetS,
    }
    shown.set(args.key, shownLine)
    record(shownLine)
    const hintedHere = hinted.get(args.key) ?? new Set<string>()
    hinted.set(args.key, hintedHere)
    const rubric = deps.rubricFor(args.question)
    const req: AskRequest = {
      ...args,
      total: plan.questions.length,
      strictTime: options.strict_time,
      lang,
      shownAt,
      draft: drafts.get(args.key) ?? null,
      hint: (draft) => {
        const h = deriveHint({ question: args.question, rubric, draft, lang, dimension: args.dimension, alreadyHinted: hintedHere })
        if (h) {
          hintedHere.add(`${h.dimension}/${h.key_point}`)
          record({ type: 'hint', at: iso(deps.clock.now()), key: args.key, ...h })
        }
        return h
      },
      repeat: () => record({ type: 'repeat', at: iso(deps.clock.now()), key: args.key }),
    }
    let result: AskResult
    try {
      result = inflight.signal.aborted ? { action: 'interrupt' } : await deps.ask(req, inflight.signal)
    } catch (e) {
      if (inflight.signal.aborted) result = { action: 'interrupt' }
      else throw e
    }
    const now = deps.clock.now()
    switch (result.action) {
      case 'submit': {
        const used = Math.max(0, (now - shownAt) / 1000)
        const line: SessionEventOf<'answer'> = {
          type: 'answer',
          at: iso(now),
          key: args.key,
          text: result.text,
          shown_at: iso(shownAt),
          submitted_at: iso(now),
          time_used_s: Math.round(used * 10) / 10,
          budget_s: args.budgetS,
          overtime_s: Math.max(0, Math.round((used - args.budgetS) * 10) / 10),
          via: result.via,
          auto_submitted: !!result.autoSubmitted,
        }
        answers.set(args.key, line)
        record(line)
        return 'answered'
      }
      case 'skip':
        skipped.add(args.key)
        record({ type: 'skip', at: iso(now), key: args.key })
        return 'skipped'
      case 'quit':
        // Only a non-empty box leaves a line: a plain /quit writes what it always wrote.
        if (result.draft?.trim()) saveDraft(args.key, result.draft, now)
        return 'quit'
      case 'interrupt':
        saveDraft(args.key, result.draft, now)
        return 'interrupted'
    }
  }

  /**
   * Records what was typed in the box of a step left without submitting (Ctrl+C or /quit) as that step's
   * draft: `--resume` puts it back in the box, and it is never graded or reported as an answer.
   */
  function saveDraft(key: string, draft: string | undefined, now: number): void {
    record({ type: 'interrupted', at: iso(now), key, draft: draft?.trim() ? draft : null })
  }

  function finish(status: SessionResult['status']): SessionResult {
    deps.signal?.removeEventListener('abort', onAbort)
    return { status, events }
  }

  async function interrupted(key: string | null): Promise<SessionResult> {
    inflight.abort(new Error('interrupted'))
    if (!events.some((e, i) => e.type === 'interrupted' && i === events.length - 1))
      deps.append({ type: 'interrupted', at: iso(deps.clock.now()), key, draft: null })
    return finish('interrupted')
  }

  // Resume: grade what is answered but has no grade (or a failed one).
  for (const key of answers.keys()) if (graded.get(key)?.type !== 'grade') void startGrading(key)

  for (let i = 0; i < plan.questions.length; i++) {
    const question = plan.questions[i]!
    const mainKey = stepKey(i)
    const budget = options.time ?? question.time_limit
    if (!answers.has(mainKey) && !skipped.has(mainKey)) {
      const o = await askStep({ key: mainKey, index: i, kind: 'main', question, prompt: pick(question.prompt, lang), dimension: null, budgetS: budget })
      if (o === 'quit') return quit()
      if (o === 'interrupted') return interrupted(mainKey)
      if (o === 'answered') void startGrading(mainKey)
    }
    if (skipped.has(mainKey)) continue
    const probed: string[] = []
    for (let f = 1; f <= options.follow_ups; f++) {
      const key = stepKey(i, f)
      const before = shown.get(key)
      if (answers.has(key) || skipped.has(key)) {
        if (before?.dimension) probed.push(before.dimension)
        continue
      }
      let target: { prompt: string; dimension: string | null } | null
      if (before) target = { prompt: before.prompt, dimension: before.dimension }
      else {
        if (graded.get(mainKey)?.type !== 'grade') {
          void startGrading(mainKey)
          await waitFor([mainKey], 'follow_up')
          if (inflight.signal.aborted) return interrupted(key)
        }
        target = chooseFollowUp(question, deps.rubricFor(question), graded.get(mainKey), probed, lang, f)
      }
      if (!target) break
      if (target.dimension) probed.push(target.dimension)
      const o = await askStep({ key, index: i, kind: 'follow_up', question, prompt: target.prompt, dimension: target.dimension, budgetS: followUpBudget(budget) })
      if (o === 'quit') return quit()
      if (o === 'interrupted') return interrupted(key)
      if (o === 'answered') void startGrading(key)
    }
  }
  await waitFor([...pending.keys()], 'finish')
  if (inflight.signal.aborted) return interrupted(null)
  record({ type: 'session_end', at: iso(deps.clock.now()), reason: 'completed' })
  return finish('completed')

  async function quit(): Promise<SessionResult> {
    await waitFor([...pending.keys()], 'finish')
    if (inflight.signal.aborted) return interrupted(null)
    record({ type: 'session_end', at: iso(deps.clock.now()), reason: 'quit' })
    return finish('quit')
  }
}

/**
 * The follow-up to ask: aimed at the weakest dimension of the graded answer not yet probed. The first
 * follow-up uses the judge's own `follow_up` when it gave one; otherwise the bank follow-up for that
 * dimension. When the answer could not be graded, the bank follow-ups are taken in order.
 */
export function chooseFollowUp(
  question: Question,
  rubric: Rubric,
  grade: GradeLine | undefined,
  probed: readonly string[],
  lang: Lang,
  nth: number,
): { prompt: string; dimension: string | null } | null {
  const bankFor = (dim: string) => question.follow_ups.find((f) => f.dimension === dim)
  if (grade?.type === 'grade') {
    const order = rubric.dimensions
      .map((d, i) => ({ id: d.id, level: grade.scores[d.id] ?? 0, i }))
      .filter((d) => !probed.includes(d.id))
      .sort((a, b) => a.level - b.level || a.i - b.i)
    const weakest = order[0]
    if (!weakest) return null
    const fromJudge = grade.verdict.follow_up.trim()
    if (nth === 1 && fromJudge) return { prompt: fromJudge, dimension: weakest.id }
    const bank = bankFor(weakest.id)
    if (bank) return { prompt: bank[lang], dimension: weakest.id }
    const dim = rubric.dimensions.find((d) => d.id === weakest.id)!
    return { prompt: pick(dim.asks, lang), dimension: weakest.id }
  }
  const next = question.follow_ups.find((f) => !probed.includes(f.dimension))
  return next ? { prompt: next[lang], dimension: next.dimension } : null
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
