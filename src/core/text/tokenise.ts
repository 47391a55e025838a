import { isCjk, normalise } from './normalise.js'
import { isSpace } from './sentences.js'
import { stem } from './stem.js'

export type TokenKind = 'word' | 'num' | 'sym' | 'cjk'

/** One token of a normalised text. `key` is what matching compares: the stem of a word, else the text. */
export interface Token {
  kind: TokenKind
  text: string
  key: string
  /** UTF-16 offsets in the normalised text. */
  start: number
  end: number
}

/**
 * Tokens are made by a constructor, not an object literal: V8 tracks how long the objects of each literal
 * live and, once most of a literal's objects outlive a young-generation collection, allocates all of them in
 * the old generation ("pretenuring"). An answer's tokens die with it, yet in a 20k-answer offline batch 64 MB
 * of literal tokens reached the old generation, which only a full collection empties (what made V8 decide so
 * early in the batch is not pinned down). Constructed objects are not tracked that way: none reach it now.
 */
class TokenObject implements Token {
  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    readonly key: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

// Latin words include accented letters (naïve, café, Schrödinger are one word each).
// Words split at letter/digit transitions (`128kb` → `128 kb`, `fp8` → `fp 8`) so that both spellings
// meet; hyphens, underscores and slashes-in-words are separators (`grouped-query` = `grouped query`).
// A scanner, one UTF-16 unit at a time, reads what the pattern
//   /(\d+(?:[.,]\d+)*)|([a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+(?:'[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+)*)|(\s+)|([-_])|(.)/gsu
// matches — a number, a latin word, whitespace, `-` or `_`, else any one code point — several times faster
// than matchAll (tests/unit/tokenise-scanner.test.ts holds it to the pattern's tokens).

const isDigit = (c: number): boolean => c >= 48 && c <= 57
/** A letter of a latin word: a–z, ß–ö, ø–ÿ and Latin Extended-A/B (the pattern's class). */
const isLatin = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xf6) || (c >= 0xf8 && c <= 0x24f)
/** Whitespace as `\s` reads it ({@link isSpace}), and the separators `-` and `_`: they end tokens and produce none. */
const isGap = (c: number): boolean => c === 45 || c === 95 || isSpace(c)
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u

/**
 * Splits a normalised (lower-case) text into tokens: latin words (stemmed keys), numbers (`0.5`, `2,000`
 * kept whole), CJK characters (one token each) and single symbols (`×`, `(`, `^`, `/`). Whitespace,
 * hyphens and underscores separate tokens and produce none.
 */
export function tokenise(text: string): Token[] {
  const out: Token[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    const start = i
    const c = text.charCodeAt(i)
    if (isDigit(c)) {
      // Digits, then any run of a `.` or `,` followed by digits.
      i++
      while (i < n && isDigit(text.charCodeAt(i))) i++
      let comma = false
      for (;;) {
        const sep = text.charCodeAt(i)
        if ((sep !== 46 && sep !== 44) || !isDigit(text.charCodeAt(i + 1))) break
        if (sep === 44) comma = true
        i += 2
        while (i < n && isDigit(text.charCodeAt(i))) i++
      }
      const s = text.slice(start, i)
      out.push(new TokenObject('num', s, comma ? s.replace(/,/g, '') : s, start, i))
    } else if (isLatin(c)) {
      // Letters, then any run of an apostrophe followed by letters.
      i++
      while (i < n && isLatin(text.charCodeAt(i))) i++
      let apostrophe = false
      while (text.charCodeAt(i) === 39 && isLatin(text.charCodeAt(i + 1))) {
        apostrophe = true
        i += 2
        while (i < n && isLatin(text.charCodeAt(i))) i++
      }
      const s = text.slice(start, i)
      out.push(new TokenObject('word', s, stem(apostrophe ? s.replace(/'/g, '') : s), start, i))
    } else if (isGap(c)) i++
    else if (c < 128) {
      // ASCII left here is a symbol, or an upper-case letter (a word: a text that was not normalised).
      i++
      const s = text[start]!
      out.push(new TokenObject(c >= 65 && c <= 90 ? 'word' : 'sym', s, s, start, i))
    } else {
      // One code point: a surrogate pair is one character.
      i += text.codePointAt(i)! > 0xffff ? 2 : 1
      const s = text.slice(start, i)
      if (isCjk(s)) out.push(new TokenObject('cjk', s, s, start, i))
      else if (LETTER_OR_DIGIT.test(s)) out.push(new TokenObject('word', s, s, start, i))
      else out.push(new TokenObject('sym', s, s, start, i))
    }
  }
  return out
}

/**
 * How much one CJK character counts as a word: one half, since a Chinese word is about two characters
 * (docs/offline-judge.md — the padding and density thresholds of the offline judge are set in these words).
 */
export const CJK_CHAR_WEIGHT = 0.5

/**
 * The word counter: latin words count 1, numbers 1 (0 with `numbers: false`), CJK characters `cjk` each
 * (default {@link CJK_CHAR_WEIGHT}), symbols 0.
 */
export function wordCount(tokens: Iterable<Token>, opts: { numbers?: boolean; cjk?: number } = {}): number {
  const numbers = opts.numbers ?? true
  const cjk = opts.cjk ?? CJK_CHAR_WEIGHT
  let n = 0
  for (const t of tokens) {
    if (t.kind === 'word' || (numbers && t.kind === 'num')) n += 1
    else if (t.kind === 'cjk') n += cjk
  }
  return n
}

/** {@link wordCount} of a raw text (normalised, then tokenised). */
export function countWords(text: string, opts: { numbers?: boolean; cjk?: number } = {}): number {
  return wordCount(tokenise(normalise(text)), opts)
}

/** Common English function words, removed before content-word comparisons. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are aren as at be because been before being ' +
    'below between both but by can cannot could did do does doing don down during each else etc even ever ' +
    'every few for from further get gets got had has have having he her here hers him his how however i if ' +
    'in into is isn it its itself just let like may me might more most much must my no nor not now of off ' +
    'on once one only or other others our ours out over own per rather same she should since so some such ' +
    'than that the their theirs them then there these they this those through thus to too under until up ' +
    'upon us use used uses using very via was we were what when where whether which while who whom whose ' +
    'why will with within without would yes yet you your yours e.g i.e eg ie vs also well way thing things ' +
    'make makes made many able need needs another two three four five none both either neither'
  ).split(/\s+/),
)
