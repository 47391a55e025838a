import { z } from 'zod'
import type { Bank } from '../bank/load.js'
import { InputError, InterruptedError } from '../errors.js'
import { LangSchema, detectLang, type Lang } from '../i18n.js'
import type { GradeQuestion, Judge } from '../judge/types.js'
import { agreement, pearson, type AgreementReport } from '../metrics/agreement.js'
import type { Rubric } from '../rubric/schema.js'
import { median, round1 } from '../metrics/median.js'
import { medianScores } from './stats.js'

/**
 * One human-graded answer (a line of the `--labels` JSONL file). Extra fields (grader, notes) are allowed
 * and ignored.
 */
export const LabelSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    question_id: z.string().min(1).optional(),
    question: z.string().trim().min(1).optional(),
    reference: z.string().optional(),
    rubric: z.string().min(1).optional(),
    lang: LangSchema.optional(),
    answer: z.string(),
    score: z.number().finite().min(0),
    max_score: z.number().finite().positive(),
    /** Optional per-dimension levels (e.g. the mean of two graders): per-dimension agreement is reported. */
    levels: z.record(z.string(), z.number().finite().min(0)).optional(),
  })
  .refine((l) => l.score <= l.max_score, { message: 'score is above max_score', path: ['score'] })
  .refine((l) => (l.question_id === undefined) !== (l.question === undefined), {
    message: 'give either question_id (a bank question) or question (free text), not both and not neither',
    path: ['question_id'],
  })
export type Label = z.infer<typeof LabelSchema>

export interface LoadedLabel {
  label: Label
  /** 1-based line in the labels file. */
  line: number
}

/**
 * Parses a labels JSONL text. Blank lines are skipped. Throws InputError naming `file:line` for the first
 * bad line: not JSON, a missing or wrong field, an unknown `question_id` or `rubric` (when `bank` is given).
 */
export function parseLabels(text: string, file: string, bank?: Bank): LoadedLabel[] {
  const out: LoadedLabel[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message}); write one JSON object per line`, { file, line })
    }
    const r = LabelSchema.safeParse(value)
    if (!r.success) {
      const issue = r.error.issues[0]!
      const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
      throw new InputError(
        `${where}${issue.message}; a label is {"question_id" or "question", "answer", "score", "max_score"}`,
        { file, line },
      )
    }
    const label = r.data
    if (bank && label.question_id && !bank.byId.has(label.question_id))
      throw new InputError(`unknown question_id "${label.question_id}"; \`mockint bank list\` shows the ids`, { file, line })
    if (bank && label.rubric && !bank.rubrics.has(label.rubric))
      throw new InputError(
        `unknown rubric "${label.rubric}" (loaded: ${[...bank.rubrics.keys()].join(', ') || 'none'})`,
        { file, line },
      )
    out.push({ label, line })
  })
  if (out.length === 0) throw new InputError('holds no labels; write one JSON object per line', { file })
  return out
}

export interface LabelGrade {
  line: number
  /** The human score on 0–100. */
  human: number
  /** The judge's median overall on 0–100, or null when the judge failed. */
  judge: number | null
  runs: (number | null)[]
  /** The judge's median level per dimension (empty when the judge failed). */
  scores: Record<string, number>
  error: string | null
}

/**
 * Grades every labelled answer with the judge (`repeat` times; the median counts). Bank questions use their
 * own rubric; free-text questions use the label's `rubric`, else `defaultRubric`. Judge failures are
 * recorded per label, never scored. Throws InterruptedError when `signal` aborts.
 */
