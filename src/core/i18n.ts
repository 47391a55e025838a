import { z } from 'zod'
import { LANGS } from './lang.js'

export { LANGS, type Lang, isLang, pick, detectLang } from './lang.js'

export const LangSchema = z.enum(LANGS)

/** A text given in every language. Both are required in shipped banks. */
export const LocalizedSchema = z
  .object({
    en: z.string().trim().min(1, 'must not be empty'),
    zh: z.string().trim().min(1, 'must not be empty'),
  })
  .strict()
export type Localized = z.infer<typeof LocalizedSchema>
