/** Terminal text helpers: display width (CJK is two columns), wrapping, ANSI stripping. Pure. */

import { eastAsianWidth } from 'get-east-asian-width'

const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07]*\x07/g

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '')
}

/** Code points that take no column: controls, combining marks and default-ignorable ones (ZWJ, VS16, soft hyphen). */
const ZERO_WIDTH = /^[\p{Control}\p{Mark}\p{Default_Ignorable_Code_Point}]$/u

/**
 * Columns a code point takes in a terminal: 0 for controls, combining marks and invisible format
 * characters; otherwise its East Asian Width from Unicode's table (`get-east-asian-width`): 2 for wide and
 * fullwidth, 1 for the rest (ambiguous ones narrow, as terminals outside CJK locales draw them).
 */
export function charWidth(cp: number): number {
  if (cp < 0x20) return 0
  if (cp >= 0x7f && ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0
  return eastAsianWidth(cp)
}

/** Display width of a string in terminal columns (ANSI codes take none). */
export function displayWidth(s: string): number {
  let w = 0
  for (const ch of stripAnsi(s)) w += charWidth(ch.codePointAt(0)!)
  return w
}

/** Pads with spaces to `width` columns (CJK-aware). */
export function padEnd(s: string, width: number): string {
  const w = displayWidth(s)
  return w >= width ? s : s + ' '.repeat(width - w)
}

/**
 * Cuts to at most `width` columns, ending with `ellipsis` (default `…`, one column) when cut; with `''` it
 * is the first `width` columns (a wide character that would cross the edge is left out).
 */
export function truncate(s: string, width: number, ellipsis = '…'): string {
  if (displayWidth(s) <= width) return s
  const room = width - displayWidth(ellipsis)
  let out = ''
  let w = 0
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > room) break
    out += ch
    w += cw
  }
  return out + ellipsis
}

/**
 * Wraps plain text to `width` columns. Latin text breaks at spaces; CJK text may break between any two
 * characters. Existing newlines are kept. Words longer than the width are split.
 */
/** Tokens for wrapping: each wide (two-cell) character alone, runs of other non-space characters, spaces. */
function wrapTokens(para: string): string[] {
  const out: string[] = []
  let run = ''
  let space = false
  for (const ch of para) {
    const isSpace = /\s/.test(ch)
    if (!isSpace && charWidth(ch.codePointAt(0)!) === 2) {
      if (run) out.push(run)
      out.push(ch)
      run = ''
      continue
    }
    if (run && isSpace !== space) {
      out.push(run)
      run = ''
    }
    space = isSpace
    run += ch
  }
  if (run) out.push(run)
  return out
}

/** Full-width punctuation that must not begin a line, and brackets that must not end one. */
const NO_LINE_START = new Set([...'，。、；：？！）】」』》〉”’…・％'])
const NO_LINE_END = new Set([...'（【「『《〈“‘'])

export function wrap(text: string, width: number, indent = ''): string {
  const max = Math.max(10, width - displayWidth(indent))
  const out: string[] = []
  for (const para of text.split('\n')) {
    if (para.trim() === '') {
      out.push('')
      continue
    }
    const tokens = wrapTokens(para)
    let line = ''
    let w = 0
    for (const tok of tokens) {
      const tw = displayWidth(tok)
      if (/^\s+$/.test(tok)) {
        if (w > 0 && w + 1 <= max) {
          line += ' '
          w += 1
        }
        continue
      }
      if (w + tw > max && w > 0) {
        // Chinese line breaking (禁则): closing punctuation does not start a line and opening brackets do
        // not end one, so the character before the break moves down with it.
        let carry = ''
        const last = [...line].at(-1) ?? ''
        if ((NO_LINE_START.has(tok) || NO_LINE_END.has(last)) && charWidth(last.codePointAt(0) ?? 0) === 2 && [...line].length > 1) {
          carry = last
          line = line.slice(0, line.length - last.length)
        }
        out.push(line.trimEnd())
        line = carry
        w = displayWidth(carry)
      }
      if (tw > max) {
        // A token wider than the line (a URL, a long identifier) is cut by cells, continuing what the line holds.
        const rows = hardWrap(line + tok, max)
        out.push(...rows.slice(0, -1))
        line = rows.at(-1)!
        w = displayWidth(line)
        continue
      }
      line += tok
      w += tw
    }
    out.push(line.trimEnd())
  }
  return out.map((l) => (l ? indent + l : l)).join('\n')
}

/**
 * A line that starts a bullet (`- `, indented or not). Only this marker: shipped outlines wrap sums onto
 * lines that begin with `+ `, which are continuations.
 */
const BULLET = /^\s*- /

/**
 * Joins the source line breaks of an outline (a YAML block wrapped by its author) so that it can be
 * wrapped to the terminal instead: a line continues the one before it, except that a bullet (`- `) and a
 * blank line, and the line after a blank one, start anew. Joined lines meet at one space, or at none
 * between two wide (CJK) characters or next to full-width punctuation, as Chinese text is written.
 */
export function reflowOutline(text: string): string {
  const out: string[] = []
  let open = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd()
    if (line.trim() === '') {
      out.push('')
      open = false
      continue
    }
    if (!open || BULLET.test(line)) {
      out.push(line)
      open = true
      continue
    }
    const prev = out.pop()!
    const next = line.trimStart()
    out.push(prev + (joinsTight(prev, next) ? '' : ' ') + next)
  }
  return out.join('\n')
}

/** Whether two joined lines meet without a space: both sides wide, or full-width punctuation on either side. */
function joinsTight(prev: string, next: string): boolean {
  const a = [...prev].at(-1) ?? ''
  const b = [...next][0] ?? ''
  const wideA = charWidth(a.codePointAt(0) ?? 0) === 2
  const wideB = charWidth(b.codePointAt(0) ?? 0) === 2
  if (wideA && wideB) return true
  return (wideA && (NO_LINE_START.has(a) || NO_LINE_END.has(a))) || (wideB && (NO_LINE_START.has(b) || NO_LINE_END.has(b)))
}

/** Cuts a line into rows of at most `width` columns (CJK-aware, no word breaking: this is a live editor). */
export function hardWrap(line: string, width: number): string[] {
  const rows: string[] = []
  let row = ''
  let w = 0
  for (const ch of line) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > width) {
      rows.push(row)
      row = ''
      w = 0
    }
    row += ch
    w += cw
  }
  rows.push(row)
  return rows
}
