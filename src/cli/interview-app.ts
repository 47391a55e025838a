import { writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { Bank } from '../core/bank/load.js'
import type { Question } from '../core/bank/schema.js'
import type { Config } from '../core/config/resolve.js'
import { EnvironmentError, InputError } from '../core/errors.js'
import { fsCodeNote, unwritableFolder } from '../core/file-access.js'
import type { Judge } from '../core/judge/types.js'
import { buildSessionReport } from '../core/report/session-report.js'
import { pendingDrafts } from '../core/session/drafts.js'
import type { SessionEvent } from '../core/session/events.js'
import { followUpBudget, runSession, type SessionDeps, type SessionResult, type SessionRunEvent } from '../core/session/run.js'
import { loadSession, openSessionStore, sessionPath, sessionsDir } from '../core/session/store.js'
import { escapeControlChars } from '../core/text/control.js'
import type { CommandContext } from './command.js'
import { homeAdvice, loadCliBank, loadCliConfig } from './context.js'
import { EXIT, type CliDeps, type ExitCode } from './deps.js'
import { createAsk } from './interview/ask.js'
import { newSession, resumedBanks, resumedSession, resumeTarget, type ChosenSession } from './interview/choose-session.js'
import { runMenu, type LastChoices } from './interview/menu.js'
import type { InterviewOptions } from './interview/options.js'
import { createColors } from './ui/color.js'
import { formatClock } from './ui/interview-screen.js'
import { renderSessionReportMarkdown, renderSessionReportText } from './ui/session-report.js'
import { wrap } from './ui/text.js'
import { loadJudgeConfig, createJudge, describeJudgeChoice } from './judge.js'
import { cliMessages, type CliMessages } from './messages/index.js'

export type { InterviewOptions }

type Colors = ReturnType<typeof createColors>

/**
 * `mockint interview`: checks the terminal and the data folder, chooses the session (resumed, from the
 * menu or from the flags), runs it with the answer box and a spinner while the judge is awaited, then prints
 * and saves the report built from the session file. Exit 130 on Ctrl+C (everything answered is saved),
 * 3 when an answer stays ungraded.
 */
export async function runInterviewApp(ctx: CommandContext, opts: InterviewOptions, flagsGiven: boolean): Promise<ExitCode> {
  const { deps } = ctx
  if (!deps.stdin.isTTY || !deps.stdout.isTTY) return noTerminal(deps, opts)
  const now = deps.now ?? (() => Date.now())
  const c = createColors(deps.env, deps.stdout)
  const ce = createColors(deps.env, deps.stderr)
  // Status lines are wrapped by us so a narrow terminal never cuts a word.
  const say = (s: string) => deps.stderr.write(wrap(s, Math.max(20, (deps.stdout.columns || 80) - 1)) + '\n')

  let config = await loadJudgeConfig(deps, { judge: opts.judge, provider: opts.provider, model: opts.model, baseUrl: opts.baseUrl, lang: opts.lang })
  const home = config.home
  // Every answer is saved as it is given: a data folder that cannot hold the session stops here, before
  // the menu or the first question, rather than after the candidate has started.
  const cannotSave = await unwritableFolder(sessionsDir(home))
  if (cannotSave)
    throw new EnvironmentError(`cannot create the sessions folder ${sessionsDir(home)} ${fsCodeNote(cannotSave)}; ${homeAdvice(deps, config)}`)
  // Notes before the session's own language is known follow the configured one.
  const early = cliMessages(config.lang).app
  // On resume, the session names the extra banks its questions came from.
  const resume = resumeTarget(opts.resume, home)
  const bank = await loadCliBank(deps, config, [...new Set([...(opts.bank ?? []), ...resumedBanks(resume)])])

  // Which session: resume one, or plan a new one.
  let session: ChosenSession
  if (resume) {
    const resumed = resumedSession(resume, { home, bank, config, judgeFlag: opts.judge, say, warn: (s) => ce.yellow(s), t: early })
    if (resumed === 'finished') return EXIT.ok
    session = resumed
  } else {
    let choices: LastChoices | undefined
    if (!flagsGiven) {
      try {
        choices = await runMenu(deps, bank, home, { lang: config.lang, judge: config.judge })
      } catch (e) {
        // Ctrl+C in a menu prompt: nothing started, nothing to save.
        if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') {
          deps.stdout.write('\x1b[?25h')
          say(ce.yellow(early.menuInterrupted))
          return EXIT.interrupted
        }
        throw e
      }
      config = await loadJudgeConfig(deps, { judge: choices.judge, lang: choices.lang })
    }
    session = newSession(opts, choices, { home, bank, lang: config.lang, now, say, warn: (s) => ce.yellow(s), t: cliMessages(config.lang).app })
  }
  if (opts.strictTime) session.options.strict_time = true
  const { id } = session
  const lang = session.options.lang
  const t = cliMessages(lang).app

  // A judge that cannot be built (no model or endpoint for the LLM judge) stops here with exit 2.
  const judge = await createJudge(config)
  announce(session, { config, judge, deps, say, ce })
  const store = openSessionStore(home, id)
  if (session.prior.length === 0) store.append(startLine(session, { config, judge, opts, deps, now }))

  const notices: string[] = []
  const rubricFor = (q: Question) => {
    const r = bank.rubrics.get(q.rubric)
    if (!r) throw new InputError(`unknown rubric "${q.rubric}"`, { file: bank.byId.get(q.id)?.file ?? q.id })
    return r.rubric
  }
  const ask = createAsk({ deps, lang, t, c, ce, say, now, editor: !!opts.editor, strictTime: session.options.strict_time, rubricFor, notices })
  // Loaded before the first question so the spinner starts and stops in step with the session's events.
  const ora = deps.stderr.isTTY ? (await import('ora')).default : undefined
  const status = createStatusLine({ deps, ce, say, t, notices, ora })
  const sessionDeps: SessionDeps = { ask, judge, clock: { now }, append: (e) => store.append(e), rubricFor, signal: deps.signal, onEvent: status.onEvent }

  let result: SessionResult
  try {
    result = await runSession({ options: session.options, questions: session.questions, prior: session.prior }, sessionDeps)
  } finally {
    status.stop()
    store.close()
    deps.stdout.write('\x1b[?25h')
  }
  if (result.status === 'interrupted') {
    say('')
    say(ce.yellow(t.interrupted(sessionPath(home, id))))
    say(t.resumeWith(id))
    return EXIT.interrupted
  }
  for (const n of notices.splice(0)) say(n)
  return report(result, { id, home, bank, deps, c, ce, say, t, lang })
}

