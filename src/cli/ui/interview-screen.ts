import type { ChalkInstance } from 'chalk'
import type { Lang } from '../../core/i18n.js'
import { countWords as countWordsIn } from '../../core/text/tokenise.js'
import { escapeControlCharsDeep } from '../../core/text/control.js'
import { cliMessages } from '../messages/index.js'
import { answerRowWidth, cursorCell, layoutLine } from './answer-layout.js'
import { displayWidth, hardWrap, wrap } from './text.js'

/** `m:ss` (or `h:mm:ss`) for a number of seconds. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

export interface CardInfo {
  kind: 'main' | 'follow_up'
  index: number
  total: number
  category: string
  difficulty: string
  prompt: string
  dimensionTitle: string | null
  budgetS: number
}

/** The question card: a rule with where we are and the budget, then the question wrapped, then the keys. */
export function renderQuestionCard(info: CardInfo, lang: Lang, columns: number, c: ChalkInstance): string {
  // A bank, or an LLM's follow-up, may hold escape sequences: shown, never sent to the terminal.
  const card = escapeControlCharsDeep(info)
  const t = cliMessages(lang).screen
  const width = Math.max(20, Math.min(columns, 100) - 1)
  const head =
    card.kind === 'main'
      ? `${t.question(card.index + 1, card.total)} · ${card.category} · ${card.difficulty} · ${formatClock(card.budgetS)}`
      : `${t.followUp}${card.dimensionTitle ? ` · ${card.dimensionTitle}` : ''} · ${formatClock(card.budgetS)}`
  const rule = rulePad(`── ${head} `, width)
  return ['', c.bold.cyan(rule), '', c.bold(wrap(card.prompt, width)), '', c.dim(wrap(t.help, width)), ''].join('\n')
}

function rulePad(s: string, width: number): string {
  const w = displayWidth(s)
  if (w >= width) return wrap(s, width)
  return s + '─'.repeat(width - w)
}

/**
 * Words typed so far, as the status line shows them: the one word counter (core/text/tokenise.ts), with a
 * CJK character counting one — the Chinese label counts characters (字), not the judge's half-words.
 */
export function countWords(text: string): number {
  return countWordsIn(text, { cjk: 1 })
}

export interface LiveInfo {
  lines: string[]
  /** Cursor (line index, code-point column); default: the end of the text. */
  cursor?: { row: number; col: number }
  elapsedS: number
  budgetS: number
  columns: number
  rows: number
}

export interface LiveFrame {
  rows: string[]
  /** Where the terminal cursor belongs: a row of `rows` and a display column. */
  cursorRow: number
  cursorCol: number
}

/**
 * The live part of the answer box: the countdown line, then the answer's rows (a window around the cursor
 * when it is longer than the terminal), soft-wrapped at word boundaries by `layoutLine`. Every row is at
 * most `columns - 1` wide so the terminal never wraps on its own.
 */
export function renderLiveFrame(info: LiveInfo, lang: Lang, c: ChalkInstance): LiveFrame {
  const t = cliMessages(lang).screen
  const remaining = info.budgetS - info.elapsedS
  const words = countWords(info.lines.join('\n'))
  let status: string
  if (remaining > 0) {
    const base = `${t.left(formatClock(Math.ceil(remaining)))} · ${t.words(words)}`
    const pct = Math.ceil((100 * remaining) / info.budgetS)
    status = remaining <= info.budgetS * 0.2 ? c.yellow.bold(`${base} · ${t.hurry(pct)}`) : c.green(base)
  } else status = c.red.bold(`${t.overtime} +${formatClock(-remaining)} · ${t.words(words)} · ${t.finish}`)
  const max = Math.max(10, info.columns - 1)
  const statusRows = hardWrap(stripForWrap(status, c), max)
  const head = statusRows.length === 1 ? [status] : statusRows
  const cursor = info.cursor ?? { row: info.lines.length - 1, col: [...(info.lines[info.lines.length - 1] ?? '')].length }
  const body: string[] = []
  let cursorBody = 0
  let cursorCol = 0
  const width = answerRowWidth(info.columns)
  info.lines.forEach((line, li) => {
    const rows = layoutLine(line, width)
    if (li === cursor.row) {
      const at = cursorCell(line, cursor.col, width, rows)
      cursorBody = body.length + at.row
      cursorCol = 2 + at.col
    }
    for (const r of rows) body.push(r.text)
  })
  const room = Math.max(3, info.rows - head.length - 2)
  let from = Math.max(0, body.length - room)
  if (cursorBody < from) from = cursorBody
  const shown = body.slice(from, from + room).map((r) => c.dim('│ ') + r)
  return { rows: [...head, ...shown], cursorRow: head.length + cursorBody - from, cursorCol }
}

/** The rows of the live frame (see `renderLiveFrame`). */
export function renderLive(info: LiveInfo, lang: Lang, c: ChalkInstance): string[] {
  return renderLiveFrame(info, lang, c).rows
}

/** A coloured status line only hard-wraps when the terminal is very narrow; wrap its plain text then. */
function stripForWrap(s: string, c: ChalkInstance): string {
  return c.level === 0 ? s : s.replace(/\x1b\[[0-9;]*m/g, '')
}
