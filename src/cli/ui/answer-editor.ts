/**
 * The key handling of the answer box, pure: raw terminal input in, edited text and commands out. Enter
 * splits the line at the cursor; arrows, Home/End (Ctrl+A/Ctrl+E), Backspace and Delete edit anywhere; a
 * line holding only a command (`/done`, `/skip`, …) runs it when Enter is pressed on it. Up and Down keep
 * the cursor's screen column, counting a wide (CJK) character as two; when the box's row width is known
 * (`wrapWidth`) they move by screen row through a soft-wrapped line, as in any editor. Home and End (and
 * Ctrl+A/Ctrl+E) go to the start and end of the whole line.
 */

import { cursorCell, layoutLine, positionAtCell } from './answer-layout.js'
import { charWidth } from './text.js'

export const ANSWER_COMMANDS = ['done', 'skip', 'repeat', 'hint', 'quit'] as const
export type AnswerCommand = (typeof ANSWER_COMMANDS)[number]

export type EditorAction = { kind: 'command'; command: AnswerCommand } | { kind: 'submit' } | { kind: 'interrupt' }

export interface EditorState {
  lines: string[]
  /** Cursor: line index and position in code points within that line. */
  row: number
  col: number
  /** Inside a bracketed paste: newlines are text, not commands. */
  pasting: boolean
  /** An escape sequence cut at a chunk boundary. */
  pending: string
  /** Cells per screen row of the box (see `answerRowWidth`); unset: Up/Down move by whole lines. */
  wrapWidth?: number
}

export function createEditorState(initial = ''): EditorState {
  const lines = initial ? initial.split('\n') : ['']
  return { lines, row: lines.length - 1, col: [...lines[lines.length - 1]!].length, pasting: false, pending: '' }
}

export function editorText(s: EditorState): string {
  return s.lines.join('\n').replace(/\s+$/, '')
}

const PASTE_START = '\x1b[200~'
const PASTE_END = '\x1b[201~'
const ESCAPE = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|[^[O])/

/** Applies one chunk of raw input. Returns the actions it triggered (the caller stops at the first). */
export function applyInput(s: EditorState, chunk: string): EditorAction[] {
  const actions: EditorAction[] = []
  let data = s.pending + chunk
  s.pending = ''
  while (data.length > 0) {
    if (data.startsWith(PASTE_START)) {
      s.pasting = true
      data = data.slice(PASTE_START.length)
      continue
    }
    if (data.startsWith(PASTE_END)) {
      s.pasting = false
      data = data.slice(PASTE_END.length)
      continue
    }
    const ch = data[0]!
    if (ch === '\x1b') {
      const m = ESCAPE.exec(data)
      if (!m) {
        // Possibly a sequence split across chunks; keep it for the next one (a lone Esc is dropped).
        if (data.length < 8 && /^\x1b(\[[0-9;?]*)?$/.test(data)) s.pending = data
        data = ''
        break
      }
      data = data.slice(m[0].length)
      moveKey(s, m[0])
      continue
    }
    const cp = data.codePointAt(0)!
    const char = String.fromCodePoint(cp)
    data = data.slice(char.length)
    if (s.pasting) {
      if (char === '\r') {
        if (data[0] === '\n') data = data.slice(1)
        newline(s)
      } else if (char === '\n') newline(s)
      else if (char === '\t') type(s, '  ')
      else if (cp >= 32) type(s, char)
      continue
    }
    switch (char) {
      case '\x03':
        actions.push({ kind: 'interrupt' })
        return actions
      case '\x04':
        actions.push({ kind: 'submit' })
        return actions
      case '\r':
      case '\n': {
        if (char === '\r' && data[0] === '\n') data = data.slice(1)
        const current = s.lines[s.row]!.trim()
        const m = /^\/([a-z]+)$/.exec(current)
        const cmd = m && (ANSWER_COMMANDS as readonly string[]).includes(m[1]!) ? (m[1] as AnswerCommand) : null
        if (cmd) {
          // The command line is consumed; the candidate stays on a fresh line.
          s.lines[s.row] = ''
          s.col = 0
          actions.push(cmd === 'done' ? { kind: 'submit' } : { kind: 'command', command: cmd })
          if (cmd === 'done' || cmd === 'quit' || cmd === 'skip') return actions
        } else newline(s)
        break
      }
      case '\x7f':
      case '\b':
        backspace(s)
        break
      case '\x15': {
        // Ctrl+U: delete from the start of the line to the cursor
        const chars = [...s.lines[s.row]!]
        s.lines[s.row] = chars.slice(s.col).join('')
        s.col = 0
        break
      }
      case '\x17': {
        // Ctrl+W: delete the word before the cursor
        const chars = [...s.lines[s.row]!]
        const before = chars.slice(0, s.col).join('').replace(/\S+\s*$/, '')
        s.lines[s.row] = before + chars.slice(s.col).join('')
        s.col = [...before].length
        break
      }
      case '\x01': // Ctrl+A: start of line
        s.col = 0
        break
      case '\x05': // Ctrl+E: end of line
        s.col = [...s.lines[s.row]!].length
        break
      case '\t':
        type(s, '  ')
        break
      default:
        if (cp >= 32) type(s, char)
    }
  }
  return actions
}

function type(s: EditorState, text: string): void {
  const chars = [...s.lines[s.row]!]
  chars.splice(s.col, 0, ...text)
  s.lines[s.row] = chars.join('')
  s.col += [...text].length
}

function newline(s: EditorState): void {
  const chars = [...s.lines[s.row]!]
  s.lines[s.row] = chars.slice(0, s.col).join('')
  s.lines.splice(s.row + 1, 0, chars.slice(s.col).join(''))
  s.row++
  s.col = 0
}

function backspace(s: EditorState): void {
  if (s.col === 0) {
    if (s.row === 0) return
    const prev = s.lines[s.row - 1]!
    s.col = [...prev].length
    s.lines.splice(s.row - 1, 2, prev + s.lines[s.row]!)
    s.row--
    return
  }
  const chars = [...s.lines[s.row]!]
  chars.splice(s.col - 1, 1)
  s.lines[s.row] = chars.join('')
  s.col--
}

function del(s: EditorState): void {
  const chars = [...s.lines[s.row]!]
  if (s.col < chars.length) {
    chars.splice(s.col, 1)
    s.lines[s.row] = chars.join('')
  } else if (s.row < s.lines.length - 1) s.lines.splice(s.row, 2, s.lines[s.row]! + s.lines[s.row + 1]!)
}

const lineLength = (s: EditorState, row: number) => [...s.lines[row]!].length

/** Display column (terminal cells) of the code-point position `col` in `line`. */
function columnOf(line: string, col: number): number {
  let w = 0
  let i = 0
  for (const ch of line) {
    if (i++ >= col) break
    w += charWidth(ch.codePointAt(0)!)
  }
  return w
}

/**
 * The code-point position in `line` at display column `column`, or the nearest before it when a wide
 * character spans that column (or the line is shorter). Zero-width marks stay with their character.
 */
function positionAt(line: string, column: number): number {
  let w = 0
  let i = 0
  for (const ch of line) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > column) break
    w += cw
    i++
  }
  return i
}

