import { describe, expect, it } from 'vitest'
import { answerRowWidth, cursorCell, layoutLine } from '../../src/cli/ui/answer-layout.js'
import { applyInput, createEditorState, editorText } from '../../src/cli/ui/answer-editor.js'
import { renderLiveFrame } from '../../src/cli/ui/interview-screen.js'
import { createColors } from '../../src/cli/ui/color.js'
import { displayWidth } from '../../src/cli/ui/text.js'

const plain = createColors({ NO_COLOR: '1' }, { isTTY: true })
const texts = (line: string, width: number) => layoutLine(line, width).map((r) => r.text)

/** Every row fits, and the rows' ranges are contiguous and add up to the line exactly. */
function expectSound(line: string, width: number): void {
  const rows = layoutLine(line, width)
  const chars = [...line]
  expect(rows[0]!.start).toBe(0)
  expect(rows.at(-1)!.end).toBe(chars.length)
  for (let r = 0; r < rows.length; r++) {
    if (r > 0) expect(rows[r]!.start).toBe(rows[r - 1]!.end)
    expect(displayWidth(rows[r]!.text)).toBeLessThanOrEqual(width)
  }
  expect(rows.map((r) => chars.slice(r.start, r.end).join('')).join('')).toBe(line)
}

/** The words of `line` (runs of non-spaces) that are split across two rows. */
function splitWords(line: string, width: number): string[] {
  const rows = layoutLine(line, width)
  const chars = [...line]
  const out: string[] = []
  for (let r = 1; r < rows.length; r++) {
    const b = rows[r]!.start
    if (chars[b - 1] !== ' ' && chars[b] !== ' ' && !/[\u4e00-\u9fff]/.test(chars[b - 1]! + chars[b]!)) {
      out.push((/\S*$/.exec(chars.slice(0, b).join(''))![0] + /^\S*/.exec(chars.slice(b).join(''))![0]))
    }
  }
  return out
}

describe('answer box layout: word wrapping', () => {
  it('moves a Latin word whole to the next row instead of splitting it', () => {
    const line = 'Quantization needs second-order statistics, and SmoothQuant migrates the difficulty to weights'
    for (let width = 12; width <= 60; width++) {
      expectSound(line, width)
      expect(splitWords(line, width)).toEqual([])
    }
    // The cases from the issue: "second-orde / r" and "Sm / oothQuant" were what the old cut did.
    expect(texts('it is second-order', 16)).toEqual(['it is ', 'second-order'])
    expect(texts('we use SmoothQuant', 9)).toEqual(['we use ', 'SmoothQua', 'nt'])
    expect(texts('we use SmoothQuant', 12)).toEqual(['we use ', 'SmoothQuant'])
  })

  it('cuts a word longer than the row, by cells, starting on a row of its own', () => {
    const url = 'https://example.com/' + 'a1b2c3d4e5'.repeat(18) // 200 characters
    expect([...url].length).toBe(200)
    const rows = texts(`see ${url} for details`, 40)
    expect(rows[0]).toBe('see ')
    expect(rows.slice(1, 6)).toEqual([0, 40, 80, 120, 160].map((i) => url.slice(i, i + 40)))
    expect(rows.at(-1)).toBe('for details')
    expectSound(`see ${url} for details`, 40)
  })

  it('breaks CJK text anywhere, keeps Latin words whole inside it, and keeps punctuation off a row start', () => {
    const line = '量化时使用SmoothQuant把激活的难度迁移到权重上，效果很好。'
    for (let width = 12; width <= 40; width++) {
      expectSound(line, width)
      const rows = texts(line, width)
      expect(rows.some((r) => r.includes('SmoothQuant'))).toBe(true)
      for (const r of rows.slice(1)) expect(r[0]).not.toMatch(/[，。]/)
    }
    // Full rows of wide characters: an odd width leaves one cell empty rather than splitting a character.
    expect(texts('一二三四五六七', 11)).toEqual(['一二三四五', '六七'])
    expect(texts('一二三四，五六', 8)).toEqual(['一二三', '四，五六'])
  })

  it('lets spaces at a break hang invisibly at the end of the row above, keeping them in the text', () => {
    const rows = layoutLine('aaaa bbbb    cccc', 8)
    expect(rows.map((r) => r.text)).toEqual(['aaaa ', 'bbbb    ', 'cccc'])
    const line = 'aaaa bbbb' + ' '.repeat(20) + 'cc'
    const hang = layoutLine(line, 8)
    expect(hang.map((r) => r.text)).toEqual(['aaaa ', 'bbbb    ', 'cc'])
    expect(hang[1]!.end - hang[1]!.start).toBe(24)
    // The cursor among hanging spaces waits at the right edge; the row after a break begins the next word.
    expect(cursorCell(line, 20, 8)).toEqual({ row: 1, col: 8 })
    expect(cursorCell(line, 29, 8)).toEqual({ row: 2, col: 0 })
    expect(cursorCell(line, 31, 8)).toEqual({ row: 2, col: 2 })
    expect(texts('', 9)).toEqual([''])
    expect(texts('   indented line', 9)).toEqual(['   ', 'indented ', 'line'])
  })

  it('keeps a combining mark with its letter', () => {
    const line = 'cafe\u0301 cafe\u0301 cafe\u0301'
    expectSound(line, 6)
    for (const r of texts(line, 6)) expect(r.startsWith('\u0301')).toBe(false)
  })

  it('uses the rows of the terminal width the box draws in', () => {
    expect(answerRowWidth(80)).toBe(77)
    expect(answerRowWidth(5)).toBe(8)
  })
})

