import { describe, expect, it } from 'vitest'
import { isSpace, splitSentences, type Sentence } from '../../src/core/text/sentences.js'

// splitSentences trims and finds abbreviations by hand; this is the reading by slices and regexes it
// replaced, the specification it is held to.
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'vs', 'etc', 'cf', 'approx', 'fig', 'eq', 'no', 'mr', 'dr', 'al'])
const isHardStop = (c: number): boolean =>
  c < 0x3002 ? c === 33 || c === 63 || c === 59 : c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0xff0e
const LIST_MARKER = /^\s*(?:[-*•·>]|\d{1,2}[.)、]|[a-z][.)]|[（(]\d+[)）])\s/iu

function bySlices(text: string): Sentence[] {
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
    } else if (ch === 46) {
      const next = text[i + 1]
      if (next !== undefined && !/\s/.test(next)) continue
      const word = /([a-z.]+)$/i.exec(text.slice(Math.max(start, i - 8), i))?.[1]?.toLowerCase()
      if (word && ABBREVIATIONS.has(word)) continue
      push(i + 1)
      start = i + 1
    } else if (ch === 10) {
      const before = text.slice(start, i).trimEnd()
      const eol = text.indexOf('\n', i + 1)
      const nextLine = text.slice(i + 1, eol < 0 ? text.length : eol)
      const wraps = /[a-z0-9,(=×+·*/:-]$/.test(before) && /^\s*[a-z0-9(]/.test(nextLine) && !LIST_MARKER.test(nextLine) && nextLine.trim() !== ''
      if (wraps) continue
      push(i)
      start = i + 1
    }
  }
  push(text.length)
  return out
}

describe('isSpace', () => {
  it('is \\s and what trim() removes, for every UTF-16 unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c)
      expect(isSpace(c), c.toString(16)).toBe(/\s/.test(ch))
      expect(isSpace(c), c.toString(16)).toBe(`a${ch}`.trim().length === 1)
    }
  })
})

describe('splitSentences (scanner)', () => {
  it('splits as the reading by slices does, on tricky and random texts', () => {
    const tricky = ['', ' . ', 'E.g. this. I.E. that. Vs. them. etc. no. NO. Mr. x', 'a.b. c.\u00a0d.\u3000e.\u2028f', '  \ufefftext\ufeff  ', '1. first\n2. second\nwraps\nhere.', 'x\u200b. y']
    const parts = ['a', 'B', 'e.g', 'i.e', 'vs', 'etc', 'No', 'fig', ' ', '  ', '\n', '\t', '\u00a0', '\u3000', '\u2028', '\ufeff', '\u200b', '.', '. ', '!', '?', ';', '。', '！', '- ', '1. ', '(', ',', '缓', '🚀', '\ud800']
    let seed = 21
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n
    const random = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + rand(24) }, () => parts[rand(parts.length)]).join(''))
    for (const text of [...tricky, ...random]) expect(splitSentences(text), JSON.stringify(text)).toEqual(bySlices(text))
  })
})
