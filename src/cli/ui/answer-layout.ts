/**
 * Soft wrapping for the answer box, pure: one logical line of the answer in, the screen rows it takes out,
 * each with the code-point range it shows, so that the renderer, the cursor and Up/Down agree on one layout.
 *
 * The rule is the one of ordinary editors: a row breaks after a run of spaces, before or after a wide (CJK)
 * character, and nowhere else; a Latin word ("second-order", "SmoothQuant") moves whole to the next row, and
 * only a word longer than a whole row (a URL) is cut, by cells, starting on a row of its own. The spaces at
 * a break stay at the end of the row above, where they take no visible room ("hang"): nothing is dropped,
 * so the rows always add up to the line, byte for byte.
 */

import { charWidth } from './text.js'

export interface LayoutRow {
  /** Code-point range of the line on this row: `[start, end)`. Rows are contiguous and cover the line. */
  start: number
  end: number
  /** What is drawn: the row's characters, with hanging spaces cut to the row width. */
  text: string
}

/** Full-width punctuation that must not begin a row, and brackets that must not end one (禁则). */
const NO_ROW_START = new Set([...'，。、；：？！）】」』》〉”’…・％,.;:!?)]}%'])
const NO_ROW_END = new Set([...'（【「『《〈“‘'])

const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\u3000'

/** The cells the answer text gets in a terminal `columns` wide: no row fills the last column, `│ ` takes two. */
export function answerRowWidth(columns: number): number {
  return Math.max(10, columns - 1) - 2
}

/** Whether a row may start at `chars[i]` (a break between `chars[i-1]` and `chars[i]`). */
function canBreakBefore(chars: string[], widths: number[], i: number): boolean {
  const ch = chars[i]!
  const prev = chars[i - 1]!
  // Spaces hang at the end of a row; a combining mark stays with its character.
  if (isSpace(ch) || (widths[i] === 0 && !isSpace(ch))) return false
  if (isSpace(prev)) return true
  if (NO_ROW_START.has(ch) || NO_ROW_END.has(prev)) return false
  return widths[i] === 2 || widths[i - 1] === 2
}

/**
 * Lays `line` out in rows of at most `width` cells (hanging spaces aside). Always at least one row; an
 * empty line is one empty row.
 */
export function layoutLine(line: string, width: number): LayoutRow[] {
  const chars = [...line]
  const widths = chars.map((ch) => charWidth(ch.codePointAt(0)!))
  const cuts: number[] = [0]
  let start = 0
  let used = 0 // cells from `start` through the current character
  let lastBreak = -1 // the latest position after `start` where a row may begin
  for (let i = 0; i < chars.length; i++) {
    if (i > start && canBreakBefore(chars, widths, i)) lastBreak = i
    used += widths[i]!
    if (isSpace(chars[i]!)) continue
    while (used > width && i > start) {
      // The break that keeps the most on this row: the last opportunity, else a cut just before this character.
      const cut = lastBreak > start ? lastBreak : i
      for (let k = start; k < cut; k++) used -= widths[k]!
      start = cut
      cuts.push(cut)
      lastBreak = -1
    }
  }
  cuts.push(chars.length)
  const rows: LayoutRow[] = []
  for (let r = 0; r + 1 < cuts.length; r++) {
    const s = cuts[r]!
    const e = cuts[r + 1]!
    rows.push({ start: s, end: e, text: visible(chars, widths, s, e, width) })
  }
  return rows
}

/** The characters of a row, trailing spaces dropped where they would pass the row width. */
function visible(chars: string[], widths: number[], start: number, end: number, width: number): string {
  let w = 0
  for (let k = start; k < end; k++) w += widths[k]!
  let e = end
  while (w > width && e > start && isSpace(chars[e - 1]!)) w -= widths[--e]!
  return chars.slice(start, e).join('')
}

/** The row holding code-point position `pos`: where a row ends the next one begins, so the later row. */
export function rowOf(rows: LayoutRow[], pos: number): number {
  for (let r = rows.length - 1; r > 0; r--) if (pos >= rows[r]!.start) return r
  return 0
}

/**
 * The screen place of code-point position `pos` in `line`: the row and the cell within it (at most `width`,
 * so a cursor among hanging spaces waits at the right edge).
 */
export function cursorCell(line: string, pos: number, width: number, rows = layoutLine(line, width)): { row: number; col: number } {
  const row = rowOf(rows, pos)
  const chars = [...line]
  let col = 0
  for (let k = rows[row]!.start; k < pos && k < chars.length; k++) col += charWidth(chars[k]!.codePointAt(0)!)
  return { row, col: Math.min(col, width) }
}

/**
 * The code-point position on row `row` of `line` nearest to cell `col` without passing it (a wide character
 * spanning `col` puts it before that character). On every row but the last the position stays before the
 * row's end, which belongs to the row below.
 */
export function positionAtCell(line: string, rows: LayoutRow[], row: number, col: number): number {
  const chars = [...line]
  const { start, end } = rows[row]!
  const last = row === rows.length - 1 ? end : Math.max(start, end - 1)
  let w = 0
  let p = start
  while (p < last) {
    const cw = charWidth(chars[p]!.codePointAt(0)!)
    if (w + cw > col) break
    w += cw
    p++
  }
  // A zero-width mark belongs with the character before it.
  while (p < last && charWidth(chars[p]!.codePointAt(0)!) === 0 && !isSpace(chars[p]!)) p++
  return p
}
