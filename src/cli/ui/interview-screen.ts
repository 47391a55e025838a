import type { ChalkInstance } from 'chalk'
import type { Lang } from '../../core/i18n.js'
import { countWords as countWordsIn } from '../../core/text/tokenise.js'
import { escapeControlCharsDeep } from '../../core/text/control.js'
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

export const SCREEN_TEXT = {
  en: {
    question: (i: number, n: number) => `Question ${i}/${n}`,
    followUp: 'Follow-up',
    help: 'Enter: new line · arrows: move · Ctrl+D or a line "/done": submit · on a line of their own: /hint /repeat /skip /quit · Ctrl+C: save and stop',
    left: (clock: string) => `${clock} left`,
    words: (n: number) => `${n} word${n === 1 ? '' : 's'}`,
    hurry: (pct: number) => `${pct}% of the time left`,
    overtime: 'overtime',
    finish: 'finish when ready (Ctrl+D)',
    submitted: 'submitted',
    used: 'used',
    timeUp: "time's up: submitted",
    hint: 'Hint',
    noHint: 'No more hints for this question.',
    skipped: 'skipped',
    draftSaved: 'your answer so far is saved as a draft',
  },
  zh: {
    question: (i: number, n: number) => `第 ${i}/${n} 题`,
    followUp: '追问',
    help: '回车：换行 · 方向键：移动光标 · Ctrl+D 或单独一行 "/done"：提交 · 单独一行输入：/hint 提示 /repeat 重看题目 /skip 跳过 /quit 结束 · Ctrl+C：保存并暂停',
    left: (clock: string) => `剩余 ${clock}`,
    words: (n: number) => `${n} 字`,
    hurry: (pct: number) => `仅剩 ${pct}% 的时间`,
    overtime: '已超时',
    finish: '写完后按 Ctrl+D 提交',
    submitted: '已提交',
    used: '用时',
    timeUp: '时间到：已自动提交',
    hint: '提示',
    noHint: '这道题没有更多提示了。',
    skipped: '已跳过',
    draftSaved: '已写的回答已存为草稿',
  },
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
  const t = SCREEN_TEXT[lang]
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
  const t = SCREEN_TEXT[lang]
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
