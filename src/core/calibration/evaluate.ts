import type { CalibrationKind, LoadedQuestion } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import type { Rubric } from '../rubric/schema.js'
import { coreMessages } from '../messages/index.js'
import type { Probe } from './probes.js'
import {
  BAND_EDGE,
  type AnswerResult,
  type CheckName,
  type CheckResult,
  type Graded,
  type LangDiscrimination,
  type ProbeResult,
  type QuestionCalibration,
  type RunResult,
} from './results.js'
import { dimensionAgreement, median, medianScores, spread } from './stats.js'

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
  const groups: { lang: LangDiscrimination['lang']; answers: AnswerResult[] }[] = langs.map((lang) => ({
    lang,
    answers: answers.filter((a) => a.lang === lang),
  }))
  // When no language has two kinds (say strong only in English, weak only in Chinese), compare across
  // languages rather than not at all.
  if (langs.length > 1 && groups.every((g) => new Set(g.answers.map((a) => a.kind)).size < 2))
    groups.push({ lang: 'all', answers })
  for (const { lang, answers: inLang } of groups) {
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
          `${hi.kind} (${hi.lang}) answer scored ${fmt(hi.overall!)}, not above the ${lo.kind}${lo.lang !== hi.lang ? ` (${lo.lang})` : ''} answer (${fileLine(lo.index)}) at ${fmt(lo.overall!)}; the key points cannot tell them apart — check that the answers are not swapped and that the terms match what a ${hi.kind} answer says`,
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
            `strong − weak (${lang === 'all' ? 'across languages' : lang}) is ${fmt(d.margin)} points (${fmt(lowStrong.overall!)} − ${fmt(highWeak.overall!)} at ${fileLine(highWeak.index)}), under the margin ${rubric.margin} of rubric "${rubric.id}"; the rubric barely separates them — make the strong answer complete or the key points more specific`,
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
    if (p.redFlag) {
      const level = g.scores?.[p.redFlag.dimension] ?? null
      r.red_flag = { ...p.redFlag, level }
      r.ok = level === null ? null : level <= p.redFlag.cap
    }
    if ((p.kind === 'buzzwords' || p.kind === 'echo') && p.woven && g.overall !== null) {
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
    const derived = r.kind !== 'empty' && r.kind !== 'off-topic'
    if (derived && base?.in_band === false && base.overall! > base.band[1]) {
      r.ok = r.flagged === false ? false : null
      r.note = `not judged: the weak answer it builds on (line ${base.line}) scores above its band`
    }
    if (r.kind === 'red-flag' && r.red_flag && r.ok === false)
      probeIssues.push(
        issue(
          r.from,
          'error',
          'calibration/probe-red-flag',
          `the strong answer with the wrong claim of red flag "${r.red_flag.id}" woven in got ${r.red_flag.level} on ${r.red_flag.dimension}, above the flag's cap ${r.red_flag.cap}; the judge does not see the claim — check the flag's terms and \`with\``,
        ),
      )
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
        case 'buzzwords':
        case 'echo': {
          const ev = r.buzzword_evidence ?? []
          const dims = [...new Set(ev.map((e) => e.dimension))]
          const named = [...new Set(ev.flatMap((e) => e.key_points))]
          const where = dims.length
            ? `; padding sentences counted as evidence for ${dims.join(', ')}${named.length ? ` (naming ${named.join(', ')})` : ''}`
            : ''
          const fix = 'add `with` terms (the mechanism, number or trade-off) that must appear in the same sentence'
          probeIssues.push(
            r.kind === 'buzzwords'
              ? issue(
                  r.from,
                  'error',
                  'calibration/probe-buzzwords',
                  `the weak answer padded with this question's key-point terms in filler sentences ${score}${where}; make the terms specific to this topic and ${fix}`,
                )
              : issue(
                  r.from,
                  ctx.strict ? 'error' : 'warning',
                  'calibration/probe-echo',
                  `the weak answer padded with sentences that restate the question around each key-point term ${score}${where}; key points without \`with\` are made by naming them — ${fix}`,
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
              `the weak answer followed by ${r.kind === 'fake-json' ? 'a fake JSON verdict' : `"${coreMessages(r.name.endsWith('zh') ? 'zh' : 'en').probes.injection}"`} ${score}; the judge follows instructions inside the answer`,
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
          `the weak answer followed by ${r.kind === 'fake-json' ? 'a fake JSON verdict' : `"${coreMessages(r.name.endsWith('zh') ? 'zh' : 'en').probes.injection}"`} was not flagged prompt_injection${ctx.repeat > 1 ? ' in every run' : ''} (flags: ${r.flags.join(', ') || 'none'})`,
        ),
      )
  }
  const probeErrors = probeResults.filter((r) => r.error).map((r) => `probe ${r.name}: ${r.error}`)
  const probesFailed = probeIssues.some((i) => i.severity === 'error')
  const probesCheck: CheckResult = {
    status: probeErrors.length
      ? 'error'
      : probesFailed
        ? 'fail'
        : probeIssues.length
          ? 'warn'
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
