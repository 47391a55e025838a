import { z } from 'zod'
import type { Bank } from '../bank/load.js'
import { LangSchema, type Lang } from '../i18n.js'
import type { GradeInput, GradeQuestion } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'

/** The rubric used for free-text records that name none and when `--rubric` is not given. */
export const DEFAULT_RUBRIC = 'llm-engineer'

/**
 * One input record of `mockint grade`. Unknown fields are ignored (exports carry extra columns); `null` and,
 * for CSV, empty cells count as absent for the optional fields.
 */
export const GradeRecordSchema = z.looseObject({
  id: z.string().trim().min(1, 'must not be empty'),
  answer: z.string(),
  question_id: z.string().trim().min(1).nullish(),
  question: z.string().trim().min(1).nullish(),
  reference: z.string().nullish(),
  rubric: z.string().trim().min(1).nullish(),
  lang: LangSchema.nullish(),
})
export type GradeRecord = z.infer<typeof GradeRecordSchema>

/** A record read from the input, with the 1-based line it starts on. */
export interface LocatedValue {
  line: number
  value?: unknown
  /** Set when the record could not even be parsed (bad JSON line, broken CSV row). */
  error?: string
}

export interface RecordProblem {
  line: number
  message: string
}

export interface ResolveDefaults {
  /** `--rubric`: for free-text records that name none. */
  rubric?: string
  lang: Lang
}

/** A record ready for the judge: the record, and the judge input without a repeat index. */
export interface PreparedRecord {
  line: number
  record: GradeRecord
  questionId: string | null
  input: GradeInput
}

/**
 * Checks one located value against the schema and the bank: returns the prepared record, or the first
 * problem found with a message saying what to do. Duplicate ids are checked by the caller (it holds the ids).
 */
export function prepareRecord(
  located: LocatedValue,
  bank: Bank,
  defaults: ResolveDefaults,
): { ok: true; prepared: PreparedRecord } | { ok: false; problem: RecordProblem } {
  const { line } = located
  const fail = (message: string) => ({ ok: false as const, problem: { line, message } })
  if (located.error !== undefined) return fail(located.error)
  const value = located.value
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(`expected an object with "id" and "answer", got ${describe(value)}`)
  const parsed = GradeRecordSchema.safeParse(value)
  if (!parsed.success) {
    const zi = parsed.error.issues[0]!
    const field = zi.path.map(String).join('.')
    const input = (value as Record<string, unknown>)[String(zi.path[0])]
    if (zi.code === 'invalid_type' && input === undefined)
      return fail(`missing "${field}"; every record needs "id" and "answer" (strings)`)
    if (zi.code === 'invalid_type') return fail(`"${field}" must be a string, got ${describe(input)}`)
    if (field === 'lang') return fail(`"lang" must be "en" or "zh", got ${JSON.stringify(input)}`)
    return fail(`"${field}" ${zi.message === 'must not be empty' ? 'must not be empty' : `is invalid: ${zi.message}`}`)
  }
  const record = parsed.data
  const qid = record.question_id ?? undefined
  const qtext = record.question ?? undefined
  if (qid && qtext)
    return fail(`record "${record.id}" has both "question_id" and "question"; give one of them`)
  if (!qid && !qtext)
    return fail(`record "${record.id}" has neither "question_id" (a bank question) nor "question" (free text); add one`)
  let question: GradeQuestion
  let rubricId: string
  if (qid) {
    const loaded = bank.byId.get(qid)
    if (!loaded) return fail(`unknown question_id "${qid}"${suggest(qid, [...bank.byId.keys()])} (\`mockint bank list\` shows them; --bank adds banks)`)
    question = { kind: 'bank', question: loaded.question }
    rubricId = record.rubric ?? loaded.question.rubric
  } else {
    question = { kind: 'free', prompt: qtext!, ...(record.reference ? { reference: record.reference } : {}) }
    rubricId = record.rubric ?? defaults.rubric ?? DEFAULT_RUBRIC
  }
  const rubric: Rubric | undefined = bank.rubrics.get(rubricId)?.rubric
  if (!rubric) return fail(`unknown rubric "${rubricId}" (known: ${[...bank.rubrics.keys()].join(', ') || 'none'})`)
  return {
    ok: true,
    prepared: {
      line,
      record,
      questionId: qid ?? null,
      input: { question, rubric, answer: record.answer, lang: record.lang ?? defaults.lang },
    },
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string') return `a string`
  return `${typeof v} ${JSON.stringify(v)}`
}

function suggest(id: string, known: string[]): string {
  const slug = id.split('/').pop() ?? id
  const hit = known.find((k) => k.endsWith('/' + slug) || k.includes(slug))
  return hit ? `; did you mean "${hit}"?` : ''
}
