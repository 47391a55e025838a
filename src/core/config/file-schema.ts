import { z } from 'zod'
import { LangSchema } from '../i18n.js'
import { JUDGE_CHOICES } from './choices.js'

/** The config file (`$XDG_CONFIG_HOME/mockint/config.yaml`). Every field optional. */
export const ConfigFileSchema = z
  .object({
    judge: z.enum(JUDGE_CHOICES).optional(),
    provider: z.string().optional(),
    model: z.string().optional(),
    base_url: z.string().url().optional(),
    /** Name of the environment variable holding the key (never the key itself in a file we may print). */
    api_key_env: z.string().optional(),
    lang: LangSchema.optional(),
    /** Extra bank folders or files, added to the shipped ones. */
    banks: z.array(z.string()).optional(),
    /** Extra or overriding prices, USD per million tokens, by model name. */
    prices: z
      .record(z.string(), z.object({ input: z.number(), output: z.number(), cached_input: z.number().optional() }).strict())
      .optional(),
    /** Last choices made in the interactive interview menu. */
    interview: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
export type ConfigFile = z.infer<typeof ConfigFileSchema>
