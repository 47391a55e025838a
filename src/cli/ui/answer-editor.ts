/**
 * The key handling of the answer box, pure: raw terminal input in, edited text and commands out. The
 * cursor is always at the end of the text (append and delete, like a chat box); Enter adds a line, and a
 * line holding only a command (`/done`, `/skip`, …) runs it instead.
 */

export const ANSWER_COMMANDS = ['done', 'skip', 'repeat', 'hint', 'quit'] as const
export type AnswerCommand = (typeof ANSWER_COMMANDS)[number]

export type EditorAction = { kind: 'command'; command: AnswerCommand } | { kind: 'submit' } | { kind: 'interrupt' }

export interface EditorState {
  lines: string[]
  /** Inside a bracketed paste: newlines are text, not commands. */
  pasting: boolean
  /** An escape sequence cut at a chunk boundary. */
  pending: string
}

export function createEditorState(initial = ''): EditorState {
  return { lines: initial ? initial.split('\n') : [''], pasting: false, pending: '' }
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
      data = data.slice(m[0].length) // arrows and other keys: ignored (the cursor stays at the end)
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
        const last = s.lines[s.lines.length - 1]!.trim()
        const m = /^\/([a-z]+)$/.exec(last)
        const cmd = m && (ANSWER_COMMANDS as readonly string[]).includes(m[1]!) ? (m[1] as AnswerCommand) : null
        if (cmd) {
          // The command line is consumed; the candidate stays on a fresh line.
          s.lines[s.lines.length - 1] = ''
          actions.push(cmd === 'done' ? { kind: 'submit' } : { kind: 'command', command: cmd })
          if (cmd === 'done' || cmd === 'quit' || cmd === 'skip') return actions
        } else newline(s)
        break
      }
      case '\x7f':
      case '\b':
        backspace(s)
        break
      case '\x15': // Ctrl+U: clear the line
        s.lines[s.lines.length - 1] = ''
        break
      case '\x17': // Ctrl+W: delete the last word
        s.lines[s.lines.length - 1] = s.lines[s.lines.length - 1]!.replace(/\S+\s*$/, '')
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
  s.lines[s.lines.length - 1] += text
}

function newline(s: EditorState): void {
  s.lines.push('')
}

function backspace(s: EditorState): void {
  const last = s.lines[s.lines.length - 1]!
  if (last.length === 0) {
    if (s.lines.length > 1) s.lines.pop()
    return
  }
  const chars = [...last]
  chars.pop()
  s.lines[s.lines.length - 1] = chars.join('')
}
