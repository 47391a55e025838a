import { describe, expect, it } from 'vitest'
import { applyInput, createEditorState, editorText } from '../../src/cli/ui/answer-editor.js'
import { countWords, renderLive, renderLiveFrame } from '../../src/cli/ui/interview-screen.js'
import { hardWrap } from '../../src/cli/ui/text.js'
import { editorCommand, editorTemplate, parseEditorAnswer } from '../../src/cli/ui/editor-answer.js'
import { createColors } from '../../src/cli/ui/color.js'
import { displayWidth } from '../../src/cli/ui/text.js'

const plain = createColors({ NO_COLOR: '1' }, { isTTY: true })

describe('answer box keys', () => {
  it('Enter adds a line, Backspace deletes across lines, Ctrl+D submits', () => {
    const s = createEditorState()
    expect(applyInput(s, 'first\rsecond 中文')).toEqual([])
    applyInput(s, '\x7f\x7f') // deletes the two CJK characters
    expect(s.lines).toEqual(['first', 'second '])
    applyInput(s, '\r\x7f\x7f')
    expect(s.lines).toEqual(['first', 'second'])
    expect(applyInput(s, '\x04')).toEqual([{ kind: 'submit' }])
    expect(editorText(s)).toBe('first\nsecond')
  })

  it('runs a command typed on a line of its own and keeps it out of the answer', () => {
    const s = createEditorState()
    expect(applyInput(s, 'my answer\r/hint\r')).toEqual([{ kind: 'command', command: 'hint' }])
    expect(editorText(s)).toBe('my answer')
    expect(applyInput(s, 'more\r/done\r')).toEqual([{ kind: 'submit' }])
    expect(editorText(s)).toBe('my answer\nmore')
    // Not a command: text around it, or an unknown one.
    const t = createEditorState()
    expect(applyInput(t, 'use /done to finish\r/nope\r')).toEqual([])
    expect(editorText(t)).toBe('use /done to finish\n/nope')
  })

  it('treats a bracketed paste as text, newlines and all, even across chunks', () => {
    const s = createEditorState()
    applyInput(s, '\x1b[200~line one\r\n/done\r\nline 三')
    expect(applyInput(s, '\x1b[20')).toEqual([])
    applyInput(s, '1~')
    expect(s.pasting).toBe(false)
    expect(editorText(s)).toBe('line one\n/done\nline 三')
  })

  it('edits anywhere: arrows, Home/End, Delete, Enter splitting a line', () => {
    const s = createEditorState()
    applyInput(s, 'helo world' + '\x1b[D'.repeat(7))
    applyInput(s, 'l')
    expect(editorText(s)).toBe('hello world')
    applyInput(s, '\x1b[H>> \x1b[F!')
    expect(editorText(s)).toBe('>> hello world!')
    applyInput(s, '\r第二行\x1b[A\x1b[H\x1b[3~\x1b[3~\x1b[3~')
    expect(s.lines).toEqual(['hello world!', '第二行'])
    applyInput(s, '\x1bOF\x1b[D\r') // SS3 End, left, Enter splits before "!"
    expect(s.lines).toEqual(['hello world', '!', '第二行'])
    applyInput(s, '\x7f') // Backspace at the start of a line joins it to the previous one
    expect(s.lines).toEqual(['hello world!', '第二行'])
    expect(s.row).toBe(0)
    expect(applyInput(s, '\x03')).toEqual([{ kind: 'interrupt' }])
  })

  it('Up and Down keep the screen column on lines with wide (CJK) characters', () => {
    const s = createEditorState('中文输入法测试\nabcdefghijklmn')
    // End of the ASCII line: column 14, the end of the Chinese line too (7 characters × 2 cells).
    applyInput(s, '\x1b[A')
    expect([s.row, s.col]).toEqual([0, 7])
    // After 中文 (column 4), Down lands at column 4 of the ASCII line, not after its 2nd character.
    applyInput(s, '\x1b[H\x1b[C\x1b[C\x1b[B')
    expect([s.row, s.col]).toEqual([1, 4])
    applyInput(s, 'X')
    expect(s.lines[1]).toBe('abcdXefghijklmn')
    // Column 5 is the right half of 输: Up lands before it (column 4), never past the column.
    applyInput(s, '\x1b[A')
    expect([s.row, s.col]).toEqual([0, 2])
    applyInput(s, '|')
    expect(s.lines[0]).toBe('中文|输入法测试')
  })

  it('Up and Down between two wide lines, a mixed one and a short one', () => {
    const s = createEditorState('ab中文cd\n一二三四五六\nxy')
    applyInput(s, '\x1b[A\x1b[F') // end of 一二三四五六: column 12
    applyInput(s, '\x1b[A') // ab中文cd is 8 cells: its end
    expect([s.row, s.col]).toEqual([0, 6])
    applyInput(s, '\x1b[H\x1b[C\x1b[C\x1b[C') // after ab中: column 4
    applyInput(s, '\x1b[B')
    expect([s.row, s.col]).toEqual([1, 2]) // after 一二
    applyInput(s, '\x1b[B')
    expect([s.row, s.col]).toEqual([2, 2]) // the end of xy
    // ASCII lines behave as before: the same column, or the end of a shorter line.
    const t = createEditorState('hello world\nhi\nlonger line')
    applyInput(t, '\x1b[D\x1b[D\x1b[A')
    expect([t.row, t.col]).toEqual([1, 2])
    applyInput(t, '\x1b[A')
    expect([t.row, t.col]).toEqual([0, 2])
  })

  it('puts the terminal cursor under the same screen column after Up on a Chinese line', () => {
    const s = createEditorState('中文输入法测试\nabcdefghijklmn')
    applyInput(s, '\x1b[D'.repeat(8)) // after abcdef: column 6
    const below = renderLiveFrame({ lines: s.lines, cursor: { row: s.row, col: s.col }, elapsedS: 0, budgetS: 60, columns: 80, rows: 24 }, 'en', plain)
    applyInput(s, '\x1b[A')
    const above = renderLiveFrame({ lines: s.lines, cursor: { row: s.row, col: s.col }, elapsedS: 0, budgetS: 60, columns: 80, rows: 24 }, 'en', plain)
    expect(above.cursorRow).toBe(below.cursorRow - 1)
    expect(above.cursorCol).toBe(below.cursorCol)
  })
})

