/**
 * The one table of CJK code points. Terminal cell widths are a different question (wide punctuation,
 * fullwidth forms and emoji are two cells too) and live with the terminal code in `cli/ui/text.ts`.
 */

/** Han ideographs: the unified block, extension A, the compatibility ideographs and extension B. */
export function isHan(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2a6df)
}

/** Han plus kana and Hangul: scripts written without spaces between words, so read a character at a time. */
export function isCjkCodePoint(cp: number): boolean {
  return isHan(cp) || (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0xac00 && cp <= 0xd7af)
}

/** A regex matching one character of {@link isCjkCodePoint}: a scan for one is a regex search, not a loop. */
export const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2a6df}]/u

/** A regex matching one Han ideograph (`u` flag, so extension B counts as one character). */
export const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}]/u

/** A whole string of exactly two Han ideographs: a CJK character bigram, as the offline judge's units are. */
export const HAN_PAIR = new RegExp(`^${HAN.source}{2}$`, 'u')
