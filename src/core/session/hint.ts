import type { KeyPoint, Question } from '../bank/schema.js'
import { pick, type Lang } from '../i18n.js'
import { coreMessages } from '../messages/index.js'
import type { Rubric } from '../rubric/schema.js'
import { includesTerm } from '../text/mentions.js'

/** True when the text names the key point: one of its terms (either language) appears, case-insensitively. */
export function coversKeyPoint(text: string, kp: KeyPoint): boolean {
  return [...kp.terms.en, ...kp.terms.zh].some((term) => includesTerm(text, term))
}

export interface Hint {
  dimension: string
  key_point: string
  text: string
}

/**
 * A hint for the answer typed so far: the dimension with the lowest share of key points covered (or the
 * given one, for a follow-up), and its first key point not yet covered nor hinted. The hint names the
 * direction and the concept, not the explanation. Returns null when every key point is covered or hinted.
 */
export function deriveHint(args: {
  question: Question
  rubric: Rubric
  draft: string
  lang: Lang
  dimension?: string | null
  alreadyHinted: ReadonlySet<string>
}): Hint | null {
  const { question, rubric, draft, lang } = args
  const dims = rubric.dimensions
    .filter((d) => !args.dimension || d.id === args.dimension)
    .map((d) => {
      const kps = question.key_points[d.id] ?? []
      const open = kps.filter((kp) => !coversKeyPoint(draft, kp) && !args.alreadyHinted.has(`${d.id}/${kp.id}`))
      const covered = kps.filter((kp) => coversKeyPoint(draft, kp)).length
      return { d, open, share: kps.length ? covered / kps.length : 1 }
    })
    .filter((x) => x.open.length > 0)
    .sort((a, b) => a.share - b.share)
  const pickDim = dims[0]
  if (!pickDim) return null
  const kp = pickDim.open[0]!
  const title = pick(pickDim.d.title, lang)
  const term = kp.terms[lang][0] ?? kp.terms.en[0]!
  const text = coreMessages(lang).hint(title, pick(pickDim.d.asks, lang), term)
  return { dimension: pickDim.d.id, key_point: kp.id, text }
}
