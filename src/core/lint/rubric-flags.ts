import type { Bank } from '../bank/load.js'
import type { Issue } from '../issue.js'
import { analyseAnswer } from '../judge/offline/analyse.js'
import { findRedFlags } from '../judge/offline/red-flags.js'

/**
 * A rubric's common red flags are checked in every answer to every question graded with it, so they are
 * held to the same rules as a question's own, against every such question: each statement must trigger its
 * own flag, and no flag may fire on any of those questions' references or strong calibration answers.
 */
export function lintRubricFlags(bank: Bank, push: (issue: Issue) => void): void {
  for (const { rubric, file, locate } of bank.rubricFiles) {
    const flags = rubric.red_flags
    if (!flags.length) continue
    const at = (path: readonly PropertyKey[], rule: string, message: string) => push({ file, ...locate(path), severity: 'error', rule, message })
    const ids = new Set(flags.map((f) => f.id))
    const dims = rubric.dimensions.map((d) => d.id)
    const users = bank.questions.filter((lq) => lq.question.rubric === rubric.id)
    const none = { red_flags: [] }
    flags.forEach((f, i) => {
      if (!dims.includes(f.dimension))
        at(['red_flags', i, 'dimension'], 'bank/red-flag-dimension', `common red flag "${f.id}" caps "${f.dimension}", which rubric "${rubric.id}" does not have (it has: ${dims.join(', ')})`)
      else if (f.cap >= rubric.scale.max)
        at(['red_flags', i, 'cap'], 'bank/red-flag-dimension', `common red flag "${f.id}" caps at ${f.cap}, which is not below the top level ${rubric.scale.max}; a wrong claim must cost something`)
      for (const lang of ['en', 'zh'] as const)
        if (!findRedFlags(none, analyseAnswer(f[lang]), [f]).length)
          at(['red_flags', i, lang], 'bank/red-flag-undetected', `the ${lang} statement of common red flag "${f.id}" is not detected by its own terms and \`with\` (one sentence must hold a term and a \`with\` predicate, not negated); fix the terms or the statement`)
    })
    const seen = new Set<string>()
    for (const lq of users) {
      const q = lq.question
      const texts = [q.reference.en, q.reference.zh, ...q.calibration.filter((c) => c.kind === 'strong').map((c) => c.answer)]
      for (const text of texts)
        for (const h of findRedFlags(none, analyseAnswer(text), flags)) {
          if (!ids.has(h.flag.id) || seen.has(`${h.flag.id}\0${q.id}`)) continue
          seen.add(`${h.flag.id}\0${q.id}`)
          at(['red_flags', flags.indexOf(h.flag), 'with'], 'bank/red-flag-false-positive', `common red flag "${h.flag.id}" fires on a correct text of ${q.id} (${lq.file}): "${h.evidence.slice(0, 120)}"; make its \`with\` predicates name the wrong claim more precisely`)
        }
    }
  }
}
