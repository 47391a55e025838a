import { isHan } from './text/cjk.js'

// The language helpers without their schemas: grading one answer imports these, and zod (i18n.ts) costs
// more start-up than the rest of a small `grade` together.

/** The languages mockint speaks. */
export const LANGS = ['en', 'zh'] as const
export type Lang = (typeof LANGS)[number]

/** True for a language mockint speaks. */
export function isLang(value: unknown): value is Lang {
  return (LANGS as readonly unknown[]).includes(value)
}

/** A text given in every language (see `LocalizedSchema` in i18n.ts). */
export interface Localized {
  en: string
  zh: string
}

/** Picks the text in `lang`, falling back to English. */
export function pick(text: Localized, lang: Lang): string {
  return text[lang] || text.en
}

/** Detects the dominant language of a text: `zh` when CJK ideographs make up a large share of letters. */
export function detectLang(text: string): Lang | null {
  return detectLangOf([{ text }])
}

/**
 * {@link detectLang} of several texts read as one (the line breaks that would join them count for neither
 * script), without joining them: an answer's kept sentences.
 */
export function detectLangOf(parts: readonly { readonly text: string }[]): Lang | null {
  let cjk = 0
  let latin = 0
  for (const { text } of parts)
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i)
      if (c < 0x80) {
        if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++
        continue
      }
      // A surrogate pair is one code point (extension B ideographs are astral); a lone surrogate is itself.
      c = text.codePointAt(i)!
      if (c > 0xffff) i++
      if (isHan(c)) cjk++
    }
  // A Chinese answer naturally carries English technical terms (KV cache, LoRA): one CJK char ≈ one word ≈ 5 latin letters.
  if (cjk === 0 && latin === 0) return null
  return cjk * 5 >= latin ? 'zh' : 'en'
}
