import type { Lang } from '../../core/lang.js'
import type { SameArity } from '../../core/messages/catalogue.js'
import { en, type CliMessages } from './en.js'
import { zh } from './zh.js'

// What the terminal shows in a language lives here, one file per language (en.ts defines the keys); what
// core writes in a language (feedback, next steps, hints) is in src/core/messages, so core never depends on
// the cli.

export type { CliMessages } from './en.js'

// A Chinese message that drops or adds a parameter of its English one fails here.
const zhArity: SameArity<typeof zh, CliMessages> = true

const CATALOGUES: Record<Lang, CliMessages> = { en, zh }

/** What the terminal shows in `lang`. */
export function cliMessages(lang: Lang): CliMessages {
  return CATALOGUES[lang]
}
