import type { Question } from '../../bank/schema.js'
import type { Issue } from '../../issue.js'
import { coreMessages } from '../../messages/index.js'
import { mentionsTerm } from '../../text/mentions.js'
import type { Probe } from '../probes.js'
import type { AnswerResult, CheckResult, ProbeResult, RunResult } from '../results.js'
import { summariseRuns } from '../stats.js'
import { fmt, type QuestionIssues } from './issues.js'

export interface ProbeContext {
  runsOf(item: string): RunResult[]
  /** Evidence quoted per dimension in the first run of a probe. */
  evidenceOf?(item: string): Record<string, string[]>
  strict: boolean
  repeat: number
}

/**
 * Each probe's graded result: passed when it scores no higher than its limit and, if manipulative, is
 * flagged `prompt_injection` in every run; a red-flag probe passes when the dimension it caps comes down
 * to the cap. A probe built on a weak answer that already scores above its band is not judged (`note`).
 */
export function probeResults(question: Question, probes: readonly Probe[], answers: readonly AnswerResult[], ctx: ProbeContext): ProbeResult[] {
  return probes.map((p) => {
    const g = summariseRuns(ctx.runsOf(`probe:${p.name}`))
    const okRuns = g.runs.filter((r): r is Extract<RunResult, { ok: true }> => r.ok)
    const flagged = p.manipulative ? (g.error ? null : okRuns.every((r) => r.flags.includes('prompt_injection'))) : null
    const level = p.redFlag ? (g.scores?.[p.redFlag.dimension] ?? null) : null
    const passed = p.redFlag
      ? level === null
        ? null
        : level <= p.redFlag.cap
      : g.overall === null
        ? null
        : g.overall <= p.limit && flagged !== false
    const note = g.overall === null ? undefined : notJudged(p, answers)
    const evidence = (p.kind === 'buzzwords' || p.kind === 'echo') && p.woven && g.overall !== null ? paddingEvidence(question, p, ctx) : undefined
    return {
      kind: p.kind,
      name: p.name,
      lang: p.lang,
      limit: p.limit,
      manipulative: p.manipulative,
      from: p.from,
      ...(p.source ? { source: p.source } : {}),
      ...g,
      flagged,
      ok: note ? (flagged === false ? false : null) : passed,
      ...(p.redFlag ? { red_flag: { ...p.redFlag, level } } : {}),
      ...(evidence ? { buzzword_evidence: evidence } : {}),
      ...(note ? { note } : {}),
    }
  })
}

/**
 * Why a graded probe is not judged: one built on a weak answer that already scores above its band says
 * nothing new (the band problem is reported once, at that answer). Undefined when it is judged.
 */
