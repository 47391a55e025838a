/** A sentence of an answer, with its offsets in the original text. */
export interface Sentence {
  text: string
  start: number
  end: number
}

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'vs', 'etc', 'cf', 'approx', 'fig', 'eq', 'no', 'mr', 'dr', 'al'])
/** Whether a UTF-16 code is one of `! ? ;` or their full-width forms `。！？；．`: they always end a sentence. */
const isHardStop = (c: number): boolean =>
  c < 0x3002 ? c === 33 || c === 63 || c === 59 : c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0xff0e
const PERIOD = 46
const LINE_BREAK = 10
const LIST_MARKER = /^\s*(?:[-*•·>]|\d{1,2}[.)、]|[a-z][.)]|[（(]\d+[)）])\s/iu

/**
 * Splits an answer into sentences at `. ! ? ;` and their full-width forms, and at line breaks. A period
 * splits only before whitespace or the end (so `0.5`, `vllm.ai` and `llama-3.1` stay whole) and not after
 * an abbreviation (`e.g.`, `i.e.`, `vs.`). A line break does not split when it only wraps prose: the line
 * before ends in a lower-case letter, digit or comma and the next line starts with a lower-case letter or
 * digit and is not a list item. Empty sentences are dropped; offsets index into `text`.
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = []
  let start = 0
  const push = (end: number): void => {
    const raw = text.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    const trimmed = raw.trim()
    if (trimmed.length > 0) out.push({ text: trimmed, start: start + lead, end: start + lead + trimmed.length })
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (isHardStop(ch)) {
      push(i + 1)
      start = i + 1
    } else if (ch === PERIOD) {
      const next = text[i + 1]
      if (next !== undefined && !/\s/.test(next)) continue
      const word = /([a-z.]+)$/i.exec(text.slice(Math.max(start, i - 8), i))?.[1]?.toLowerCase()
      if (word && ABBREVIATIONS.has(word)) continue
      push(i + 1)
      start = i + 1
    } else if (ch === LINE_BREAK) {
      const before = text.slice(start, i).trimEnd()
      const eol = text.indexOf('\n', i + 1)
      const nextLine = text.slice(i + 1, eol < 0 ? text.length : eol)
      const wraps =
        /[a-z0-9,(=×+·*/:-]$/.test(before) && /^\s*[a-z0-9(]/.test(nextLine) && !LIST_MARKER.test(nextLine) && nextLine.trim() !== ''
      if (wraps) continue
      push(i)
      start = i + 1
    }
  }
  push(text.length)
  return out
}
