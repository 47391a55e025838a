import type { Usage } from '../judge/types.js'
import { estimateCost, type CostEstimate, type Price } from './prices.js'
import type { ResultRecord } from './result.js'

/** Per-question rows kept at most; the rest are folded into one row (memory stays flat). */
const MAX_QUESTION_ROWS = 500
const MAX_ERROR_SAMPLES = 20

export interface QuestionRow {
  question: string
  n: number
  graded: number
  errors: number
  mean: number | null
  pass_rate: number | null
}

export interface DimensionAgreement {
  /** Share of repeated answers whose runs all gave the same level. */
  exact: number
  /** Share whose runs were at most one level apart. */
  within_one: number
}

/** What a batch came to: the data behind the closing lines and the md/html reports. */
export interface BatchSummary {
  total: number
  graded: number
  errors: number
  /** Graded in an earlier run (found in `--out` with `--resume`). */
  resumed: number
  /** Grades served from the cache (no call). */
  cached: number
  mean_overall: number | null
  median_overall: number | null
  pass_rate: number | null
  /** Counts of overall scores in ten bins: [0,10), [10,20), …, [90,100]. */
  distribution: number[]
  dimensions: Record<string, { mean: number; n: number }>
  questions: QuestionRow[]
  flags: Record<string, number>
  error_samples: Array<{ id: string; message: string }>
  /** Errors by cause (rate_limit, auth, …); records from older runs without one count as `unknown`. */
  errors_by_cause: Record<string, number>
  /** Tokens spent by this run (cache hits and resumed records spend none). */
  usage: Usage
  cost: CostEstimate
  judge: { kind: string; model?: string; provider?: string } | null
  repeat: number
  repeats: null | { answers: number; stable: number; unstable: number; mean_spread: number; agreement: Record<string, DimensionAgreement> }
  elapsed_ms: number
}

export interface SummaryOptions {
  repeat: number
  model?: string
  prices?: Readonly<Record<string, Price>>
  batch?: boolean
}