/** Moves the cursor to line `row`, at the screen column it has now (not the same character count). */
function verticalMove(s: EditorState, row: number): void {
  const column = columnOf(s.lines[s.row]!, s.col)
  s.row = row
  s.col = positionAt(s.lines[row]!, column)
}

/**
 * Moves the cursor one screen row up (-1) or down (1) through soft-wrapped lines, keeping its screen
 * column: to the next row of the same line, else to the nearest row of the line above or below.
 */
function screenRowMove(s: EditorState, width: number, dir: -1 | 1): void {
  const line = s.lines[s.row]!
  const rows = layoutLine(line, width)
  const at = cursorCell(line, s.col, width, rows)
  const target = at.row + dir
  if (target >= 0 && target < rows.length) {
    s.col = positionAtCell(line, rows, target, at.col)
    return
  }
  const row = s.row + dir
  if (row < 0 || row >= s.lines.length) return
  const next = s.lines[row]!
  const nextRows = layoutLine(next, width)
  s.row = row
  s.col = positionAtCell(next, nextRows, dir < 0 ? nextRows.length - 1 : 0, at.col)
}

/** Arrow keys, Home/End and Delete, in their common xterm spellings. Other sequences are ignored. */
function moveKey(s: EditorState, seq: string): void {
  const key = seq.replace(/^\x1b\[1;\d/, '\x1b[').replace(/^\x1bO/, '\x1b[')
  switch (key) {
    case '\x1b[D':
      if (s.col > 0) s.col--
      else if (s.row > 0) (s.row--, (s.col = lineLength(s, s.row)))
      break
    case '\x1b[C':
      if (s.col < lineLength(s, s.row)) s.col++
      else if (s.row < s.lines.length - 1) (s.row++, (s.col = 0))
      break
    case '\x1b[A':
      if (s.wrapWidth) screenRowMove(s, s.wrapWidth, -1)
      else if (s.row > 0) verticalMove(s, s.row - 1)
      break
    case '\x1b[B':
      if (s.wrapWidth) screenRowMove(s, s.wrapWidth, 1)
      else if (s.row < s.lines.length - 1) verticalMove(s, s.row + 1)
      break
    case '\x1b[H':
    case '\x1b[1~':
    case '\x1b[7~':
      s.col = 0
      break
    case '\x1b[F':
    case '\x1b[4~':
    case '\x1b[8~':
      s.col = lineLength(s, s.row)
      break
    case '\x1b[3~':
      del(s)
      break
  }
}