describe('live countdown rendering', () => {
  it('counts down, warns at 80% of the budget and marks overtime', () => {
    const base = { lines: ['hello world'], budgetS: 100, columns: 60, rows: 20 }
    expect(renderLive({ ...base, elapsedS: 10 }, 'en', plain)[0]).toBe('1:30 left · 2 words')
    expect(renderLive({ ...base, elapsedS: 81 }, 'en', plain)[0]).toBe('0:19 left · 2 words · 19% of the time left')
    expect(renderLive({ ...base, elapsedS: 107 }, 'en', plain)[0]).toMatch(/^overtime \+0:07 · 2 words · finish when ready/)
    expect(renderLive({ ...base, elapsedS: 10 }, 'zh', plain)[0]).toBe('剩余 1:30 · 2 字')
  })

  it('wraps wide characters inside the box without ever filling the last column', () => {
    const line = '汉'.repeat(40) + 'abc'
    const rows = renderLive({ lines: [line], elapsedS: 0, budgetS: 60, columns: 60, rows: 20 }, 'en', plain).slice(1)
    expect(rows.length).toBe(2)
    for (const r of rows) {
      expect(r.startsWith('│ ')).toBe(true)
      expect(displayWidth(r)).toBeLessThanOrEqual(59)
    }
    expect(hardWrap('汉汉汉', 5)).toEqual(['汉汉', '汉'])
    expect(countWords('KV cache 很重要')).toBe(5)
  })

  it('puts the terminal cursor where the candidate edits, CJK columns counted twice', () => {
    const f = renderLiveFrame({ lines: ['ab中文cd', 'xyz'], cursor: { row: 0, col: 4 }, elapsedS: 0, budgetS: 60, columns: 80, rows: 20 }, 'en', plain)
    expect(f.cursorRow).toBe(1) // row 0 is the countdown
    expect(f.cursorCol).toBe(2 + 6) // "│ " then a, b, 中, 文
    // A cursor far up a long answer keeps its row on screen.
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`)
    const g = renderLiveFrame({ lines, cursor: { row: 3, col: 0 }, elapsedS: 0, budgetS: 60, columns: 80, rows: 12 }, 'en', plain)
    expect(g.rows[g.cursorRow]).toBe('│ line 3')
  })

  it('shows only the last rows of a long answer so the box fits the terminal', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`)
    const rows = renderLive({ lines, elapsedS: 0, budgetS: 60, columns: 80, rows: 12 }, 'en', plain)
    expect(rows.length).toBeLessThanOrEqual(12)
    expect(rows.at(-1)).toBe('│ line 49')
  })
})

describe('--editor command', () => {
  it('is $VISUAL, else $EDITOR, with the variable that named it (for messages) and its arguments', () => {
    expect(editorCommand({ VISUAL: 'code --wait', EDITOR: 'vim' })).toEqual({ variable: 'VISUAL', value: 'code --wait', argv: ['code', '--wait'] })
    expect(editorCommand({ EDITOR: ' nano ' })).toEqual({ variable: 'EDITOR', value: 'nano', argv: ['nano'] })
    expect(editorCommand({ EDITOR: '' })).toBeNull()
  })
})

describe('--editor file', () => {
  it('puts the question in a comment header and reads back only the answer', () => {
    const tpl = editorTemplate('Why KV cache?\nSize it.', '8:00', 'en')
    expect(tpl).toMatch(/^# Question \(time 8:00\):\n# {3}Why KV cache\?\n# {3}Size it\./)
    expect(parseEditorAnswer(tpl)).toBe('')
    expect(parseEditorAnswer(tpl + 'My answer\n# not a comment here\n')).toBe('My answer\n# not a comment here')
  })
})

describe('colour', () => {
  it('follows NO_COLOR and FORCE_COLOR, else the terminal', () => {
    expect(createColors({}, { isTTY: true }).level).toBeGreaterThan(0)
    expect(createColors({}, { isTTY: false }).level).toBe(0)
    expect(createColors({ NO_COLOR: '1' }, { isTTY: true }).level).toBe(0)
    expect(createColors({ FORCE_COLOR: '1' }, { isTTY: false }).level).toBe(1)
    expect(createColors({ FORCE_COLOR: '0' }, { isTTY: true }).level).toBe(0)
  })
})
