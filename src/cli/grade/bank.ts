import type { Bank } from '../../core/bank/load.js'
import type { LazyBank } from '../../core/bank/lazy.js'
import type { Question } from '../../core/bank/schema.js'
import type { Config } from '../../core/config/resolve.js'
import { InputError } from '../../core/errors.js'
import type { CliDeps } from '../deps.js'
import { openGradeBank } from '../context.js'

/**
 * The bank as grading reads it: only the questions and rubrics the records name (see openGradeBank), with
 * `--rubric` loaded up front and checked (exit 2 naming the rubrics there are).
 */
export async function openBankForGrading(deps: CliDeps, config: Config, extra: readonly string[], rubric: string | undefined): Promise<LazyBank> {
  const lazyBank = await openGradeBank(deps, config, extra, slimBank, gradingQuestion)
  if (rubric) {
    await lazyBank.need(undefined, rubric)
    if (!lazyBank.bank.rubrics.has(rubric)) await lazyBank.loadAll()
  }
  const bank = lazyBank.bank
  if (rubric && !bank.rubrics.has(rubric)) throw new InputError(`unknown rubric "${rubric}" (known: ${[...bank.rubrics.keys()].join(', ')})`, { file: '--rubric' })
  return lazyBank
}

/**
 * The bank without its YAML documents: a loaded question keeps its parsed document for error locations,
 * which grading never needs. Dropping them shrinks the live heap (≈ 25 MB for the shipped bank), and with it
 * the heap V8 grows to while 100,000 answers go through. Each question is kept as {@link gradingQuestion}.
 */
export function slimBank(bank: Bank): Bank {
  const nowhere = () => ({ line: 1, column: 1 })
  const questions = bank.questions.map((q) => ({ question: gradingQuestion(q.question), file: q.file, locate: nowhere }))
  const byId = new Map<string, (typeof questions)[number]>()
  for (const q of questions) if (!byId.has(q.question.id)) byId.set(q.question.id, q)
  const rubrics = new Map([...bank.rubrics].map(([id, r]) => [id, { rubric: r.rubric, file: r.file, locate: nowhere }]))
  return { questions, byId, rubrics, rubricFiles: [] }
}

/**
 * A question as grading reads it: without its calibration answers and sources, which neither judge, the
 * Batch API path nor the reports read (they are for `mockint check` and people): about a tenth of the
 * shipped bank's documents.
 */
export function gradingQuestion(question: Question): Question {
  return { ...question, calibration: [], sources: [] }
}
