import type { Bank } from '../bank/load.js'
import type { RedFlag } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import { analyseAnswer } from '../judge/offline/analyse.js'
import { findRedFlags } from '../judge/offline/red-flags.js'
import type { Rubric } from '../rubric/schema.js'

type At = (path: readonly PropertyKey[], rule: string, message: string) => void

/**
 * The checks every list of red flags gets, a question's own or a rubric's common ones: each caps a dimension
 * the rubric has, below its top level; each en and zh statement triggers its own flag; and no flag fires on
 * a correct text (`correct`: a reference or strong answer, with where it is and whose it is).
 */
export function lintFlagList(
  flags: readonly RedFlag[],
  rubric: Rubric | undefined,
  what: 'red flag' | 'common red flag',
  correct: readonly { path: readonly PropertyKey[]; text: string; of?: string }[],
  at: At,
): void {
  const none = { red_flags: [] }
  flags.forEach((f, i) => {
    if (rubric && !rubric.dimensions.some((d) => d.id === f.dimension))
      at(['red_flags', i, 'dimension'], 'bank/red-flag-dimension', `${what} "${f.id}" caps "${f.dimension}", which rubric "${rubric.id}" does not have (it has: ${rubric.dimensions.map((d) => d.id).join(', ')})`)
    else if (rubric && f.cap >= rubric.scale.max)
      at(['red_flags', i, 'cap'], 'bank/red-flag-dimension', `${what} "${f.id}" caps at ${f.cap}, which is not below the top level ${rubric.scale.max}; a wrong claim must cost something`)
    for (const lang of ['en', 'zh'] as const)
      if (!findRedFlags(none, analyseAnswer(f[lang]), [f]).length)
        at(['red_flags', i, lang], 'bank/red-flag-undetected', `the ${lang} statement of ${what} "${f.id}" is not detected by its own terms and \`with\` (one sentence must hold a term and a \`with\` predicate, not negated); fix the terms or the statement`)
  })
  if (!flags.length) return
  const seen = new Set<string>()
  for (const { path, text, of } of correct)
    for (const h of findRedFlags(none, analyseAnswer(text), flags)) {
      // A common flag is reported once per question it fires on, at the flag; a question's own, at the text.
      if (of !== undefined) {
        if (seen.has(`${h.flag.id}\0${of}`)) continue
        seen.add(`${h.flag.id}\0${of}`)
        at(['red_flags', flags.indexOf(h.flag), 'with'], 'bank/red-flag-false-positive', `${what} "${h.flag.id}" fires on a correct text of ${of}: "${h.evidence.slice(0, 120)}"; make its \`with\` predicates name the wrong claim more precisely`)
      } else at(path, 'bank/red-flag-false-positive', `${what} "${h.flag.id}" fires on this correct text ("${h.evidence.slice(0, 120)}"); make its \`with\` predicates name the wrong claim more precisely`)
    }
}

/** The reference (en, zh) and strong calibration answers of a question: texts no red flag may fire on. */
export function correctTexts(q: Bank['questions'][number]['question']): { path: readonly PropertyKey[]; text: string }[] {
  return [
    { path: ['reference', 'en'], text: q.reference.en },
    { path: ['reference', 'zh'], text: q.reference.zh },
    ...q.calibration.flatMap((c, i) => (c.kind === 'strong' ? [{ path: ['calibration', i, 'answer'], text: c.answer }] : [])),
  ]
}

/**
 * A rubric's common red flags are checked in every answer to every question graded with it, so they are
 * held to the same rules as a question's own, against every such question's correct texts.
 */
export function lintRubricFlags(bank: Bank, push: (issue: Issue) => void): void {
  for (const { rubric, file, locate } of bank.rubricFiles) {
    const users = bank.questions.filter((lq) => lq.question.rubric === rubric.id)
    const correct = users.flatMap((lq) => correctTexts(lq.question).map((t) => ({ ...t, of: `${lq.question.id} (${lq.file})` })))
    lintFlagList(rubric.red_flags, rubric, 'common red flag', correct, (path, rule, message) => push({ file, ...locate(path), severity: 'error', rule, message }))
  }
}
