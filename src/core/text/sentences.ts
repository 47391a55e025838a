/** A sentence of an answer, with its offsets in the original text. */
export interface Sentence {
  text: string
  start: number
  end: number
}

/** A {@link Sentence} made by a constructor, not a literal V8 may pretenure (see tokenise.ts's tokens). */
class SentenceSpan implements Sentence {
  constructor(
    readonly text: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'vs', 'etc', 'cf', 'approx', 'fig', 'eq', 'no', 'mr', 'dr', 'al'])
/** Whether a UTF-16 code is one of `! ? ;` or their full-width forms `。！？；．`: they always end a sentence. */
const isHardStop = (c: number): boolean =>
  c < 0x3002 ? c === 33 || c === 63 || c === 59 : c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0xff0e
const PERIOD = 46
const LINE_BREAK = 10
/** Whitespace as `\s` and `trim()` read it (WhiteSpace and LineTerminator). */
export const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c >= 0xa0 &&
    (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff))

/** A letter `a–z` or `A–Z`, or a period: what an abbreviation before a period is made of. */
const isAbbreviationChar = (c: number): boolean => c === PERIOD || ((c | 32) >= 97 && (c | 32) <= 122)

/**
 * Whether `text` from `from` to the period at `at` ends in an abbreviation: its longest run of letters and
 * periods at the end, lower-cased, is one (as `/([a-z.]+)$/i` finds it in that slice).
 */
function abbreviationBefore(text: string, from: number, at: number): boolean {
  let k = at
  while (k > from && isAbbreviationChar(text.charCodeAt(k - 1))) k--
  return k < at && ABBREVIATIONS.has(text.slice(k, at).toLowerCase())
}

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
    // Trimmed in place: the same whitespace as String.prototype.trim, one slice.
    let from = start
    while (from < end && isSpace(text.charCodeAt(from))) from++
    let to = end
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--
    if (to > from) out.push(new SentenceSpan(text.slice(from, to), from, to))
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (isHardStop(ch)) {
      push(i + 1)
      start = i + 1
    } else if (ch === PERIOD) {
      if (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) continue
      if (abbreviationBefore(text, Math.max(start, i - 8), i)) continue
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
