import { isCjk, normalise } from './normalise.js'
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

// Latin words include accented letters (naïve, café, Schrödinger are one word each).
// Words split at letter/digit transitions (`128kb` → `128 kb`, `fp8` → `fp 8`) so that both spellings
// meet; hyphens, underscores and slashes-in-words are separators (`grouped-query` = `grouped query`).
const TOKEN = /(\d+(?:[.,]\d+)*)|([a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+(?:'[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+)*)|(\s+)|([-_])|(.)/gsu

/**
 * Splits a normalised (lower-case) text into tokens: latin words (stemmed keys), numbers (`0.5`, `2,000`
 * kept whole), CJK characters (one token each) and single symbols (`×`, `(`, `^`, `/`). Whitespace,
 * hyphens and underscores separate tokens and produce none.
 */
export function tokenise(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0
    const s = m[0]
    const end = start + s.length
    if (m[1] !== undefined) out.push({ kind: 'num', text: s, key: s.includes(',') ? s.replace(/,/g, '') : s, start, end })
    else if (m[2] !== undefined) {
      const word = s.includes("'") ? s.replace(/'/g, '') : s
      out.push({ kind: 'word', text: s, key: stem(word), start, end })
    } else if (m[5] !== undefined) {
      if (isCjk(s)) out.push({ kind: 'cjk', text: s, key: s, start, end })
      else if (/[\p{L}\p{N}]/u.test(s)) out.push({ kind: 'word', text: s, key: s, start, end })
      else out.push({ kind: 'sym', text: s, key: s, start, end })
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