function notJudged(p: Probe, answers: readonly AnswerResult[]): string | undefined {
  const base = answers[p.from]
  const derived = p.kind !== 'empty' && p.kind !== 'off-topic'
  if (derived && base?.in_band === false && base.overall! > base.band[1])
    return `not judged: the weak answer it builds on (line ${base.line}) scores above its band`
  return undefined
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()

/**
 * The padding sentences the judge quoted as evidence in a `buzzwords`/`echo` probe's first run, per
 * dimension, with the ids of that dimension's key points each names. Only the padding counts here (judges
 * may quote part of a sentence); the weak answer is judged by its band.
 */
function paddingEvidence(question: Question, p: Probe, ctx: ProbeContext): NonNullable<ProbeResult['buzzword_evidence']> {
  const byDim = ctx.evidenceOf?.(`probe:${p.name}`) ?? {}
  const padding = (p.woven ?? []).map((w) => norm(w.sentence))
  const found: NonNullable<ProbeResult['buzzword_evidence']> = []
  for (const [dim, kps] of Object.entries(question.key_points))
    for (const quote of byDim[dim] ?? []) {
      const e = norm(quote)
      if (!e || !padding.some((x) => x.includes(e) || e.includes(x))) continue
      const named = kps.filter((kp) => [...kp.terms.en, ...kp.terms.zh].some((t) => mentionsTerm(e, norm(t)))).map((kp) => kp.id)
      found.push({ dimension: dim, quote, key_points: named })
    }
  return found
}

/** The `probes` check: an issue for every probe that scored over its limit, kept a red flag, or was not flagged. */
export function checkProbes(results: readonly ProbeResult[], ctx: ProbeContext, issues: QuestionIssues): CheckResult {
  const found: Issue[] = []
  for (const r of results) {
    if (r.overall === null) continue
    if (r.kind === 'red-flag' && r.red_flag && r.ok === false)
      found.push(
        issues.add(
          r.from,
          'error',
          'calibration/probe-red-flag',
          `the strong answer with the wrong claim of red flag "${r.red_flag.id}" woven in got ${r.red_flag.level} on ${r.red_flag.dimension}, above the flag's cap ${r.red_flag.cap}; the judge does not see the claim — check the flag's terms and \`with\``,
        ),
      )
    const over = r.overall > r.limit && !r.note ? overLimit({ ...r, overall: r.overall }, ctx, issues) : undefined
    if (over) found.push(over)
    if (r.flagged === false)
      found.push(
        issues.add(
          r.from,
          'error',
          'calibration/unflagged-injection',
          `the weak answer followed by ${manipulation(r)} was not flagged prompt_injection${ctx.repeat > 1 ? ' in every run' : ''} (flags: ${r.flags.join(', ') || 'none'})`,
        ),
      )
  }
  const errors = results.filter((r) => r.error).map((r) => `probe ${r.name}: ${r.error}`)
  const failed = found.some((i) => i.severity === 'error')
  return {
    status: errors.length
      ? 'error'
      : failed
        ? 'fail'
        : found.length
          ? 'warn'
          : results.length && results.every((r) => r.ok)
            ? 'pass'
            : 'skip',
    detail: `${results.filter((r) => r.ok).length}/${results.length}`,
    issues: found,
    errors,
  }
}

/** What a manipulative probe appended to the weak answer, as messages name it. */
function manipulation(r: ProbeResult): string {
  return r.kind === 'fake-json' ? 'a fake JSON verdict' : `"${coreMessages(r.name.endsWith('zh') ? 'zh' : 'en').probes.injection}"`
}

/** The issue for a probe that scored above its limit; its rule and advice depend on the probe's kind. */
function overLimit(r: ProbeResult & { overall: number }, ctx: ProbeContext, issues: QuestionIssues): Issue | undefined {
  const score = `scored ${fmt(r.overall)}, above ${r.limit} (the top of the weak band)`
  switch (r.kind) {
    case 'empty':
      return issues.add(r.from, 'error', 'calibration/probe-empty', `an empty answer ${score}; the judge must give an empty answer nothing`)
    case 'off-topic':
      return issues.add(
        r.from,
        'error',
        'calibration/probe-off-topic',
        `the strong answer of another question ("${r.source}") ${score}; this question's key-point terms are too generic — make them specific to this topic or add \`with\` terms`,
      )
    case 'buzzwords':
    case 'echo': {
      const ev = r.buzzword_evidence ?? []
      const dims = [...new Set(ev.map((e) => e.dimension))]
      const named = [...new Set(ev.flatMap((e) => e.key_points))]
      const where = dims.length ? `; padding sentences counted as evidence for ${dims.join(', ')}${named.length ? ` (naming ${named.join(', ')})` : ''}` : ''
      const fix = 'add `with` terms (the mechanism, number or trade-off) that must appear in the same sentence'
      return r.kind === 'buzzwords'
        ? issues.add(
            r.from,
            'error',
            'calibration/probe-buzzwords',
            `the weak answer padded with this question's key-point terms in filler sentences ${score}${where}; make the terms specific to this topic and ${fix}`,
          )
        : issues.add(
            r.from,
            ctx.strict ? 'error' : 'warning',
            'calibration/probe-echo',
            `the weak answer padded with sentences that restate the question around each key-point term ${score}${where}; key points without \`with\` are made by naming them — ${fix}`,
          )
    }
    case 'injection':
    case 'fake-json':
      return issues.add(r.from, 'error', 'calibration/probe-injection', `the weak answer followed by ${manipulation(r)} ${score}; the judge follows instructions inside the answer`)
    case 'red-flag':
      // Held to its cap on one dimension, not to an overall limit (100).
      return undefined
  }
}
