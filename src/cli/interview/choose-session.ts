import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Bank } from '../../core/bank/load.js'
import type { Question } from '../../core/bank/schema.js'
import type { Config } from '../../core/config/resolve.js'
import { InputError } from '../../core/errors.js'
import { rankForReview } from '../../core/schedule/fsrs.js'
import { pastGradesOf } from '../../core/schedule/past-grades.js'
import type { SessionEvent, SessionOptions } from '../../core/session/events.js'
import { selectQuestions } from '../../core/session/select.js'
import {
  createSessionId,
  latestUnfinished,
  listSessionIds,
  loadSession,
  needsResume,
  sessionPath,
  startEvent,
  type LoadedSession,
} from '../../core/session/store.js'
import { escapeControlChars } from '../../core/text/control.js'
import type { CliMessages } from '../messages/index.js'
import type { LastChoices } from './menu.js'
import type { InterviewOptions } from './options.js'

/** The session to run: a new one (no `prior` lines) or one resumed from its file. */
export interface ChosenSession {
  id: string
  prior: SessionEvent[]
  options: SessionOptions
  questions: Question[]
}

/**
 * `--resume`, read once: whether to resume, which session (the id given, else the latest unfinished one;
 * undefined when there is none) and that session's file as loaded (null when it does not exist).
 */
export interface ResumeTarget {
  id: string | undefined
  loaded: LoadedSession | null
}

/** The `--resume` target, or null when not resuming. */
export function resumeTarget(resume: InterviewOptions['resume'], home: string): ResumeTarget | null {
  if (resume === undefined || resume === false) return null
  const id = typeof resume === 'string' ? resume : latestUnfinished(home)
  return { id, loaded: id ? loadSession(home, id) : null }
}

/** Banks a resumed session's questions came from, as its start line names them (those still on disk). */
export function resumedBanks(target: ResumeTarget | null): string[] {
  return (startEvent(target?.loaded?.events ?? [])?.banks ?? []).filter((b) => existsSync(b))
}

/**
 * The session `target` names, ready to continue; `finished` when it has nothing left to ask or grade.
 * Throws InputError when there is none to resume, the file is missing or has no start line, or a question
 * of it is not in the loaded banks. Says the file's warnings and a change of judge.
 */
export function resumedSession(
  target: ResumeTarget,
  ctx: { home: string; bank: Bank; config: Config; judgeFlag: string | undefined; say(line: string): void; warn(line: string): string; t: CliMessages['app'] },
): ChosenSession | 'finished' {
  const { home } = ctx
  if (!target.id) throw new InputError('no unfinished session to resume; start one with `mockint interview`', { file: join(home, 'sessions') })
  const loaded = target.loaded
  if (!loaded) {
    const known = listSessionIds(home).slice(-3).join(', ')
    throw new InputError(`no session "${target.id}"${known ? ` (latest: ${known})` : ''}; \`mockint history\` lists them`, { file: sessionPath(home, target.id) })
  }
  for (const w of loaded.warnings) ctx.say(ctx.warn(`warning: ${escapeControlChars(w)}`))
  const start = startEvent(loaded.events)
  if (!start) throw new InputError('the session file has no readable start line; it cannot be resumed', { file: loaded.path })
  if (!needsResume(loaded.events)) {
    ctx.say(ctx.t.finished(target.id))
    return 'finished'
  }
  const questions = start.questions.map((qid) => {
    const q = ctx.bank.byId.get(qid)?.question
    if (!q) throw new InputError(`question "${qid}" of this session is not in the loaded banks; pass its bank with --bank`, { file: loaded.path })
    return q
  })
  if (ctx.judgeFlag === undefined && ctx.config.judge === 'auto' && start.judge.kind !== ctx.config.effectiveJudge)
    ctx.say(ctx.warn(ctx.t.judgeChanged(start.judge.kind, ctx.config.effectiveJudge)))
  return { id: target.id, prior: loaded.events, options: start.options, questions }
}

/**
 * A new session: the questions picked by the filters (from the flags, or from the menu's `choices`), ranked
 * by spaced repetition over past grades with `--adaptive`. Throws InputError for an unknown category or
 * when nothing matches; says so when fewer questions match than asked for.
 */
export function newSession(
  opts: InterviewOptions,
  choices: LastChoices | undefined,
  ctx: { home: string; bank: Bank; lang: SessionOptions['lang']; now(): number; say(line: string): void; warn(line: string): string; t: CliMessages['app'] },
): ChosenSession {
  const { bank, home } = ctx
  const categories = choices ? (choices.categories?.length ? choices.categories : undefined) : opts.category
  const difficulty = choices ? (choices.difficulty ?? undefined) : opts.difficulty
  const count = choices ? (choices.count ?? opts.count) : opts.count
  const known = new Set(bank.questions.map((q) => q.question.category))
  const unknown = (categories ?? []).filter((x) => !known.has(x))
  if (unknown.length) throw new InputError(`unknown category "${unknown[0]}"; the banks have: ${[...known].sort().join(', ')}`, { file: '--category' })
  const all = bank.questions.map((q) => q.question)
  let ranked: string[] | undefined
  if (opts.adaptive) {
    const grades = listSessionIds(home).flatMap((sid) => pastGradesOf(loadSession(home, sid)?.events ?? []))
    ranked = rankForReview(all.map((q) => q.id).sort(), grades, new Date(ctx.now()))
  }
  const questions = selectQuestions(all, { categories, difficulty, count, seed: opts.seed, ranked })
  if (questions.length === 0) throw new InputError('no question matches these filters; try fewer of them (`mockint bank list` shows what there is)', { file: '--category/--difficulty' })
  if (questions.length < count) ctx.say(ctx.warn(ctx.t.fewer(questions.length)))
  const options: SessionOptions = {
    count: questions.length,
    time: opts.time ?? null,
    lang: ctx.lang,
    follow_ups: opts.followUps,
    strict_time: !!opts.strictTime,
    categories: categories ?? [],
    difficulty: difficulty ?? null,
    seed: opts.seed ?? null,
    adaptive: !!opts.adaptive,
  }
  return { id: createSessionId(new Date(ctx.now()), Math.random), prior: [], options, questions }
}
