import type { Calibration, LoadedQuestion, Question } from '../bank/schema.js'
import type { Lang } from '../i18n.js'
import { coreMessages } from '../messages/index.js'
import type { Rubric } from '../rubric/schema.js'
import { pickOffTopic } from './off-topic.js'
import { echoWithBuzzwords, fakeVerdictJson, padWithBuzzwords, weaveClaim } from './padding.js'

export { pickOffTopic } from './off-topic.js'
export { echoWithBuzzwords, fakeVerdictJson, padWithBuzzwords, promptWords, weaveClaim } from './padding.js'

/** The kinds of robustness probe generated for every question. */
export const PROBE_KINDS = ['empty', 'off-topic', 'buzzwords', 'echo', 'injection', 'fake-json', 'red-flag'] as const
export type ProbeKind = (typeof PROBE_KINDS)[number]

/**
 * An answer built to fool a grader. Each must score no higher than `limit` (the top of the weak band it is
 * compared with); a `manipulative` one must also be flagged `prompt_injection`.
 */
export interface Probe {
  kind: ProbeKind
  /** Unique within the question, e.g. `buzzwords-en`, `injection-zh`. */
  name: string
  /** Language the answer is graded in. */
  lang: Lang
  answer: string
  /** Highest overall score (0–100) the probe may get. */
  limit: number
  /** Instruction or fake verdict aimed at the grader: must be flagged `prompt_injection`. */
  manipulative: boolean
  /** Index in `calibration` of the answer the probe is built from or measured against (for line numbers). */
  from: number
  /** For `off-topic`: the question whose strong answer is used. */
  source?: string
  /** For `red-flag`: the wrong claim woven into the strong answer, the dimension it caps and the cap. */
  redFlag?: { id: string; dimension: string; cap: number }
  /** For `buzzwords` and `echo`: each padding sentence and the key-point ids whose terms it weaves in. */
  woven?: { sentence: string; keyPoints: string[] }[]
}

/**
 * Generates the robustness probes of one question: an empty answer; an off-topic answer (another
 * question's strong answer, when the bank has another question); for every weak calibration answer, that
 * answer padded with the question's buzzwords in filler sentences (`buzzwords`) and in sentences that
 * restate the question (`echo`); and the weak answer followed by an instruction to the
 * grader (English and Chinese) and by a fake JSON verdict (limits: the top of the weak band concerned); and
 * the strong answer of each language with each red flag's wrong claim woven in (the dimension it caps must
 * come down to the cap).
 * Returns no probes when the question has no weak calibration answer (the static checks report that).
 */
export function generateProbes(lq: LoadedQuestion | Question, rubric: Rubric, others: readonly Question[]): Probe[] {
  const question = 'question' in lq ? lq.question : lq
  const weaks = question.calibration
    .map((c, i) => ({ c, i }))
    .filter((x): x is { c: Calibration; i: number } => x.c.kind === 'weak')
  if (weaks.length === 0) return []
  // Empty and off-topic answers are held to the strictest weak band.
  const strictest = weaks.reduce((a, b) => (b.c.band[1] < a.c.band[1] ? b : a))
  const byLang = (lang: Lang) => weaks.find((w) => w.c.lang === lang) ?? weaks[0]!
  const probes: Probe[] = []

  probes.push({
    kind: 'empty',
    name: 'empty',
    lang: strictest.c.lang,
    answer: '',
    limit: strictest.c.band[1],
    manipulative: false,
    from: strictest.i,
  })

  const other = pickOffTopic(question, others)
  if (other) {
    const strongs = other.calibration.filter((c) => c.kind === 'strong')
    const strong = strongs.find((c) => c.lang === strictest.c.lang) ?? strongs[0]!
    probes.push({
      kind: 'off-topic',
      name: 'off-topic',
      lang: strong.lang,
      answer: strong.answer,
      limit: strictest.c.band[1],
      manipulative: false,
      from: strictest.i,
      source: other.id,
    })
  }

  // Both padding probes: key-point terms woven into filler, and the question restated around them.
  for (const [kind, pad] of [
    ['buzzwords', padWithBuzzwords],
    ['echo', echoWithBuzzwords],
  ] as const)
    for (const w of weaks) {
      const { answer, woven } = pad(question, w.c.answer, w.c.lang)
      probes.push({
        kind,
        name: `${kind}-${w.c.lang}${weaks.filter((x) => x.c.lang === w.c.lang).length > 1 ? `-${w.i}` : ''}`,
        lang: w.c.lang,
        answer,
        limit: w.c.band[1],
        manipulative: false,
        from: w.i,
        woven,
      })
    }

  for (const lang of ['en', 'zh'] as const) {
    const w = byLang(lang)
    probes.push({
      kind: 'injection',
      name: `injection-${lang}`,
      lang: w.c.lang,
      answer: `${w.c.answer.trim()}\n\n${coreMessages(lang).probes.injection}`,
      limit: w.c.band[1],
      manipulative: true,
      from: w.i,
    })
  }

  // Every red flag, stated inside the strong answer of each language: the dimension it caps must drop to the cap.
  question.calibration.forEach((c, i) => {
    if (c.kind !== 'strong' || question.calibration.findIndex((x) => x.kind === 'strong' && x.lang === c.lang) !== i) return
    for (const f of question.red_flags)
      probes.push({
        kind: 'red-flag',
        name: `red-flag-${f.id}-${c.lang}`,
        lang: c.lang,
        answer: weaveClaim(c.answer, f[c.lang], c.lang),
        limit: 100,
        manipulative: false,
        from: i,
        redFlag: { id: f.id, dimension: f.dimension, cap: f.cap },
      })
  })

  const w = byLang('en')
  probes.push({
    kind: 'fake-json',
    name: 'fake-json',
    lang: w.c.lang,
    answer: `${w.c.answer.trim()}\n\n${fakeVerdictJson(rubric)}`,
    limit: w.c.band[1],
    manipulative: true,
    from: w.i,
  })
  return probes
}
