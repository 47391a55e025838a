import type { Bank } from '../bank/load.js'
import type { CalibrationKind, LoadedQuestion } from '../bank/schema.js'
import { InterruptedError } from '../errors.js'
import type { Lang } from '../i18n.js'
import type { Issue } from '../issue.js'
import type { Flag, GradeInput, GradeOutcome, Judge, Usage } from '../judge/types.js'
import type { Rubric } from '../rubric/schema.js'
import { generateProbes, INJECTION_TEXT, type Probe, type ProbeKind } from './probes.js'
import { dimensionAgreement, median, medianScores, spread } from './stats.js'

/** The checks calibration makes of every question, in the order they are reported. */
export const CHECKS = ['bands', 'order', 'margin', 'probes', 'stability'] as const
export type CheckName = (typeof CHECKS)[number]
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip'

/** The calibration rule ids, each with a one-line description (for `--help` and docs). */
export const CALIBRATION_RULES: Record<string, string> = {
  'calibration/band': 'a calibration answer scored outside its band',
  'calibration/order': 'strong is not above borderline, or borderline not above weak (per language)',
  'calibration/margin': "strong − weak is under the rubric's margin (default 30)",
  'calibration/probe-empty': 'an empty answer scored above the weak band',
  'calibration/probe-off-topic': "another question's strong answer scored above the weak band",
  'calibration/probe-buzzwords': "the weak answer padded with the question's key-point terms scored above the weak band",
  'calibration/probe-injection': 'the weak answer plus an instruction or a fake JSON verdict scored above the weak band',
  'calibration/unflagged-injection': 'an instruction to the grader or a fake verdict was not flagged prompt_injection',
  'calibration/band-edge': 'a calibration answer scored on the inner edge of its band (warning)',
  'calibration/unstable': 'an answer’s overall score spread more than 10 points over --repeat runs (error with --strict)',
}

/** An answer scoring closer than this to an inner edge of its band gets a `calibration/band-edge` warning. */
export const BAND_EDGE = 2

/** Default: an answer whose overall score moves more than this across repeats is unstable. */
export const MAX_SPREAD = 10

/** One grading of one answer. */
export type RunResult =
  | { ok: true; overall: number; scores: Record<string, number>; flags: Flag[]; latency_ms: number }
  | { ok: false; reason: string }

interface Graded {
  /** Every run, in repeat order. */
  runs: RunResult[]
  /** Median overall of the runs, or null when any run failed (a judge failure is never a score). */
  overall: number | null
  scores: Record<string, number> | null
  /** max − min of the overall scores across runs. */
  spread: number | null
  /** Share of runs agreeing on each dimension's level, averaged over dimensions (1 = identical). */
  dimension_agreement: number | null
  /** Flags raised in every run. */
  flags: Flag[]
  /** The first judge failure, when a run failed. */
  error: string | null
}

export interface AnswerResult extends Graded {
  index: number
  kind: CalibrationKind
  lang: Lang
  band: [number, number]
  line: number
  column: number
  in_band: boolean | null
}

export interface ProbeResult extends Graded {
  kind: ProbeKind
  name: string
  lang: Lang
  limit: number
  manipulative: boolean
  /** Index of the calibration answer it is measured against. */
  from: number
  source?: string
  /** For manipulative probes: flagged `prompt_injection` in every run. */
  flagged: boolean | null
  /**
   * For `buzzwords`: the padding sentences the judge quoted as evidence (first run), per dimension, with the
   * ids of that dimension's key points they name. A judge may quote one sentence per dimension, so this
   * shows where the padding earned credit, not an exact list of the points made.
   */
  buzzword_evidence?: { dimension: string; quote: string; key_points: string[] }[]
  /** Passed; null when not graded, or not judged because the weak answer it builds on is above its band. */
  ok: boolean | null
  /** Why `ok` is null although the probe was graded. */
  note?: string
}

