import type { Lang } from '../../lang.js'
import { coreMessages } from '../../messages/index.js'

/** Joins sentences the way the language does, ending each with a full stop. */
export function joinList(items: readonly string[], lang: Lang): string {
  const { fullStop, sentenceJoin } = coreMessages(lang).text
  return items
    .map((x) => x.trim())
    .map((x) => (/[.!?。！？]$/.test(x) ? x : `${x}${fullStop}`))
    .join(sentenceJoin)
}
