import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { Bank } from '../core/bank/load.js'
import type { Question } from '../core/bank/schema.js'
import { EnvironmentError, InputError } from '../core/errors.js'
import { fsCodeNote, unwritableFolder } from '../core/file-access.js'
import { pick, type Lang } from '../core/i18n.js'
import { buildSessionReport } from '../core/report/session-report.js'
import { rankForReview } from '../core/schedule/fsrs.js'
import { pastGradesOf } from '../core/schedule/past-grades.js'
import type { SessionEvent, SessionOptions } from '../core/session/events.js'
import { followUpBudget, runSession, type AskRequest, type AskResult, type SessionDeps } from '../core/session/run.js'
import { pendingDrafts } from '../core/session/drafts.js'
import { selectQuestions } from '../core/session/select.js'
import { escapeControlChars } from '../core/text/control.js'
import {
  createSessionId,
  latestUnfinished,
  listSessionIds,
  loadSession,
  openSessionStore,
  sessionPath,
  sessionsDir,
  startEvent,
  needsResume,
} from '../core/session/store.js'
import { homeAdvice, loadCliBank, loadCliConfig } from './context.js'
import { EXIT, type CliDeps, type ExitCode } from './deps.js'
import { createJudge, describeJudgeChoice, loadJudgeConfig } from './judge.js'
import { cliMessages } from './messages/index.js'
import type { CommandContext } from './command.js'
import { runAnswerBox } from './ui/answer-box.js'
import { createColors } from './ui/color.js'
import { EditorStartError, editInEditor, editorCommand } from './ui/editor-answer.js'
import { formatClock, renderQuestionCard } from './ui/interview-screen.js'
import { renderSessionReportMarkdown, renderSessionReportText } from './ui/session-report.js'
import { wrap } from './ui/text.js'

/** `mockint interview`'s flags (the command registers them; this controller runs the session). */
export interface InterviewOptions {
  category?: string[]
  difficulty?: string
  count: number
  time?: number
  lang?: 'en' | 'zh'
  followUps: number
  seed?: number
  adaptive?: boolean
  editor?: boolean
  strictTime?: boolean
  resume?: string | boolean
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}

/** Choices remembered from the menu, in `$MOCKINT_HOME/last-choices.json`. */
interface LastChoices {
  categories?: string[]
  difficulty?: string | null
  count?: number
  lang?: Lang
  judge?: string
}

function readLastChoices(home: string): LastChoices {
  try {
    return JSON.parse(readFileSync(join(home, 'last-choices.json'), 'utf8')) as LastChoices
  } catch {
    return {}
  }
}

function writeLastChoices(home: string, c: LastChoices): void {
  try {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'last-choices.json'), JSON.stringify(c, null, 2) + '\n')
  } catch {
    // Remembering is a convenience; never fail the interview over it.
  }
}

/** The short setup menu shown when `mockint interview` runs in a terminal without flags. */
async function runMenu(deps: CliDeps, bank: Bank, home: string, defaults: { lang: Lang; judge: string }): Promise<LastChoices> {
  const { checkbox, select, number } = await import('@inquirer/prompts')
  const t = cliMessages(defaults.lang).app.menu
  const last = readLastChoices(home)
  const io = { input: deps.stdin as NodeJS.ReadableStream, output: deps.stdout as unknown as NodeJS.WritableStream }
  const counts = new Map<string, number>()
  for (const q of bank.questions) counts.set(q.question.category, (counts.get(q.question.category) ?? 0) + 1)
  const cats = [...counts.keys()].sort()
  const categories = await checkbox(
    {
      message: t.categories,
      choices: cats.map((c) => ({ name: `${c} (${counts.get(c)})`, value: c, checked: last.categories?.includes(c) ?? false })),
      pageSize: Math.min(12, cats.length),
    },
    io,
  )
  const difficulty = await select(
    {
      message: t.difficulty,
      choices: [
        { name: t.anyDifficulty, value: null },
        { name: 'mid', value: 'mid' },
        { name: 'senior', value: 'senior' },
        { name: 'staff', value: 'staff' },
      ],
      default: last.difficulty ?? null,
    },
    io,
  )
  const count = await number({ message: t.count, default: last.count ?? 5, min: 1, max: 50, required: true }, io)
  const lang = await select(
    { message: t.language, choices: [{ name: 'English', value: 'en' as Lang }, { name: '中文', value: 'zh' as Lang }], default: last.lang ?? defaults.lang },
    io,
  )
  const judge = await select(
    {
      message: t.judge,
      choices: [
        { name: t.judgeAuto, value: 'auto' },
        { name: t.judgeOffline, value: 'offline' },
        { name: t.judgeOpenai, value: 'openai' },
      ],
      default: last.judge ?? defaults.judge,
    },
    io,
  )
  const chosen: LastChoices = { categories, difficulty, count: count ?? 5, lang, judge }
  writeLastChoices(home, chosen)
  return chosen
}