/** Accumulates results one by one in constant memory (bounded tables, a 1,000-bin histogram for the median). */
export function createSummary(opts: SummaryOptions) {
  let total = 0
  let graded = 0
  let errors = 0
  let resumed = 0
  let cached = 0
  let sum = 0
  let passed = 0
  const fine = new Array<number>(1001).fill(0)
  const distribution = new Array<number>(10).fill(0)
  const dims = new Map<string, { sum: number; n: number }>()
  const questions = new Map<string, { n: number; graded: number; errors: number; sum: number; passed: number }>()
  const flags: Record<string, number> = {}
  const errorSamples: Array<{ id: string; message: string }> = []
  const errorsByCause: Record<string, number> = {}
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }
  let judge: BatchSummary['judge'] = null
  let offline = false
  const rep = { answers: 0, stable: 0, spread: 0, agree: new Map<string, { exact: number; within: number }>() }

  // Answers to one free-text question usually come together: its label is worked out once per run of them.
  let lastText: string | undefined
  let lastLabel = ''
  function questionKey(r: ResultRecord, questionText?: string): string {
    if (r.question_id) return r.question_id
    const text = questionText ?? ''
    if (text !== lastText) {
      lastText = text
      lastLabel = `free: ${text.replace(/\s+/g, ' ').slice(0, 60)}`
    }
    const label = lastLabel
    if (questions.has(label) || questions.size < MAX_QUESTION_ROWS) return label
    return '(other free-text questions)'
  }

  return {
    /** Adds one result. `previous` marks results read back from `--out` on `--resume`. */
    add(r: ResultRecord, ctx: { questionText?: string; previous?: boolean } = {}): void {
      total++
      if (ctx.previous) resumed++
      else {
        usage.prompt_tokens += r.usage.prompt_tokens
        usage.completion_tokens += r.usage.completion_tokens
        usage.cached_tokens += r.usage.cached_tokens
      }
      if (r.cached && !ctx.previous) cached++
      if (!judge && r.judge) {
        judge = { kind: r.judge.kind, ...(r.judge.model ? { model: r.judge.model } : {}), ...(r.judge.provider ? { provider: r.judge.provider } : {}) }
        offline = r.judge.kind === 'offline'
      }
      const key = questionKey(r, ctx.questionText)
      let q = questions.get(key)
      if (q === undefined) {
        q = { n: 0, graded: 0, errors: 0, sum: 0, passed: 0 }
        questions.set(key, q)
      }
      q.n++
      if (r.status !== 'graded' || r.overall === null) {
        errors++
        q.errors++
        const cause = r.error?.cause ?? 'unknown'
        errorsByCause[cause] = (errorsByCause[cause] ?? 0) + 1
        if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push({ id: r.id, message: r.error?.message ?? 'unknown error' })
        return
      }
      graded++
      q.graded++
      sum += r.overall
      q.sum += r.overall
      if (r.pass) {
        passed++
        q.passed++
      }
      fine[Math.max(0, Math.min(1000, Math.round(r.overall * 10)))]!++
      distribution[Math.min(9, Math.floor(r.overall / 10))]!++
      // Once per result: no list of entries made.
      const scores = r.scores ?? {}
      for (const d of Object.keys(scores)) {
        let acc = dims.get(d)
        if (acc === undefined) {
          acc = { sum: 0, n: 0 }
          dims.set(d, acc)
        }
        acc.sum += scores[d]!
        acc.n++
      }
      for (const f of r.flags) flags[f] = (flags[f] ?? 0) + 1
      if (r.repeats && r.repeats.length > 1) {
        rep.answers++
        if (r.stable) rep.stable++
        rep.spread += r.spread ?? 0
        for (const d of Object.keys(r.scores ?? {})) {
          const ls = r.repeats.map((x) => x.scores[d] ?? 0)
          const range = Math.max(...ls) - Math.min(...ls)
          const a = rep.agree.get(d) ?? { exact: 0, within: 0 }
          if (range === 0) a.exact++
          if (range <= 1) a.within++
          rep.agree.set(d, a)
        }
      }
    },
    finish(elapsedMs: number): BatchSummary {
      const round = (x: number) => Math.round(x * 10) / 10
      const round2 = (x: number) => Math.round(x * 100) / 100
      let med: number | null = null
      if (graded > 0) {
        // Median from the 0.1-point histogram (scores have one decimal): the mean of the two middle ranks.
        const at = (rank: number) => {
          let seen = 0
          for (let i = 0; i < fine.length; i++) {
            seen += fine[i]!
            if (seen >= rank) return i / 10
          }
          return 100
        }
        med = round((at(Math.ceil(graded / 2)) + at(Math.floor(graded / 2) + 1)) / 2)
      }
      const dimensions: BatchSummary['dimensions'] = {}
      for (const [d, a] of dims) dimensions[d] = { mean: round2(a.sum / a.n), n: a.n }
      const agreement: Record<string, DimensionAgreement> = {}
      for (const [d, a] of rep.agree) agreement[d] = { exact: round2(a.exact / rep.answers), within_one: round2(a.within / rep.answers) }
      return {
        total,
        graded,
        errors,
        resumed,
        cached,
        mean_overall: graded ? round(sum / graded) : null,
        median_overall: med,
        pass_rate: graded ? round2(passed / graded) : null,
        distribution,
        dimensions,
        questions: [...questions.entries()]
          .map(([question, q]) => ({
            question,
            n: q.n,
            graded: q.graded,
            errors: q.errors,
            mean: q.graded ? round(q.sum / q.graded) : null,
            pass_rate: q.graded ? round2(q.passed / q.graded) : null,
          }))
          .sort((a, b) => b.n - a.n || a.question.localeCompare(b.question)),
        // Most raised first (then by name): the same summary whatever order the answers were graded in.
        flags: Object.fromEntries(Object.entries(flags).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
        error_samples: errorSamples,
        errors_by_cause: { ...errorsByCause },
        usage: { ...usage },
        cost: estimateCost(usage, opts.model ?? judge?.model, opts.prices, { batch: opts.batch, offline }),
        judge,
        repeat: opts.repeat,
        repeats:
          rep.answers > 0
            ? { answers: rep.answers, stable: rep.stable, unstable: rep.answers - rep.stable, mean_spread: round(rep.spread / rep.answers), agreement }
            : null,
        elapsed_ms: Math.round(elapsedMs),
      }
    },
  }
}
export type SummaryAccumulator = ReturnType<typeof createSummary>
