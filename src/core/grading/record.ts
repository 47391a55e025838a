import type { Bank } from '../bank/load.js'
import { isLang, type Lang } from '../lang.js'
import type { GradeInput, GradeQuestion } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'

/** The rubric used for free-text records that name none and when `--rubric` is not given. */
export const DEFAULT_RUBRIC = 'llm-engineer'

/** The fields of a record that mockint reads, in this order; other fields are ignored (exports carry extra columns). */
export const RECORD_FIELDS = ['id', 'answer', 'question_id', 'question', 'reference', 'rubric', 'lang'] as const

/**
 * One input record of `mockint grade`. Unknown fields are kept but ignored; `null` and, for CSV, empty
 * cells count as absent for the optional fields. `id`, `question_id`, `question` and `rubric` are trimmed.
 */
export interface GradeRecord {
  id: string
  answer: string
  question_id?: string | null
  question?: string | null
  reference?: string | null
  rubric?: string | null
  lang?: Lang | null
  [extra: string]: unknown
}

/** Fields that are trimmed and must then not be empty; `reference` is only a string. */
const TRIMMED: ReadonlySet<string> = new Set(['id', 'question_id', 'question', 'rubric'])
const KNOWN: ReadonlySet<string> = new Set(RECORD_FIELDS)

/**
 * Checks one record's fields, in {@link RECORD_FIELDS} order; the first bad field is the problem. Hand
 * written rather than a zod schema: it runs for every record of a batch, and loading zod costs more than
 * grading one answer offline. tests/unit/grading-record.test.ts holds it to the zod schema it replaced.
 */
export function parseGradeRecord(value: Record<string, unknown>): { ok: true; record: GradeRecord } | { ok: false; message: string } {
  const record: Record<string, unknown> = {}
  for (const field of RECORD_FIELDS) {
    const present = Object.hasOwn(value, field)
    const v = present ? value[field] : undefined
    const required = field === 'id' || field === 'answer'
    if (v === undefined && required) return { ok: false, message: `missing "${field}"; every record needs "id" and "answer" (strings)` }
    if ((v === undefined || v === null) && !required) {
      if (present) record[field] = v
      continue
    }
    if (field === 'lang') {
      if (!isLang(v)) return { ok: false, message: `"lang" must be "en" or "zh", got ${JSON.stringify(v)}` }
      record[field] = v
      continue
    }
    if (typeof v !== 'string') return { ok: false, message: `"${field}" must be a string, got ${describe(v)}` }
    if (!TRIMMED.has(field)) {
      record[field] = v
      continue
    }
    const trimmed = v.trim()
    if (trimmed === '')
      return { ok: false, message: field === 'id' ? '"id" must not be empty' : `"${field}" is invalid: Too small: expected string to have >=1 characters` }
    record[field] = trimmed
  }
  // Other fields ride along unread; defined, not assigned, so a "__proto__" field stays a field.
  for (const key of Object.keys(value))
    if (!KNOWN.has(key)) Object.defineProperty(record, key, { value: value[key], enumerable: true, writable: true, configurable: true })
  return { ok: true, record: record as GradeRecord }
}

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
  const parsed = parseGradeRecord(value as Record<string, unknown>)
  if (!parsed.ok) return fail(parsed.message)
  const record = parsed.record
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
