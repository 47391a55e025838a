import type { Question } from '../../core/bank/schema.js'
import { pick, type Lang } from '../../core/i18n.js'
import type { Rubric } from '../../core/rubric/schema.js'
import type { AskRequest, AskResult } from '../../core/session/run.js'
import { escapeControlChars } from '../../core/text/control.js'
import type { CliDeps } from '../deps.js'
import type { CliMessages } from '../messages/index.js'
import { runAnswerBox } from '../ui/answer-box.js'
import type { createColors } from '../ui/color.js'
import { EditorStartError, editInEditor, editorCommand } from '../ui/editor-answer.js'
import { formatClock, renderQuestionCard } from '../ui/interview-screen.js'

type Colors = ReturnType<typeof createColors>

/** What answering needs from the interview around it. */
export interface AskContext {
  deps: CliDeps
  lang: Lang
  t: CliMessages['app']
  /** Colours for stdout (the card, the box) and stderr (notes). */
  c: Colors
  ce: Colors
  say(line: string): void
  now(): number
  /** Answer in $VISUAL/$EDITOR (`--editor`). */
  editor: boolean
  strictTime: boolean
  rubricFor(question: Question): Rubric
  /** Notes queued while the candidate was answering (judge failures), said before the next question. */
  notices: string[]
}

/**
 * The session's `ask`: shows the question card, then takes the answer in the editor (`--editor`; on an
 * empty answer the candidate retries, answers inline or skips) or in the built-in answer box. An editor that
 * cannot start is reported once and the rest of the session is answered inline.
 */
export function createAsk(ctx: AskContext): (req: AskRequest, signal: AbortSignal) => Promise<AskResult> {
  const { deps, lang, t, c, ce, say } = ctx
  const columns = () => deps.stdout.columns || 80
  let editorUnavailable = false
  return async (req, signal) => {
    for (const n of ctx.notices.splice(0)) say(n)
    const dimTitle = req.dimension ? pick(ctx.rubricFor(req.question).dimensions.find((d) => d.id === req.dimension)?.title ?? { en: req.dimension, zh: req.dimension }, lang) : null
    const card = () =>
      renderQuestionCard(
        { kind: req.kind, index: req.index, total: req.total, category: req.question.category, difficulty: req.question.difficulty, prompt: req.prompt, dimensionTitle: dimTitle, budgetS: req.budgetS },
        lang,
        columns(),
        c,
      )
    deps.stdout.write(card() + '\n')
    if (ctx.editor && !editorUnavailable) {
      const fromEditor = await answerInEditor(req, signal)
      if (fromEditor) return fromEditor
    }
    return runAnswerBox({
      stdin: deps.stdin,
      stdout: deps.stdout as Parameters<typeof runAnswerBox>[0]['stdout'],
      colors: c,
      lang,
      budgetS: req.budgetS,
      shownAt: req.shownAt,
      now: ctx.now,
      strictTime: ctx.strictTime,
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

  /** The answer from the editor, or undefined to answer in the box instead. */
  async function answerInEditor(req: AskRequest, signal: AbortSignal): Promise<AskResult | undefined> {
    const cmd = editorCommand(deps.env)
    if (!cmd) {
      say(ce.yellow(t.noEditor))
      return undefined
    }
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
        return undefined
      }
      if (signal.aborted) return { action: 'interrupt', draft: text }
      if (text.trim()) return { action: 'submit', text, via: 'editor' }
      say(ce.yellow(t.emptyEditor))
      say(t.editorKeys)
      const k = await readKey(deps.stdin, ['r', 'i', 's'])
      if (k === '\x03') return { action: 'interrupt' }
      if (k === 's') return { action: 'skip' }
      if (k === 'i') return undefined
    }
  }
}

/** Reads one key from the terminal among `keys` (lower-case); Ctrl+C counts as `\x03`. */
export function readKey(stdin: CliDeps['stdin'], keys: string[]): Promise<string> {
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
