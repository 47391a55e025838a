import type { LazyBank } from '../bank/lazy.js'
import type { Bank } from '../bank/load.js'
import { recordGroups } from './input.js'
import { DEFAULT_RUBRIC, prepareRecord, type LocatedValue, type PreparedRecord, type RecordProblem, type ResolveDefaults } from './record.js'

export interface InputCheck {
  /** Records read (valid or not). */
  count: number
  /** The first `maxProblems` problems, in file order. */
  problems: RecordProblem[]
  /** How many problems in all. */
  problemCount: number
  /** Every valid id and the line it is on (the only per-record state kept: for duplicates and `--resume`). */
  ids: Map<string, number>
}

/**
 * The validation pass: reads every record once and checks it (schema, question, rubric, duplicate ids)
 * without grading anything. Keeps only the ids and the first lines they appeared on. `bank` may be a
 * {@link LazyBank}: the questions and rubrics records name are loaded as they are met, so that the grading
 * pass finds them all in `lazy.bank`.
 */
export async function checkInput(
  records: AsyncIterable<LocatedValue>,
  bank: Bank | LazyBank,
  defaults: ResolveDefaults,
  maxProblems = 10,
): Promise<InputCheck> {
  const lazy = 'need' in bank ? bank : undefined
  const firstLine = new Map<string, number>()
  const problems: RecordProblem[] = []
  let problemCount = 0
  let count = 0
  const report = (p: RecordProblem) => {
    problemCount++
    if (problems.length < maxProblems) problems.push(p)
  }
  for await (const group of recordGroups(records))
    for (const located of group) {
      count++
      let prepared = lazy ? prepareLazily(located, lazy, defaults) : prepareRecord(located, bank as Bank, defaults)
      // Most records name files already loaded: no wait for them.
      if (prepared instanceof Promise) prepared = await prepared
      const r = prepared
      if (!r.ok) {
        report(r.problem)
        continue
      }
      const id = r.prepared.record.id
      const seen = firstLine.get(id)
      if (seen !== undefined) {
        report({ line: located.line, message: `duplicate id "${id}" (first on line ${seen}); ids must be unique` })
        continue
      }
      firstLine.set(id, located.line)
    }
  if (count === 0) report({ line: 1, message: 'holds no records; nothing to grade' })
  return { count, problems, problemCount, ids: firstLine }
}

type Prepared = ReturnType<typeof prepareRecord>

/** {@link prepareRecord} once the files the record names are loaded: a promise only when one had to be. */
function prepareLazily(located: LocatedValue, lazy: LazyBank, defaults: ResolveDefaults): Prepared | Promise<Prepared> {
  if (!lazy.complete) {
    const loading = lazy.need(...named(located.value, defaults))
    if (loading) return loading.then(() => prepareLoaded(located, lazy, defaults))
  }
  return prepareLoaded(located, lazy, defaults)
}

function prepareLoaded(located: LocatedValue, lazy: LazyBank, defaults: ResolveDefaults): Prepared | Promise<Prepared> {
  const r = prepareRecord(located, lazy.bank, defaults)
  // An unknown question or rubric is named in a message that lists or suggests what the bank holds: the whole of it.
  if (r.ok || lazy.complete || !/^unknown (question_id|rubric) /.test(r.problem.message)) return r
  return lazy.loadAll().then(() => prepareRecord(located, lazy.bank, defaults))
}

/** The question id and rubric id a record names (before validation: loading them is all this is for). */
function named(value: unknown, defaults: ResolveDefaults): [string | undefined, string | undefined] {
  if (value === null || typeof value !== 'object') return [undefined, undefined]
  const field = (name: string) => {
    const v = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
  }
  const questionId = field('question_id')
  return [questionId, field('rubric') ?? (questionId ? undefined : (defaults.rubric ?? DEFAULT_RUBRIC))]
}

/**
 * The grading pass: reads the records again and yields those to grade (skipping `skip`, e.g. ids already
 * graded in `--out`). Call it only after {@link checkInput} found no problem; a record that no longer
 * validates (the file changed in between) is skipped.
 */
export async function* preparedRecords(
  records: AsyncIterable<LocatedValue>,
  bank: Bank,
  defaults: ResolveDefaults,
  skip: ReadonlySet<string> = new Set(),
): AsyncGenerator<PreparedRecord> {
  for await (const group of recordGroups(records))
    for (const located of group) {
      const r = prepareRecord(located, bank, defaults)
      if (!r.ok || skip.has(r.prepared.record.id)) continue
      yield r.prepared
    }
}
