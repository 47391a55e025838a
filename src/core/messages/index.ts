import type { Lang } from '../lang.js'
import type { SameArity } from './catalogue.js'
import { en, type CoreMessages } from './en.js'
import { zh } from './zh.js'

// Where the catalogues live: what core writes in a language (feedback, report next steps, hints, probe
// texts) is here, in core, so core stays free of the terminal; what the terminal shows (screens, prompts,
// tables, command summaries) is in src/cli/messages. Each is one file per language; en.ts defines the keys.

export type { CoreMessages } from './en.js'

// A Chinese message that drops or adds a parameter of its English one fails here.
const zhArity: SameArity<typeof zh, CoreMessages> = true

const CATALOGUES: Record<Lang, CoreMessages> = { en, zh }

/** What core says in `lang`. */
export function coreMessages(lang: Lang): CoreMessages {
  return CATALOGUES[lang]
}
