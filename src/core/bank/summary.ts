import type { Bank } from './load.js'
import type { Question } from './schema.js'

/** One row of `mockint bank list --format json` (fields fixed by the contract). */
export interface QuestionSummary {
  id: string
  category: string
  difficulty: Question['difficulty']
  languages: string[]
  rubric: string
  key_points: Record<string, number>
  follow_ups: number
  calibration: number
}

export function summarizeQuestion(q: Question): QuestionSummary {
  const languages = (['en', 'zh'] as const).filter((l) => q.prompt[l]?.trim())
  return {
    id: q.id,
    category: q.category,
    difficulty: q.difficulty,
    languages,
    rubric: q.rubric,
    key_points: Object.fromEntries(Object.entries(q.key_points).map(([d, kps]) => [d, kps.length])),
    follow_ups: q.follow_ups.length,
    calibration: q.calibration.length,
  }
}

export interface QuestionFilter {
  category?: string[]
  difficulty?: string
  tag?: string
}

/** Questions matching a filter, in a stable order (category, then id). */
export function filterQuestions(bank: Bank, filter: QuestionFilter): Question[] {
  return [...bank.byId.values()]
    .map((lq) => lq.question)
    .filter((q) => !filter.category?.length || filter.category.includes(q.category))
    .filter((q) => !filter.difficulty || q.difficulty === filter.difficulty)
    .filter((q) => !filter.tag || q.tags.includes(filter.tag))
    .sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id))
}
