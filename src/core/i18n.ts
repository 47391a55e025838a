import { z } from 'zod'
import { isHan } from './text/cjk.js'

/** The languages mockint speaks. */
export const LANGS = ['en', 'zh'] as const
export type Lang = (typeof LANGS)[number]
export const LangSchema = z.enum(LANGS)

/** A text given in every language. Both are required in shipped banks. */
export const LocalizedSchema = z
  .object({
    en: z.string().trim().min(1, 'must not be empty'),
    zh: z.string().trim().min(1, 'must not be empty'),
  })
  .strict()
export type Localized = z.infer<typeof LocalizedSchema>

/** Picks the text in `lang`, falling back to English. */
export function pick(text: Localized, lang: Lang): string {
  return text[lang] || text.en
}

/** Detects the dominant language of a text: `zh` when CJK ideographs make up a large share of letters. */
export function detectLang(text: string): Lang | null {
  let cjk = 0
  let latin = 0
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0
    if (isHan(c)) cjk++
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++
  }
  // A Chinese answer naturally carries English technical terms (KV cache, LoRA): one CJK char ≈ one word ≈ 5 latin letters.
  if (cjk === 0 && latin === 0) return null
  return cjk * 5 >= latin ? 'zh' : 'en'
}