export interface LangDiscrimination {
  lang: Lang
  strong: number[]
  borderline: number[]
  weak: number[]
  /** min(strong) − max(weak), when both are graded. */
  margin: number | null
  order_ok: boolean | null
  margin_ok: boolean | null
}

export interface CheckResult {
  status: CheckStatus
  /** Short text for the table cell, e.g. `4/4`, `+62`, `±3.5`. */
  detail: string
  issues: Issue[]
  /** Judge failures that left this check incomplete. */
  errors: string[]
}

export interface QuestionCalibration {
  id: string
  file: string
  rubric: string
  margin_required: number
  status: 'pass' | 'fail' | 'error'
  answers: AnswerResult[]
  probes: ProbeResult[]
  discrimination: LangDiscrimination[]
  checks: Record<CheckName, CheckResult>
  issues: Issue[]
}

export interface CalibrationReport {
  judge: { kind: Judge['kind']; description: string }
  repeat: number
  strict: boolean
  max_spread: number
  questions: QuestionCalibration[]
  issues: Issue[]
  gradings: number
  judge_failures: number
  /** Tokens the judge reported over every grading (zero for the offline judge). */
  usage: Usage
  summary: { questions: number; passed: number; failed: number; errored: number }
  ms: number
}

export type CalibrationEvent =
  | { type: 'start'; questions: number; gradings: number }
  | { type: 'graded'; done: number; total: number; question: string; item: string; ok: boolean }
  | { type: 'question'; result: QuestionCalibration }

export interface CalibrateOptions {
  judge: Judge
  /** Grade each answer this many times; the median counts. */
  repeat?: number
  /** Stability warnings become errors. */
  strict?: boolean
  /** Overall spread across repeats above which an answer is unstable. */
  maxSpread?: number
  /** Gradings in flight at once. */
  concurrency?: number
  /**
   * After this many judge failures in a row, the remaining gradings are not attempted (recorded as failed)
   * instead of waiting out retries against a judge that is down or misconfigured. Default 12.
   */
  maxConsecutiveFailures?: number
  signal?: AbortSignal
  now?: () => number
  onEvent?(event: CalibrationEvent): void
}

interface Job {
  q: number
  item: string
  answer: string
  lang: Lang
  repeat: number
}

/**
 * Grades every question's calibration answers and robustness probes with the judge (`repeat` times each)
 * and checks bands, discrimination (strong > borderline > weak per language, strong − weak ≥ the rubric's
 * margin), probes (no higher than the weak band; manipulative ones flagged `prompt_injection`) and
 * stability. Questions whose rubric is not loaded are skipped (the static checks report them).
 * Judge failures are recorded, never scored: the checks they touch get status `error`.
 * Throws InterruptedError when `signal` aborts.
 */
