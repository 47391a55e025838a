import type { ChalkInstance } from 'chalk'
import type { Lang } from '../../core/i18n.js'
import type { AskResult } from '../../core/session/run.js'
import type { CliDeps } from '../deps.js'
import { applyInput, createEditorState, editorText } from './answer-editor.js'
import { answerRowWidth, layoutLine } from './answer-layout.js'
import { cliMessages } from '../messages/index.js'
import { formatClock, renderLiveFrame } from './interview-screen.js'
import { wrap } from './text.js'

export interface AnswerBoxOptions {
  stdin: CliDeps['stdin']
  stdout: CliDeps['stdout'] & { rows?: number; on?(ev: 'resize', fn: () => void): unknown; off?(ev: 'resize', fn: () => void): unknown }
  colors: ChalkInstance
  lang: Lang
  budgetS: number
  /** Clock time the question was shown (ms); the countdown runs from there. */
  shownAt: number
  now(): number
  strictTime: boolean
  /** Records a hint for the draft and returns its text (null: none left). */
  onHint(draft: string): string | null
  /** Records the repeat and returns the question card to print again. */
  onRepeat(): string
  /** The question card at the current width (redrawn after a terminal resize). */
  card?(): string
  signal: AbortSignal
  initial?: string
}

/**
 * The multi-line answer box. Puts the terminal in raw mode, shows a countdown that re-renders every second
 * while the candidate types, and resolves with what they did. Restores the terminal (raw mode off,
 * bracketed paste off, cursor shown) on every way out.
 */
export function runAnswerBox(o: AnswerBoxOptions): Promise<AskResult> {
  const t = cliMessages(o.lang).screen
  const c = o.colors
  const state = createEditorState(o.initial)
  const out = (s: string) => o.stdout.write(s)
  // The terminal cursor sits on row `cursorAt` of the live frame (0 = the countdown line).
  let drawn = false
  let cursorAt = 0
  let lastSecond = NaN
  const elapsed = () => (o.now() - o.shownAt) / 1000

  function clearSeq(): string {
    return drawn ? '\r' + (cursorAt > 0 ? `\x1b[${cursorAt}A` : '') + '\x1b[J' : ''
  }
  function clearLive(): void {
    out(clearSeq())
    drawn = false
    cursorAt = 0
  }
  function draw(): void {
    state.wrapWidth = answerRowWidth(o.stdout.columns || 80)
    const frame = renderLiveFrame(
      {
        lines: state.lines,
        cursor: { row: state.row, col: state.col },
        elapsedS: elapsed(),
        budgetS: o.budgetS,
        columns: o.stdout.columns || 80,
        rows: o.stdout.rows || 24,
      },
      o.lang,
      c,
    )
    // One write per frame (clear, draw, then walk the cursor back to where the candidate is typing): no flicker.
    let s = clearSeq() + frame.rows.join('\r\n')
    const up = frame.rows.length - 1 - frame.cursorRow
    if (up > 0) s += `\x1b[${up}A`
    s += '\r' + (frame.cursorCol > 0 ? `\x1b[${frame.cursorCol}C` : '')
    out(s)
    drawn = true
    cursorAt = frame.cursorRow
  }
  function printStatic(text: string): void {
    clearLive()
    out(text.replace(/\r?\n/g, '\r\n') + '\r\n')
    draw()
  }
  function transcript(status: string): void {
    clearLive()
    const width = answerRowWidth(o.stdout.columns || 80)
    // The same word wrapping as the live box, so the answer does not jump when it becomes the transcript.
    const rows = editorText(state)
      .split('\n')
      .flatMap((l) => layoutLine(l, width).map((r) => r.text.trimEnd()))
      .map((r) => c.dim('│ ') + r)
    out([...rows, status].join('\r\n') + '\r\n')
  }

  return new Promise<AskResult>((resolve) => {
    let done = false
    const raw = typeof o.stdin.setRawMode === 'function'
    function finish(result: AskResult, status: string): void {
      if (done) return
      done = true
      clearInterval(timer)
      o.stdin.removeListener('data', onData)
      o.signal.removeEventListener('abort', onAbort)
      o.stdout.off?.('resize', onResize)
      transcript(status)
      out('\x1b[?2004l\x1b[?25h')
      if (raw) o.stdin.setRawMode!(false)
      o.stdin.pause()
      resolve(result)
    }
    function used(): string {
      const e = elapsed()
      const over = e - o.budgetS
      return `${formatClock(e)} ${t.used}${over > 0 ? ` (${t.overtime} +${formatClock(over)})` : ''}`
    }
    function onData(chunk: Buffer | string): void {
      // Up/Down follow the rows on screen, which a resize may have changed since the last frame.
      state.wrapWidth = answerRowWidth(o.stdout.columns || 80)
      const actions = applyInput(state, typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
      for (const a of actions) {
        if (a.kind === 'interrupt') return finish({ action: 'interrupt', draft: editorText(state) }, c.yellow('^C'))
        if (a.kind === 'submit')
          return finish({ action: 'submit', text: editorText(state), via: 'inline' }, c.green(`✓ ${t.submitted} · ${used()}`))
        switch (a.command) {
          case 'skip':
            return finish({ action: 'skip' }, c.yellow(`↷ ${t.skipped}`))
          case 'quit': {
            // What is in the box is kept as a draft, as Ctrl+C keeps it; the session saves it.
            const draft = editorText(state)
            return finish({ action: 'quit', draft }, c.yellow(draft.trim() ? `/quit · ${t.draftSaved}` : '/quit'))
          }
          case 'hint': {
            const h = o.onHint(editorText(state))
            const width = Math.max(20, Math.min(o.stdout.columns || 80, 100) - 1)
            printStatic(c.yellow(wrap(h ? t.hinted(h) : t.noHint, width)))
            break
          }
          case 'repeat':
            printStatic(o.onRepeat())
            break
          case 'done':
            break
        }
      }
      draw()
    }
    function onResize(): void {
      // Rows already on screen reflow unpredictably on resize: start a clean screen with the card.
      if (!o.card) return draw()
      out('\x1b[2J\x1b[H' + o.card().replace(/\r?\n/g, '\r\n') + '\r\n')
      drawn = false
      cursorAt = 0
      draw()
    }
    function onAbort(): void {
      finish({ action: 'interrupt', draft: editorText(state) }, c.yellow('^C'))
    }
    const timer = setInterval(() => {
      const e = elapsed()
      if (o.strictTime && e >= o.budgetS)
        return finish({ action: 'submit', text: editorText(state), via: 'inline', autoSubmitted: true }, c.red(`${t.timeUp} · ${used()}`))
      const second = Math.floor(e)
      if (second !== lastSecond) {
        lastSecond = second
        draw()
      }
    }, 200)
    if (o.signal.aborted) return onAbort()
    o.signal.addEventListener('abort', onAbort, { once: true })
    if (raw) o.stdin.setRawMode!(true)
    if ('setEncoding' in o.stdin && typeof o.stdin.setEncoding === 'function') o.stdin.setEncoding('utf8')
    o.stdin.on('data', onData)
    o.stdin.resume()
    o.stdout.on?.('resize', onResize)
    out('\x1b[?2004h') // bracketed paste: a pasted "/done" line is text, not a command
    lastSecond = Math.floor(elapsed())
    draw()
  })
}