describe('answer box: cursor and editing on wrapped rows', () => {
  const frame = (s: ReturnType<typeof createEditorState>, columns: number) =>
    renderLiveFrame({ lines: s.lines, cursor: { row: s.row, col: s.col }, elapsedS: 0, budgetS: 60, columns, rows: 30 }, 'en', plain)

  it('draws no split word and puts the cursor after the last character typed', () => {
    const s = createEditorState()
    const text = 'The KV cache stores second-order keys; SmoothQuant and GPTQ both help with throughput at scale'
    // Typed one key at a time, the cursor follows each word as it moves down.
    for (const ch of text) {
      applyInput(s, ch)
      const f = frame(s, 30)
      const row = f.rows[f.cursorRow]!
      expect(f.cursorCol).toBeLessThanOrEqual(29)
      // ASCII only here, so cells are characters: the cursor sits right after what was just typed.
      if (ch !== ' ') expect(row.slice(0, f.cursorCol).at(-1)).toBe(ch)
    }
    const f = frame(s, 30)
    const body = f.rows.slice(1).map((r) => r.slice(2).trim())
    expect(body.join(' ')).toBe(text)
    for (const word of text.split(' ')) expect(body.some((r) => r.split(' ').includes(word))).toBe(true)
    expect(f.cursorCol).toBe(2 + displayWidth(body.at(-1)!))
  })

  it('Up and Down move by screen row inside a wrapped line, keeping the column', () => {
    const s = createEditorState('alpha beta gamma delta epsilon zeta eta theta')
    s.wrapWidth = 12
    expect(layoutLine(s.lines[0]!, 12).map((r) => r.text)).toEqual(['alpha beta ', 'gamma delta ', 'epsilon zeta', 'eta theta'])
    applyInput(s, '\x1b[A') // from the end of "eta theta" (column 9) to column 9 of "epsilon zeta"
    expect([s.row, s.col]).toEqual([0, 23 + 9])
    applyInput(s, '\x1b[A')
    expect(s.col).toBe(11 + 9) // "gamma del|ta"
    applyInput(s, 'X')
    expect(s.lines[0]).toBe('alpha beta gamma delXta epsilon zeta eta theta')
    applyInput(s, '\x1b[A')
    expect([s.row, s.col]).toEqual([0, 10]) // "alpha beta|": column 10, not on the next row
    applyInput(s, '\x1b[A') // the first row of the first line: nowhere to go
    expect([s.row, s.col]).toEqual([0, 10])
    applyInput(s, '\x1b[B'.repeat(6)) // down to the last row, and no further
    expect([s.row, s.col]).toEqual([0, 46])
    // Across lines: Down from the last row of a line goes to the first row of the next one, Up comes back.
    const t = createEditorState('one two three four five\nsix')
    t.wrapWidth = 10 // "one two ", "three four", "five"
    t.row = 0
    t.col = 14 // "three |four"
    applyInput(t, '\x1b[B')
    expect([t.row, t.col]).toEqual([0, 23]) // "five" is shorter: its end
    applyInput(t, '\x1b[B')
    expect([t.row, t.col]).toEqual([1, 3])
    applyInput(t, '\x1b[A')
    expect([t.row, t.col]).toEqual([0, 22]) // column 3 of "five"
    applyInput(t, '\x1b[A')
    expect([t.row, t.col]).toEqual([0, 11]) // column 3 of "three four"
  })

  it('Backspace at the start of a wrapped row joins the words and re-wraps them; Home/End are line ends', () => {
    const s = createEditorState('alpha beta gamma')
    s.wrapWidth = 12
    s.col = 11 // start of "gamma" on the second row
    expect(frame(s, 15).cursorCol).toBe(2)
    applyInput(s, '\x7f') // deletes the hanging space: "betagamma" moves down as one word
    expect(s.lines[0]).toBe('alpha betagamma')
    expect(layoutLine(s.lines[0]!, 12).map((r) => r.text)).toEqual(['alpha ', 'betagamma'])
    const f = frame(s, 15)
    expect(f.rows[f.cursorRow]).toBe('│ betagamma')
    expect(f.cursorCol).toBe(2 + 4)
    applyInput(s, '\x1b[H')
    expect(s.col).toBe(0)
    applyInput(s, '\x1b[F')
    expect(s.col).toBe(15)
    expect(editorText(s)).toBe('alpha betagamma')
  })

  it('a pasted paragraph keeps every byte, and the frame fits a narrower terminal after a resize', () => {
    const s = createEditorState()
    const para = 'Paged attention 把 KV cache 切成固定大小的块, so fragmentation drops;   see https://arxiv.org/abs/2309.06180v1 for details.'
    applyInput(s, '\x1b[200~' + para + '\x1b[201~')
    expect(editorText(s)).toBe(para)
    for (const columns of [100, 60, 40, 24]) {
      const f = frame(s, columns)
      for (const r of f.rows) expect(displayWidth(r)).toBeLessThanOrEqual(columns - 1)
      expect(f.cursorCol).toBeLessThanOrEqual(columns - 1)
      const w = answerRowWidth(columns)
      expect(splitWords(para, w).filter((x) => !x.startsWith('https://'))).toEqual([])
    }
  })
})
