/**
 * Whether a text names a term. Three tests exist because three callers need different strictness, and
 * each one's behaviour is fixed by what it decides (see each function); they live here so the choice is
 * made in one place. The offline judge's own search (token keys, stems, `with` windows) is in
 * `judge/offline/analyse.ts`: it decides grades, so it is not shared with these.
 */

import { HAN } from './cjk.js'

/** NFKC and lower case: what both tests below compare. */
export function foldCase(s: string): string {
  return s.normalize('NFKC').toLowerCase()
}

/**
 * True when `term` occurs in `text` anywhere, after {@link foldCase} of both: `rag` is found in `drag`.
 * Loose on purpose for hints while typing: a key point already named in passing gets no hint.
 */
export function includesTerm(text: string, term: string): boolean {
  return foldCase(text).includes(foldCase(term))
}

/**
 * True when normalised `text` names normalised `term`: at word boundaries (no letter or digit either side)
 * for latin terms, anywhere for terms holding a Han character (Chinese is written without spaces).
 * Both arguments must already be folded the same way; an empty term is never mentioned.
 */
export function mentionsTerm(text: string, term: string): boolean {
  if (!term) return false
  if (HAN.test(term)) return text.includes(term)
  for (let from = 0; ; ) {
    const at = text.indexOf(term, from)
    if (at < 0) return false
    if (!isWordChar(text[at - 1]) && !isWordChar(text[at + term.length])) return true
    from = at + 1
  }
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch)