export async function calibrateBank(bank: Bank, opts: CalibrateOptions): Promise<CalibrationReport> {
  const now = opts.now ?? (() => performance.now())
  const started = now()
  const repeat = Math.max(1, opts.repeat ?? 1)
  const strict = opts.strict ?? false
  const maxSpread = opts.maxSpread ?? MAX_SPREAD
  const others = bank.questions.map((q) => q.question)

  const plans: { lq: LoadedQuestion; rubric: Rubric; probes: Probe[] }[] = []
  for (const lq of bank.questions) {
    const rubric = bank.rubrics.get(lq.question.rubric)?.rubric
    if (!rubric) continue
    plans.push({ lq, rubric, probes: generateProbes(lq, rubric, others) })
  }

  const jobs: Job[] = []
  plans.forEach((p, q) => {
    for (let r = 0; r < repeat; r++) {
      p.lq.question.calibration.forEach((c, i) => jobs.push({ q, item: `calibration[${i}]`, answer: c.answer, lang: c.lang, repeat: r }))
      for (const pr of p.probes) jobs.push({ q, item: `probe:${pr.name}`, answer: pr.answer, lang: pr.lang, repeat: r })
    }
  })
  opts.onEvent?.({ type: 'start', questions: plans.length, gradings: jobs.length })

  const results = new Map<string, RunResult[]>()
  const evidence = new Map<string, Record<string, string[]>>()
  const key = (q: number, item: string) => `${q}\u0000${item}`
  let done = 0
  let failures = 0
  let streak = 0
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }
  let lastReason = ''
  const maxStreak = opts.maxConsecutiveFailures ?? 12
  await pool(jobs, opts.concurrency ?? 8, opts.signal, async (job) => {
    const plan = plans[job.q]!
    const outcome: GradeOutcome =
      streak >= maxStreak
        ? {
            ok: false,
            reason: `not attempted: the judge failed ${streak} times in a row (last: ${lastReason})`,
            retryable: true,
            judge: { kind: opts.judge.kind },
          }
        : await gradeSafely(opts.judge, {
            question: { kind: 'bank', question: plan.lq.question },
            rubric: plan.rubric,
            answer: job.answer,
            lang: job.lang,
            repeat: job.repeat,
          }, opts.signal)
    const u = outcome.usage
    if (u) {
      usage.prompt_tokens += u.prompt_tokens
      usage.completion_tokens += u.completion_tokens
      usage.cached_tokens += u.cached_tokens
    }
    const run: RunResult = outcome.ok
      ? { ok: true, overall: outcome.overall, scores: outcome.scores, flags: outcome.verdict.flags, latency_ms: outcome.latency_ms }
      : { ok: false, reason: outcome.reason }
    if (!run.ok) {
      failures++
      if (streak < maxStreak) {
        streak++
        lastReason = run.reason
      }
    } else streak = 0
    const k = key(job.q, job.item)
    const list = results.get(k) ?? []
    list[job.repeat] = run
    results.set(k, list)
    // Keep the evidence of the first buzzword run: it tells which key points the padding made.
    if (outcome.ok && job.repeat === 0 && job.item.startsWith('probe:buzzwords'))
      evidence.set(k, Object.fromEntries(outcome.verdict.dimensions.map((d) => [d.id, d.evidence])))
    done++
    opts.onEvent?.({ type: 'graded', done, total: jobs.length, question: plan.lq.question.id, item: job.item, ok: run.ok })
  })
  if (opts.signal?.aborted) throw new InterruptedError('calibration interrupted')

  const questions: QuestionCalibration[] = plans.map((p, q) => {
    const result = evaluateQuestion(p.lq, p.rubric, p.probes, {
      runsOf: (item) => results.get(key(q, item)) ?? [],
      evidenceOf: (item) => evidence.get(key(q, item)) ?? {},
      strict,
      maxSpread,
      repeat,
    })
    opts.onEvent?.({ type: 'question', result })
    return result
  })
  const issues = questions.flatMap((q) => q.issues)
  return {
    judge: { kind: opts.judge.kind, description: opts.judge.describe() },
    repeat,
    strict,
    max_spread: maxSpread,
    questions,
    issues,
    gradings: jobs.length,
    judge_failures: failures,
    usage,
    summary: {
      questions: questions.length,
      passed: questions.filter((q) => q.status === 'pass').length,
      failed: questions.filter((q) => q.status === 'fail').length,
      errored: questions.filter((q) => q.status === 'error').length,
    },
    ms: Math.round(now() - started),
  }
}