export async function gradeLabels(
  labels: readonly LoadedLabel[],
  opts: {
    bank: Bank
    judge: Judge
    defaultRubric: Rubric
    repeat?: number
    concurrency?: number
    signal?: AbortSignal
    onGraded?(done: number, total: number): void
  },
): Promise<LabelGrade[]> {
  const repeat = Math.max(1, opts.repeat ?? 1)
  const jobs = labels.flatMap((l, i) => Array.from({ length: repeat }, (_, r) => ({ i, r, l })))
  const runs: ({ overall: number; scores: Record<string, number> } | { error: string })[][] = labels.map(() => [])
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < jobs.length && !opts.signal?.aborted) {
      const { i, r, l } = jobs[next++]!
      const { label } = l
      const lq = label.question_id ? opts.bank.byId.get(label.question_id) : undefined
      const question: GradeQuestion = lq
        ? { kind: 'bank', question: lq.question }
        : { kind: 'free', prompt: label.question!, ...(label.reference ? { reference: label.reference } : {}) }
      const rubric =
        (lq && opts.bank.rubrics.get(lq.question.rubric)?.rubric) ??
        (label.rubric ? opts.bank.rubrics.get(label.rubric)?.rubric : undefined) ??
        opts.defaultRubric
      const lang: Lang = label.lang ?? detectLang(label.answer) ?? 'en'
      try {
        const o = await opts.judge.grade({ question, rubric, answer: label.answer, lang, repeat: r }, { signal: opts.signal })
        runs[i]![r] = o.ok ? { overall: o.overall, scores: o.scores } : { error: o.reason }
      } catch (e) {
        runs[i]![r] = { error: (e as Error)?.message ?? String(e) }
      }
      opts.onGraded?.(++done, jobs.length)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, opts.concurrency ?? 8), Math.max(1, jobs.length)) }, worker))
  if (opts.signal?.aborted) throw new InterruptedError('grading of labels interrupted')
  return labels.map((l, i) => {
    const rs = runs[i]!
    const failed = rs.find((x): x is { error: string } => 'error' in x)
    const scores = rs.map((x) => ('overall' in x ? x.overall : null))
    return {
      line: l.line,
      human: Math.round((1000 * l.label.score) / l.label.max_score) / 10,
      judge: failed ? null : round1(median(scores as number[])),
      runs: scores,
      scores: failed ? {} : medianScores(rs.map((x) => ('scores' in x ? x.scores : {}))),
      error: failed?.error ?? null,
    }
  })
}

export interface LabelAgreement extends AgreementReport {
  /** Labels graded by the judge (the figures use these). */
  graded: number
  /** Labels the judge failed to grade (left out of the figures, never scored). */
  failed: number
  judge: { kind: Judge['kind']; description: string }
  /** Pearson r per rubric dimension, for labels that give `levels` (empty when none do). */
  dimensions: Record<string, number | null>
  /** `--min-agreement`, when given, and whether Pearson r reached it. */
  min_agreement: number | null
  passed: boolean | null
  labels: LabelGrade[]
}

/**
 * Agreement between human labels and the judge on a common scale: the labels' `max_score` when they all
 * share one, else 0–10. Judge failures are left out of the figures and counted. `passed` is null without
 * `minAgreement`; false when Pearson r is below it or undefined.
 */
export function labelAgreement(
  labels: readonly LoadedLabel[],
  grades: readonly LabelGrade[],
  judge: Judge,
  minAgreement?: number,
): LabelAgreement {
  const maxes = new Set(labels.map((l) => l.label.max_score))
  const scale = maxes.size === 1 ? [...maxes][0]! : 10
  const ok = grades.filter((g) => g.judge !== null)
  const human = ok.map((g) => (g.human * scale) / 100)
  const judged = ok.map((g) => (g.judge! * scale) / 100)
  const report = agreement(human, judged, scale)
  const passed = minAgreement === undefined ? null : report.pearson !== null && report.pearson >= minAgreement
  const dimensions: Record<string, number | null> = {}
  const dims = new Set(labels.flatMap((l) => Object.keys(l.label.levels ?? {})))
  for (const d of dims) {
    const pairs = labels.flatMap((l, i) => {
      const human = l.label.levels?.[d]
      const judged = grades[i]?.scores[d]
      return human === undefined || judged === undefined ? [] : [[human, judged] as const]
    })
    dimensions[d] = pearson(pairs.map((p) => p[0]), pairs.map((p) => p[1]))
  }
  return {
    ...report,
    dimensions,
    graded: ok.length,
    failed: grades.length - ok.length,
    judge: { kind: judge.kind, description: judge.describe() },
    min_agreement: minAgreement ?? null,
    passed,
    labels: [...grades],
  }
}