/** Reads one key from the terminal among `keys` (lower-case); Ctrl+C counts as `\x03`. */
function readKey(stdin: CliDeps['stdin'], keys: string[]): Promise<string> {
  return new Promise((resolve) => {
    const raw = typeof stdin.setRawMode === 'function'
    const onData = (d: Buffer | string) => {
      const k = String(d).toLowerCase()
      if (k === '\x03' || keys.includes(k)) {
        stdin.removeListener('data', onData)
        if (raw) stdin.setRawMode!(false)
        stdin.pause()
        resolve(k)
      }
    }
    if (raw) stdin.setRawMode!(true)
    stdin.on('data', onData)
    stdin.resume()
  })
}

export async function runInterviewApp(ctx: CommandContext, opts: InterviewOptions, flagsGiven: boolean): Promise<ExitCode> {
  const { deps } = ctx
  if (!deps.stdin.isTTY || !deps.stdout.isTTY) {
    // The language is all this needs from the config; a broken config file is reported where it always was.
    const noTtyLang = await loadCliConfig(deps, { lang: opts.lang }).then(
      (c) => c.lang,
      () => 'en' as const,
    )
    deps.stderr.write(`mockint: ${cliMessages(noTtyLang).app.noTty}\n`)
    return EXIT.usage
  }
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
  const resumeId = opts.resume !== undefined && opts.resume !== false ? (typeof opts.resume === 'string' ? opts.resume : latestUnfinished(home)) : undefined
  const resumeStart = resumeId ? startEvent(loadSession(home, resumeId)?.events ?? []) : undefined
  const extraBanks = [...(opts.bank ?? []), ...(resumeStart?.banks ?? []).filter((b) => existsSync(b))]
  const bank = await loadCliBank(deps, config, [...new Set(extraBanks)])

  // Which session: resume one, or plan a new one.
  let id: string
  let prior: SessionEvent[] = []
  let sessionOptions: SessionOptions
  let questions: Question[]
  if (opts.resume !== undefined && opts.resume !== false) {
    const wanted = resumeId
    if (!wanted) throw new InputError('no unfinished session to resume; start one with `mockint interview`', { file: join(home, 'sessions') })
    const loaded = loadSession(home, wanted)
    if (!loaded) {
      const known = listSessionIds(home).slice(-3).join(', ')
      throw new InputError(`no session "${wanted}"${known ? ` (latest: ${known})` : ''}; \`mockint history\` lists them`, { file: sessionPath(home, wanted) })
    }
    for (const w of loaded.warnings) say(ce.yellow(`warning: ${escapeControlChars(w)}`))
    const start = startEvent(loaded.events)
    if (!start) throw new InputError('the session file has no readable start line; it cannot be resumed', { file: loaded.path })
    if (!needsResume(loaded.events)) {
      say(early.finished(wanted))
      return EXIT.ok
    }
    id = wanted
    prior = loaded.events
    sessionOptions = start.options
    questions = start.questions.map((qid) => {
      const q = bank.byId.get(qid)?.question
      if (!q) throw new InputError(`question "${qid}" of this session is not in the loaded banks; pass its bank with --bank`, { file: loaded.path })
      return q
    })
    if (opts.judge === undefined && config.judge === 'auto' && start.judge.kind !== config.effectiveJudge)
      say(ce.yellow(early.judgeChanged(start.judge.kind, config.effectiveJudge)))
  } else {
    let categories = opts.category
    let difficulty = opts.difficulty
    let count = opts.count
    if (!flagsGiven) {
      let m: LastChoices
      try {
        m = await runMenu(deps, bank, home, { lang: config.lang, judge: config.judge })
      } catch (e) {
        // Ctrl+C in a menu prompt: nothing started, nothing to save.
        if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') {
          deps.stdout.write('\x1b[?25h')
          say(ce.yellow(early.menuInterrupted))
          return EXIT.interrupted
        }
        throw e
      }
      categories = m.categories?.length ? m.categories : undefined
      difficulty = m.difficulty ?? undefined
      count = m.count ?? count
      config = await loadJudgeConfig(deps, { judge: m.judge, lang: m.lang })
    }
    const known = new Set(bank.questions.map((q) => q.question.category))
    const unknown = (categories ?? []).filter((x) => !known.has(x))
    if (unknown.length)
      throw new InputError(`unknown category "${unknown[0]}"; the banks have: ${[...known].sort().join(', ')}`, { file: '--category' })
    const all = bank.questions.map((q) => q.question)
    let ranked: string[] | undefined
    if (opts.adaptive) {
      const grades = listSessionIds(home).flatMap((sid) => pastGradesOf(loadSession(home, sid)?.events ?? []))
      ranked = rankForReview(all.map((q) => q.id).sort(), grades, new Date(now()))
    }
    questions = selectQuestions(all, { categories, difficulty, count, seed: opts.seed, ranked })
    if (questions.length === 0) throw new InputError('no question matches these filters; try fewer of them (`mockint bank list` shows what there is)', { file: '--category/--difficulty' })
    if (questions.length < count) say(ce.yellow(cliMessages(config.lang).app.fewer(questions.length)))
    sessionOptions = {
      count: questions.length,
      time: opts.time ?? null,
      lang: config.lang,
      follow_ups: opts.followUps,
      strict_time: !!opts.strictTime,
      categories: categories ?? [],
      difficulty: difficulty ?? null,
      seed: opts.seed ?? null,
      adaptive: !!opts.adaptive,
    }
    id = createSessionId(new Date(now()), Math.random)
  }
  if (opts.strictTime) sessionOptions.strict_time = true
  const lang = sessionOptions.lang
  const t = cliMessages(lang).app

  // A judge that cannot be built (no model or endpoint for the LLM judge) stops here with exit 2.
  const judge = await createJudge(config)

  // Before the first question: who grades, how to switch, and the time budget.
  const budgets = questions.map((q) => sessionOptions.time ?? q.time_limit)
  const total = budgets.reduce((a, b) => a + b + sessionOptions.follow_ups * followUpBudget(b), 0)
  say('')
  const n = questions.length
  const f = sessionOptions.follow_ups
  say(ce.bold(t.banner(n, f, formatClock(total), prior.length ? id : null)))
  say(ce.dim(describeJudgeChoice(config, judge)))
  const rel = relative(deps.cwd, sessionPath(home, id))
  say(ce.dim(t.sessionFile(id, rel.startsWith('..') ? sessionPath(home, id) : rel)))

  const store = openSessionStore(home, id)
  if (prior.length === 0)
    store.append({
      type: 'session_start',
      at: new Date(now()).toISOString(),
      id,
      version: 1,
      options: sessionOptions,
      judge: { kind: judge.kind, ...(config.model ? { model: config.model } : {}), ...(config.provider ? { provider: config.provider } : {}) },
      questions: questions.map((q) => q.id),
      banks: [...config.banks, ...(opts.bank ?? [])].map((b) => resolve(deps.cwd, b)),
    })

  const notices: string[] = []
  let spinner: { stop(): void } | undefined
  // Loaded before the first question so the spinner starts and stops in step with the session's events.
  const ora = deps.stderr.isTTY ? (await import('ora')).default : undefined
  const rubricFor = (q: Question) => {
    const r = bank.rubrics.get(q.rubric)
    if (!r) throw new InputError(`unknown rubric "${q.rubric}"`, { file: bank.byId.get(q.id)?.file ?? q.id })
    return r.rubric
  }
  const columns = () => deps.stdout.columns || 80
  let editorUnavailable = false

  async function ask(req: AskRequest, signal: AbortSignal): Promise<AskResult> {
    for (const n of notices.splice(0)) say(n)
    const dimTitle = req.dimension ? pick(rubricFor(req.question).dimensions.find((d) => d.id === req.dimension)?.title ?? { en: req.dimension, zh: req.dimension }, lang) : null
    const card = () =>
      renderQuestionCard(
        { kind: req.kind, index: req.index, total: req.total, category: req.question.category, difficulty: req.question.difficulty, prompt: req.prompt, dimensionTitle: dimTitle, budgetS: req.budgetS },
        lang,
        columns(),
        c,
      )
    deps.stdout.write(card() + '\n')
    if (opts.editor && !editorUnavailable) {
      const cmd = editorCommand(deps.env)
      if (!cmd) say(ce.yellow(t.noEditor))
      else
        for (;;) {
          let text: string
          try {
            text = await editInEditor(cmd.argv, req.prompt, formatClock(req.budgetS), lang)
          } catch (e) {
            if (!(e instanceof EditorStartError)) throw e
            // Say it once and answer in the built-in box from now on (with any draft kept), rather than
            // end an interview that is under way over a setting.
            editorUnavailable = true
            say(ce.yellow(t.editorFailed(cmd.variable, cmd.value, e.code)))
            break
          }
          if (signal.aborted) return { action: 'interrupt', draft: text }
          if (text.trim()) return { action: 'submit', text, via: 'editor' }
          say(ce.yellow(t.emptyEditor))
          say(t.editorKeys)
          const k = await readKey(deps.stdin, ['r', 'i', 's'])
          if (k === '\x03') return { action: 'interrupt' }
          if (k === 's') return { action: 'skip' }
          if (k === 'i') break
        }
    }
    return runAnswerBox({
      stdin: deps.stdin,
      stdout: deps.stdout as Parameters<typeof runAnswerBox>[0]['stdout'],
      colors: c,
      lang,
      budgetS: req.budgetS,
      shownAt: req.shownAt,
      now,
      strictTime: sessionOptions.strict_time,
      onHint: (draft) => {
        const hint = req.hint(draft)?.text
        return hint == null ? null : escapeControlChars(hint)
      },
      onRepeat: () => {
        req.repeat()
        return card()
      },
      card,
      signal,
      initial: req.draft ?? undefined,
    })
  }

  const sessionDeps: SessionDeps = {
    ask,
    judge,
    clock: { now },
    append: (e) => store.append(e),
    rubricFor,
    signal: deps.signal,
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
        notices.push(ce.red(escapeControlChars(t.judgeFailed(e.event.key, e.event.reason))))
    },
  }

  let result
  try {
    result = await runSession({ options: sessionOptions, questions, prior }, sessionDeps)
  } finally {
    spinner?.stop()
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

  // The report is built from the file on disk: what is saved is what is reported.
  const saved = loadSession(home, id)
  const report = buildSessionReport(id, saved?.events ?? result.events, { question: (qid) => bank.byId.get(qid)?.question, rubric: (rid) => bank.rubrics.get(rid)?.rubric }, lang)
  deps.stdout.write(renderSessionReportText(report, columns(), c) + '\n')
  const md = join(dirname(sessionPath(home, id)), `${id}.md`)
  writeFileSync(md, renderSessionReportMarkdown(report))
  say(ce.dim(t.reportSaved(md, id)))
  // A /quit with text in the box keeps it as a draft, as Ctrl+C does; say where it went and how to go on.
  const kept = [...pendingDrafts(saved?.events ?? result.events).keys()]
  if (result.status === 'quit' && kept.length) say(ce.yellow(t.draftKept(kept.map((k) => k.toUpperCase()).join(', '), id)))
  return report.ungraded > 0 ? EXIT.judge : EXIT.ok
}