/** Without a terminal on both ends there is no interview; says what to use instead (exit 2). */
async function noTerminal(deps: CliDeps, opts: InterviewOptions): Promise<ExitCode> {
  // The language is all this needs from the config; a broken config file is reported where it always was.
  const noTtyLang = await loadCliConfig(deps, { lang: opts.lang }).then(
    (c) => c.lang,
    () => 'en' as const,
  )
  deps.stderr.write(`mockint: ${cliMessages(noTtyLang).app.noTty}\n`)
  return EXIT.usage
}

/** Before the first question: how many questions, the time budget, who grades and where the session is saved. */
function announce(session: ChosenSession, ctx: { config: Config; judge: Judge; deps: CliDeps; say(s: string): void; ce: Colors }): void {
  const { say, ce, deps } = ctx
  const { id, prior, questions, options } = session
  const t = cliMessages(options.lang).app
  const home = ctx.config.home
  const budgets = questions.map((q) => options.time ?? q.time_limit)
  const total = budgets.reduce((a, b) => a + b + options.follow_ups * followUpBudget(b), 0)
  say('')
  const n = questions.length
  const f = options.follow_ups
  say(ce.bold(t.banner(n, f, formatClock(total), prior.length ? id : null)))
  say(ce.dim(describeJudgeChoice(ctx.config, ctx.judge)))
  const rel = relative(deps.cwd, sessionPath(home, id))
  say(ce.dim(t.sessionFile(id, rel.startsWith('..') ? sessionPath(home, id) : rel)))
}

