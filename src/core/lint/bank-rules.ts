import type { Bank } from '../bank/load.js'
import type { LoadedQuestion } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import { controlCharsIn } from '../text/control.js'
import { jaccard } from '../text/similarity.js'
import { NEAR_DUPLICATE_SIMILARITY } from './limits.js'

/** Reports an issue at a path of a loaded file. */
export type Report = (issue: Omit<Issue, 'line' | 'column'> & { path?: readonly PropertyKey[]; locate: LoadedQuestion['locate'] }) => void

/** rubric/duplicate-id: a rubric id already used by an earlier rubric file. */
export function lintDuplicateRubricIds(bank: Bank, report: Report): void {
  forEachRepeat(bank.rubricFiles, (r) => r.rubric.id, (r, prev) =>
    report({
      file: r.file,
      locate: r.locate,
      path: ['id'],
      severity: 'error',
      rule: 'rubric/duplicate-id',
      message: `rubric id "${r.rubric.id}" is already used by ${prev.file}; rename one`,
    }),
  )
}

/** bank/duplicate-id: a question id already used by an earlier question. */
export function lintDuplicateQuestionIds(bank: Bank, report: Report): void {
  forEachRepeat(bank.questions, (q) => q.question.id, (q, prev) =>
    report({
      file: q.file,
      locate: q.locate,
      path: ['id'],
      severity: 'error',
      rule: 'bank/duplicate-id',
      message: `question id "${q.question.id}" is already used by ${prev.file}; ids must be unique`,
    }),
  )
}

/** Calls `onRepeat` for every item whose id an earlier item already has, with that first item. */
function forEachRepeat<T>(items: readonly T[], idOf: (item: T) => string, onRepeat: (item: T, first: T) => void): void {
  const first = new Map<string, T>()
  for (const item of items) {
    const prev = first.get(idOf(item))
    if (prev) onRepeat(item, prev)
    else first.set(idOf(item), item)
  }
}

/**
 * bank/control-characters: every text of a question is shown in a terminal somewhere (bank show, the
 * interview card, hints, feedback, the report); an escape sequence there would be obeyed, not read.
 */
export function lintControlCharacters(bank: Bank, report: Report): void {
  for (const lq of bank.questions)
    for (const [path, text] of stringsIn(lq.question)) {
      const found = controlCharsIn(text)
      if (found.length)
        report({
          file: lq.file,
          locate: lq.locate,
          path,
          severity: 'error',
          rule: 'bank/control-characters',
          message: `${formatPath(path)} holds control character${found.length === 1 ? '' : 's'} ${found.join(', ')}, which a terminal would obey rather than show; delete ${found.length === 1 ? 'it' : 'them'}`,
        })
    }
}

/** bank/near-duplicate: two English prompts sharing most of their word pairs (reported at the later one). */
export function lintNearDuplicates(bank: Bank, report: Report): void {
  const shingles = bank.questions.map((lq) => shingleSet(lq.question.prompt.en))
  for (let i = 0; i < bank.questions.length; i++)
    for (let j = i + 1; j < bank.questions.length; j++) {
      const a = bank.questions[i]!
      const b = bank.questions[j]!
      if (a.question.id === b.question.id) continue
      const sim = jaccard(shingles[i]!, shingles[j]!)
      if (sim >= NEAR_DUPLICATE_SIMILARITY)
        report({
          file: b.file,
          locate: b.locate,
          path: ['prompt', 'en'],
          severity: 'warning',
          rule: 'bank/near-duplicate',
          message: `prompt is ${Math.round(sim * 100)}% similar to "${a.question.id}" (${a.file}); merge them or make them ask different things`,
        })
    }
}

/** Every string in a parsed value, with its path (depth-first, in document order). */
function* stringsIn(value: unknown, path: PropertyKey[] = []): Generator<[PropertyKey[], string]> {
  if (typeof value === 'string') yield [path, value]
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i])
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k])
}

/** `key_points.principle[0].en`, as a reader of the YAML file would name the field. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
}

/** Pairs of consecutive words (a one-word text is its word). */
export function shingleSet(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const out = new Set<string>()
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`)
  if (words.length === 1) out.add(words[0]!)
  return out
}
