/**
 * Text normalisation shared by the offline judge and the injection detector: Unicode NFKC (full-width →
 * half-width), lower case, typographic quotes and dashes folded to ASCII, each run of whitespace collapsed
 * to one line break (when it holds one) or one space.
 */

import { CJK, isCjkCodePoint } from './cjk.js'

/** Typographic quotes, dashes and odd spaces, folded to ASCII before (and after) NFKC. */
export const FOLD: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u00a0': ' ',
  '\u3000': ' ',
}

/** Normalises one code point (NFKC, lower case, folding). May return several characters or none. */
function normaliseChar(ch: string): string {
  const folded = FOLD[ch]
  if (folded !== undefined) return folded
  const n = ch.normalize('NFKC').toLowerCase()
  return FOLD[n] ?? n
}

/** A character's normal form and whether it is whitespace. */
interface Entry {
  n: string
  space: boolean
}

/** ASCII is its own NFKC form; only case folds. */
const ASCII_ENTRIES: Entry[] = Array.from({ length: 128 }, (_, c) => {
  const n = String.fromCharCode(c).toLowerCase()
  return { n, space: /^\s+$/u.test(n) }
})
/** 1 for an ASCII character that is its own normal form and not whitespace. */
const ASCII_SAME = Uint8Array.from(ASCII_ENTRIES, (e, c) => (e.n === String.fromCharCode(c) && !e.space ? 1 : 0))
/** Other characters seen, by code point (an answer repeats its characters; a bank has a few thousand distinct). */
const SEEN = new Map<number, Entry>()
const SEEN_MAX = 20_000

/** {@link normaliseChar} of the character `ch` (code point `cp`) and whether it is whitespace, cached. */
function entryOf(cp: number, ch: string): Entry {
  let hit = SEEN.get(cp)
  if (!hit) {
    const n = normaliseChar(ch)
    hit = { n, space: /^\s+$/u.test(n) }
    if (SEEN.size < SEEN_MAX) SEEN.set(cp, hit)
  }
  return hit
}

/**
 * Whether a code point is a CJK unified ideograph (U+4E00–U+9FFF): no decomposition, no case, not folded,
 * so its own normal form (tests/unit/normalise-scanner.test.ts checks every one), without a cache lookup.
 */
const isPlainHan = (cp: number): boolean => cp >= 0x4e00 && cp <= 0x9fff

/** Normalises a text: NFKC, lower case, quotes and dashes folded, whitespace runs → one `\n` or space, trimmed. */
export function normalise(text: string): string {
  // Without the offset map, which nobody reads here (one number per character); plain ASCII, most answers
  // and their sentences, by two or three string operations.
  return (NOT_ASCII.test(text) ? normaliseText(text) : normaliseAscii(text)).trim()
}

/** Matches a character outside ASCII: a text without one takes {@link normaliseAscii}. */
export const NOT_ASCII = /[^\x00-\x7f]/
/** A whitespace run holding a line break (greedy from the run's first character, so the whole run). */
const LINE_BREAK_RUN = /[\t\v\f\r ]*\n[\t\n\v\f\r ]*/g
const SPACE_RUN = /[\t\v\f\r ]+/g
/** Whether a run without a line break needs folding: a space alone is already its own normal form. */
const FOLDABLE_SPACE = /[\t\v\f\r]| {2}/

/**
 * {@link normaliseWithMap}'s text for an ASCII text, without the map: ASCII is its own NFKC form and folds
 * nothing, so what is left is lower case, and each whitespace run (JavaScript's `\s` in ASCII) becomes one
 * line break when it holds one, else one space. tests/unit/injection.test.ts holds the two to the same result.
 */
export function normaliseAscii(text: string): string {
  let out = text.toLowerCase()
  if (out.includes('\n')) out = out.replace(LINE_BREAK_RUN, '\n')
  return FOLDABLE_SPACE.test(out) ? out.replace(SPACE_RUN, ' ') : out
}

/**
 * Normalises like {@link normalise} (without the final trim) and returns, for every UTF-16 index of the
 * result, the index in `text` it came from, so that matches found in the normalised text can be quoted or
 * removed from the original. `map` has one extra entry at the end (`text.length`).
 */
export function normaliseWithMap(text: string): { text: string; map: number[] } {
  const map: number[] = []
  const out = normaliseText(text, map)
  map.push(text.length)
  return { text: out, map }
}

/**
 * The normalised text, untrimmed; with `map`, the index in `text` of each of its UTF-16 units is pushed there.
 * Reads code point by code point (a lone surrogate is one) as `for…of` would. A stretch of characters that
 * are their own normal form (lower-case letters, CJK ideographs, one space or line break after a
 * non-space) is copied as one slice rather than character by character.
 */
function normaliseText(text: string, map?: number[]): string {
  let out = ''
  let lastSpace = false
  const len = text.length
  // Characters from `copy` to `i` are their own normal form and not yet in `out`.
  let copy = 0
  let i = 0
  while (i < len) {
    const c = text.charCodeAt(i)
    let entry: Entry
    let size = 1
    if (c < 128) {
      // Not an upper-case letter or whitespace, or a lone space or line break after a non-space: itself.
      if (ASCII_SAME[c] === 1 || ((c === 32 || c === 10) && !lastSpace)) {
        lastSpace = ASCII_SAME[c] !== 1
        map?.push(i)
        i++
        continue
      }
      entry = ASCII_ENTRIES[c]!
    } else {
      // A surrogate pair is one code point; a lone surrogate is itself.
      const cp = text.codePointAt(i)!
      if (cp > 0xffff) size = 2
      if (isPlainHan(cp)) {
        lastSpace = false
        map?.push(i)
        i++
        continue
      }
      entry = entryOf(cp, size === 1 ? text[i]! : text.slice(i, i + 2))
    }
    if (copy < i) out += text.slice(copy, i)
    const { n, space } = entry
    if (space) {
      if (!lastSpace) {
        out += n.includes('\n') ? '\n' : ' '
        map?.push(i)
        lastSpace = true
      } else if (n.includes('\n') && out.endsWith(' ')) {
        // A run of whitespace holding a line break collapses to the line break (patterns anchor on it).
        out = `${out.slice(0, -1)}\n`
      }
    } else {
      if (map) for (let k = 0; k < n.length; k++) map.push(i)
      out += n
      if (n.length > 0) lastSpace = false
    }
    i += size
    copy = i
  }
  if (copy < len) out += text.slice(copy, len)
  return out
}

/** True for CJK ideographs (and the kana/hangul ranges, which are segmented the same way). */
export function isCjk(ch: string): boolean {
  return isCjkCodePoint(ch.codePointAt(0) ?? 0)
}

/** True when the text holds at least one CJK character. */
export function hasCjk(text: string): boolean {
  return CJK.test(text)
}