/** The `session_start` line of a new session: its options, judge, questions and the banks they came from. */
function startLine(session: ChosenSession, ctx: { config: Config; judge: Judge; opts: InterviewOptions; deps: CliDeps; now(): number }): SessionEvent {
  const { config } = ctx
  return {
    type: 'session_start',
    at: new Date(ctx.now()).toISOString(),
    id: session.id,
    version: 1,
    options: session.options,
    judge: { kind: ctx.judge.kind, ...(config.model ? { model: config.model } : {}), ...(config.provider ? { provider: config.provider } : {}) },
    questions: session.questions.map((q) => q.id),
    banks: [...config.banks, ...(ctx.opts.bank ?? [])].map((b) => resolve(ctx.deps.cwd, b)),
  }
}

/**
 * The session's events drawn on stderr: a spinner (a plain line without a terminal) while the candidate
 * waits on the judge, and judge failures queued as notices for the next question.
 */
function createStatusLine(ctx: {
  deps: CliDeps
  ce: Colors
  say(s: string): void
  t: CliMessages['app']
  notices: string[]
  ora: typeof import('ora').default | undefined
}): { onEvent(e: SessionRunEvent): void; stop(): void } {
  const { deps, ce, say, t, ora } = ctx
  let spinner: { stop(): void } | undefined
  return {
    onEvent: (e) => {
      if (e.type === 'waiting') {
        const text = e.why === 'follow_up' ? t.waitingFollowUp : t.waiting(e.pending)
        spinner?.stop()
        if (ora) {
          spinner = ora({ text, stream: deps.stderr as NodeJS.WritableStream, discardStdin: true, hideCursor: false, isEnabled: true, color: ce.level > 0 ? 'cyan' : false }).start()
        } else say(text)
      } else if (e.type === 'waiting_done') {
        spinner?.stop()
        spinner = undefined
      } else if (e.type === 'recorded' && e.event.type === 'judge_failure')
        ctx.notices.push(ce.red(escapeControlChars(t.judgeFailed(e.event.key, e.event.reason))))
    },
    stop: () => spinner?.stop(),
  }
}

/**
 * Prints the report and saves it as Markdown beside the session file. The report is built from the file on
 * disk: what is saved is what is reported. Exit 3 when an answer stays ungraded.
 */
function report(
  result: SessionResult,
  ctx: { id: string; home: string; bank: Bank; deps: CliDeps; c: Colors; ce: Colors; say(s: string): void; t: CliMessages['app']; lang: 'en' | 'zh' },
): ExitCode {
  const { id, home, bank, deps, say, ce, lang } = ctx
  const saved = loadSession(home, id)
  const r = buildSessionReport(id, saved?.events ?? result.events, { question: (qid) => bank.byId.get(qid)?.question, rubric: (rid) => bank.rubrics.get(rid)?.rubric }, lang)
  deps.stdout.write(renderSessionReportText(r, deps.stdout.columns || 80, ctx.c) + '\n')
  const md = join(dirname(sessionPath(home, id)), `${id}.md`)
  writeFileSync(md, renderSessionReportMarkdown(r))
  say(ce.dim(ctx.t.reportSaved(md, id)))
  // A /quit with text in the box keeps it as a draft, as Ctrl+C does; say where it went and how to go on.
  const kept = [...pendingDrafts(saved?.events ?? result.events).keys()]
  if (result.status === 'quit' && kept.length) say(ce.yellow(ctx.t.draftKept(kept.map((k) => k.toUpperCase()).join(', '), id)))
  return r.ungraded > 0 ? EXIT.judge : EXIT.ok
}