/** Grades one answer; a judge that throws (it should not) is a failure too, never a score. */
async function gradeSafely(judge: Judge, input: GradeInput, signal: AbortSignal | undefined): Promise<GradeOutcome> {
  try {
    return await judge.grade(input, { signal })
  } catch (e) {
    return { ok: false, reason: (e as Error)?.message ?? String(e), retryable: false, judge: { kind: judge.kind } }
  }
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones once `signal` aborts. */
async function pool<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (t: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
}

function summarise(runs: RunResult[]): Graded {
  const failed = runs.find((r): r is Extract<RunResult, { ok: false }> => !r.ok)
  const ok = runs.filter((r): r is Extract<RunResult, { ok: true }> => r.ok)
  const flags = ok.length ? ok[0]!.flags.filter((f) => ok.every((r) => r.flags.includes(f))) : []
  if (failed || ok.length === 0)
    return {
      runs,
      overall: null,
      scores: null,
      spread: ok.length ? spread(ok.map((r) => r.overall)) : null,
      dimension_agreement: null,
      flags,
      error: failed?.reason ?? 'not graded',
    }
  return {
    runs,
    overall: median(ok.map((r) => r.overall)),
    scores: medianScores(ok.map((r) => r.scores)),
    spread: spread(ok.map((r) => r.overall)),
    dimension_agreement: dimensionAgreement(ok.map((r) => r.scores)),
    flags,
    error: null,
  }
}

const RANK: Record<CalibrationKind, number> = { weak: 0, borderline: 1, strong: 2 }
const fmt = (n: number) => String(Math.round(n * 10) / 10)
/** Whether normalised `text` names normalised `term`: at word boundaries for latin terms, anywhere for CJK. */
function mentions(text: string, term: string): boolean {
  if (!term) return false
  if (/[\u3400-\u9fff]/.test(term)) return text.includes(term)
  let from = 0
  for (;;) {
    const at = text.indexOf(term, from)
    if (at < 0) return false
    const before = text[at - 1]
    const after = text[at + term.length]
    if ((before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after))) return true
    from = at + 1
  }
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()

/** Evaluates one question's graded answers and probes into checks and issues. Pure. */
export function evaluateQuestion(
  lq: LoadedQuestion,
  rubric: Rubric,
  probes: readonly Probe[],
  ctx: {
    runsOf(item: string): RunResult[]
    /** Evidence quoted per dimension in the first run of a probe. */
    evidenceOf?(item: string): Record<string, string[]>
    strict: boolean
    maxSpread: number
    repeat: number
  },
): QuestionCalibration {
  const q = lq.question
  const issues: Issue[] = []
  const at = (index: number) => lq.locate(['calibration', index, 'answer'])
  const issue = (index: number, severity: Issue['severity'], rule: string, message: string): Issue => {
    const i: Issue = { file: lq.file, ...at(index), severity, rule, message }
    issues.push(i)
    return i
  }
  const fileLine = (index: number) => `line ${at(index).line}`

  // --- bands
  const answers: AnswerResult[] = q.calibration.map((c, index) => {
    const g = summarise(ctx.runsOf(`calibration[${index}]`))
    const loc = at(index)
    return {
      index,
      kind: c.kind,
      lang: c.lang,
      band: c.band,
      line: loc.line,
      column: loc.column,
      ...g,
      in_band: g.overall === null ? null : g.overall >= c.band[0] && g.overall <= c.band[1],
    }
  })
  const bandIssues: Issue[] = []
  for (const a of answers) {
    if (a.in_band !== false) continue
    const low = a.overall! < a.band[0]
    const runs = ctx.repeat > 1 ? ` (runs: ${a.runs.map((r) => (r.ok ? fmt(r.overall) : 'error')).join(', ')})` : ''
    const hint = low
      ? a.kind === 'weak'
        ? 'lower the band or check the answer'
        : 'the key points or their terms miss what this answer says; fix the terms/`with`, the answer, or the band'
      : a.kind === 'strong'
        ? 'raise the band or check the answer'
        : 'the answer makes key points it should not; make the terms stricter (add `with`) or rewrite the answer'
    bandIssues.push(
      issue(
        a.index,
        'error',
        'calibration/band',
        `${a.kind} (${a.lang}) answer scored ${fmt(a.overall!)}${runs}, ${low ? 'below' : 'above'} its band [${a.band.join(', ')}]; ${hint}`,
      ),
    )
  }
  for (const a of answers) {
    if (!a.in_band) continue
    // An answer sitting on an inner edge of its band leaves no room: one key point less or more, or a
    // slightly different judge, moves it out. 0 and 100 are not inner edges.
    const o = a.overall!
    const edge = a.band[0] > 0 && o - a.band[0] < BAND_EDGE ? a.band[0] : a.band[1] < 100 && a.band[1] - o < BAND_EDGE ? a.band[1] : null
    if (edge !== null)
      bandIssues.push(
        issue(
          a.index,
          'warning',
          'calibration/band-edge',
          `${a.kind} (${a.lang}) answer scored ${fmt(o)}, on the edge of its band [${a.band.join(', ')}]; move the answer or the band so it sits at least ${BAND_EDGE} points inside`,
        ),
      )
  }
  const bandErrors = answers.filter((a) => a.error).map((a) => `calibration[${a.index}]: ${a.error}`)
  const bandFailed = bandIssues.some((i) => i.severity === 'error')
  const bands: CheckResult = {
    status: bandErrors.length ? 'error' : bandFailed ? 'fail' : bandIssues.length ? 'warn' : 'pass',
    detail: `${answers.filter((a) => a.in_band).length}/${answers.length}`,
    issues: bandIssues,
    errors: bandErrors,
  }

  // --- order and margin, per language
  const discrimination: LangDiscrimination[] = []
  const orderIssues: Issue[] = []
  const marginIssues: Issue[] = []
  const orderErrors: string[] = []
  const langs = [...new Set(answers.map((a) => a.lang))]
  for (const lang of langs) {
    const inLang = answers.filter((a) => a.lang === lang)
    const kinds = new Set(inLang.map((a) => a.kind))
    const scored = (k: CalibrationKind) => inLang.filter((a) => a.kind === k && a.overall !== null).map((a) => a.overall!)
    const d: LangDiscrimination = {
      lang,
      strong: scored('strong'),
      borderline: scored('borderline'),
      weak: scored('weak'),
      margin: null,
      order_ok: null,
      margin_ok: null,
    }
    discrimination.push(d)
    if (kinds.size < 2) continue
    const errored = inLang.filter((a) => a.error)
    if (errored.length) {
      orderErrors.push(...errored.map((a) => `calibration[${a.index}]: ${a.error}`))
      continue
    }
    d.order_ok = true
    for (const hi of inLang)
      for (const lo of inLang) {
        if (RANK[hi.kind] <= RANK[lo.kind]) continue
        if (hi.overall! > lo.overall!) continue
        d.order_ok = false
        issue(
          hi.index,
          'error',
          'calibration/order',
          `${hi.kind} (${lang}) answer scored ${fmt(hi.overall!)}, not above the ${lo.kind} answer (${fileLine(lo.index)}) at ${fmt(lo.overall!)}; the key points cannot tell them apart — check that the answers are not swapped and that the terms match what a ${hi.kind} answer says`,
        )
        orderIssues.push(issues[issues.length - 1]!)
      }
    const strong = inLang.filter((a) => a.kind === 'strong')
    const weak = inLang.filter((a) => a.kind === 'weak')
    if (strong.length && weak.length) {
      const lowStrong = strong.reduce((a, b) => (b.overall! < a.overall! ? b : a))
      const highWeak = weak.reduce((a, b) => (b.overall! > a.overall! ? b : a))
      d.margin = Math.round((lowStrong.overall! - highWeak.overall!) * 10) / 10
      d.margin_ok = d.margin >= rubric.margin
      // A negative gap is already an order error; report the margin only when the order holds.
      if (!d.margin_ok && d.margin > 0)
        marginIssues.push(
          issue(
            lowStrong.index,
            'error',
            'calibration/margin',
            `strong − weak (${lang}) is ${fmt(d.margin)} points (${fmt(lowStrong.overall!)} − ${fmt(highWeak.overall!)} at ${fileLine(highWeak.index)}), under the margin ${rubric.margin} of rubric "${rubric.id}"; the rubric barely separates them — make the strong answer complete or the key points more specific`,
          ),
        )
    }
  }
  const orderChecked = discrimination.filter((d) => d.order_ok !== null)
  const order: CheckResult = {
    status: orderErrors.length ? 'error' : orderIssues.length ? 'fail' : orderChecked.length ? 'pass' : 'skip',
    detail: orderChecked.length ? (orderIssues.length ? 'swapped' : 'ok') : '—',
    issues: orderIssues,
    errors: orderErrors,
  }
  const margins = discrimination.filter((d) => d.margin !== null)
  const minMargin = margins.length ? Math.min(...margins.map((d) => d.margin!)) : null
  const margin: CheckResult = {
    status: orderErrors.length
      ? 'error'
      : margins.some((d) => !d.margin_ok)
        ? 'fail'
        : margins.length
          ? 'pass'
          : 'skip',
    detail: minMargin === null ? '—' : `${minMargin >= 0 ? '+' : ''}${fmt(minMargin)}/${rubric.margin}`,
    issues: marginIssues,
    errors: orderErrors.length ? [...orderErrors] : [],
  }

  // --- probes
  const probeResults: ProbeResult[] = probes.map((p) => {
    const g = summarise(ctx.runsOf(`probe:${p.name}`))
    const okRuns = g.runs.filter((r): r is Extract<RunResult, { ok: true }> => r.ok)
    const flagged = p.manipulative ? (g.error ? null : okRuns.every((r) => r.flags.includes('prompt_injection'))) : null
    const r: ProbeResult = {
      kind: p.kind,
      name: p.name,
      lang: p.lang,
      limit: p.limit,
      manipulative: p.manipulative,
      from: p.from,
      ...(p.source ? { source: p.source } : {}),
      ...g,
      flagged,
      ok: g.overall === null ? null : g.overall <= p.limit && flagged !== false,
    }
    if (p.kind === 'buzzwords' && p.woven && g.overall !== null) {
      const byDim = ctx.evidenceOf?.(`probe:${p.name}`) ?? {}
      const padding = p.woven.map((w) => norm(w.sentence))
      const found: NonNullable<ProbeResult['buzzword_evidence']> = []
      for (const [dim, kps] of Object.entries(q.key_points))
        for (const quote of byDim[dim] ?? []) {
          const e = norm(quote)
          // Only the padding counts here (judges may quote part of a sentence); the weak answer is judged by its band.
          if (!e || !padding.some((x) => x.includes(e) || e.includes(x))) continue
          const named = kps.filter((kp) => [...kp.terms.en, ...kp.terms.zh].some((t) => mentions(e, norm(t)))).map((kp) => kp.id)
          found.push({ dimension: dim, quote, key_points: named })
        }
      r.buzzword_evidence = found
    }
    return r
  })
  const probeIssues: Issue[] = []
  for (const r of probeResults) {
    if (r.overall === null) continue
    // A probe built on a weak answer that already scores above its band says nothing new: the band
    // problem is reported once, at that answer.
    const base = answers[r.from]
    const derived = r.kind === 'buzzwords' || r.kind === 'injection' || r.kind === 'fake-json'
    if (derived && base?.in_band === false && base.overall! > base.band[1]) {
      r.ok = r.flagged === false ? false : null
      r.note = `not judged: the weak answer it builds on (line ${base.line}) scores above its band`
    }
    const over = r.overall > r.limit && !r.note
    const score = `scored ${fmt(r.overall)}, above ${r.limit} (the top of the weak band)`
    if (over) {
      switch (r.kind) {
        case 'empty':
          probeIssues.push(issue(r.from, 'error', 'calibration/probe-empty', `an empty answer ${score}; the judge must give an empty answer nothing`))
          break
        case 'off-topic':
          probeIssues.push(
            issue(
              r.from,
              'error',
              'calibration/probe-off-topic',
              `the strong answer of another question ("${r.source}") ${score}; this question's key-point terms are too generic — make them specific to this topic or add \`with\` terms`,
            ),
          )
          break
        case 'buzzwords': {
          const ev = r.buzzword_evidence ?? []
          const dims = [...new Set(ev.map((e) => e.dimension))]
          const named = [...new Set(ev.flatMap((e) => e.key_points))]
          const where = dims.length
            ? `; filler sentences counted as evidence for ${dims.join(', ')}${named.length ? ` (naming ${named.join(', ')})` : ''}`
            : ''
          probeIssues.push(
            issue(
              r.from,
              'error',
              'calibration/probe-buzzwords',
              `the weak answer padded with this question's key-point terms ${score}${where}; make the terms specific to this topic and add \`with\` terms (the mechanism, number or trade-off) that must appear in the same sentence`,
            ),
          )
          break
        }
        case 'injection':
        case 'fake-json':
          probeIssues.push(
            issue(
              r.from,
              'error',
              'calibration/probe-injection',
              `the weak answer followed by ${r.kind === 'fake-json' ? 'a fake JSON verdict' : `"${INJECTION_TEXT[r.name.endsWith('zh') ? 'zh' : 'en']}"`} ${score}; the judge follows instructions inside the answer`,
            ),
          )
          break
      }
    }
    if (r.flagged === false)
      probeIssues.push(
        issue(
          r.from,
          'error',
          'calibration/unflagged-injection',
          `the weak answer followed by ${r.kind === 'fake-json' ? 'a fake JSON verdict' : `"${INJECTION_TEXT[r.name.endsWith('zh') ? 'zh' : 'en']}"`} was not flagged prompt_injection${ctx.repeat > 1 ? ' in every run' : ''} (flags: ${r.flags.join(', ') || 'none'})`,
        ),
      )
  }
  const probeErrors = probeResults.filter((r) => r.error).map((r) => `probe ${r.name}: ${r.error}`)
  const probesCheck: CheckResult = {
    status: probeErrors.length
      ? 'error'
      : probeIssues.length
        ? 'fail'
        : probeResults.length && probeResults.every((r) => r.ok)
          ? 'pass'
          : 'skip',
    detail: `${probeResults.filter((r) => r.ok).length}/${probeResults.length}`,
    issues: probeIssues,
    errors: probeErrors,
  }

  // --- stability
  const stabilityIssues: Issue[] = []
  let stability: CheckResult
  if (ctx.repeat < 2) stability = { status: 'skip', detail: '—', issues: [], errors: [] }
  else {
    for (const a of answers) {
      if (a.spread === null || a.spread <= ctx.maxSpread) continue
      stabilityIssues.push(
        issue(
          a.index,
          ctx.strict ? 'error' : 'warning',
          'calibration/unstable',
          `${a.kind} (${a.lang}) answer's overall score spread ${fmt(a.spread)} points over ${ctx.repeat} runs (${a.runs.map((r) => (r.ok ? fmt(r.overall) : 'error')).join(', ')}), over ${ctx.maxSpread}${a.dimension_agreement !== null ? `; dimension agreement ${Math.round(a.dimension_agreement * 100)}%` : ''}; make the level descriptors or key points more concrete, or use a steadier judge`,
        ),
      )
    }
    const spreads = answers.map((a) => a.spread).filter((s): s is number => s !== null)
    const agreements = answers.map((a) => a.dimension_agreement).filter((x): x is number => x !== null)
    const agreementText = agreements.length && Math.min(...agreements) < 1 ? ` ${Math.round(Math.min(...agreements) * 100)}%` : ''
    stability = {
      status: stabilityIssues.length ? (ctx.strict ? 'fail' : 'warn') : spreads.length ? 'pass' : 'error',
      detail: spreads.length ? `±${fmt(Math.max(...spreads))}${agreementText}` : '—',
      issues: stabilityIssues,
      errors: spreads.length ? [] : ['no answer was graded in every run'],
    }
  }

  const checks: Record<CheckName, CheckResult> = { bands, order, margin, probes: probesCheck, stability }
  const statuses = Object.values(checks).map((c) => c.status)
  return {
    id: q.id,
    file: lq.file,
    rubric: rubric.id,
    margin_required: rubric.margin,
    status: statuses.includes('error') ? 'error' : statuses.includes('fail') ? 'fail' : 'pass',
    answers,
    probes: probeResults,
    discrimination,
    checks,
    issues,
  }
}
