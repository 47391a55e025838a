import type { Question } from '../bank/schema.js'
import { pick, type Lang } from '../i18n.js'
import { coreMessages } from '../messages/index.js'
import type { Rubric } from '../rubric/schema.js'
import { coversKeyPoint } from '../session/hint.js'
import { pendingDrafts } from '../session/drafts.js'
import type { SessionEvent, SessionEventOf } from '../session/events.js'

export interface DimensionScore {
  id: string
  title: string
  level: number
  max: number
  /** The rubric's descriptor of the level reached, in the report language. */
  descriptor: string
  evidence: string[]
  rationale: string
}

export interface StepReport {
  key: string
  kind: 'main' | 'follow_up'
  question_id: string
  category: string
  difficulty: string
  prompt: string
  /** The dimension a follow-up probes (its title). */
  dimension: string | null
  answer: string | null
  skipped: boolean
  time_used_s: number | null
  budget_s: number
  overtime_s: number
  via: 'inline' | 'editor' | null
  hints: { dimension: string; text: string }[]
  grade: {
    overall: number
    pass: boolean
    flags: string[]
    feedback: string
    missing: string[]
    judge: { kind: string; model?: string; provider?: string }
    dimensions: DimensionScore[]
  } | null
  /** Why grading failed (never a score). Null when graded or not answered. */
  failure: string | null
  /** Key points of the question not covered by the answer (and its follow-ups), by dimension. */
  missing_key_points: { dimension: string; title: string; text: string }[]
  /** The reference outline (main questions only). */
  reference: string | null
}

export interface SessionReport {
  id: string
  lang: Lang
  started_at: string
  ended_at: string | null
  status: 'completed' | 'quit' | 'unfinished'
  judge: { kind: string; model?: string; provider?: string }
  /** Planned main questions. */
  planned: number
  steps: StepReport[]
  /** Mean overall (0–100) of the graded main questions; null when none is graded. */
  overall: number | null
  pass_mark: number | null
  /** Mean level per dimension over graded main questions (follow-ups lift the dimension they probe). */
  dimensions: { id: string; title: string; mean: number; max: number; percent: number }[]
  strongest: string | null
  weakest: string | null
  next_steps: string[]
  /** Steps answered but not graded (judge failure or grading never finished). */
  ungraded: number
  hints_used: number
  total_time_s: number
  overtime_s: number
}

export interface ReportSources {
  question(id: string): Question | undefined
  rubric(id: string): Rubric | undefined
}

/**
 * Builds the report of one session from its lines. Pure: the question and rubric texts come from
 * `sources` (a question missing from the bank is reported with what the session file holds).
 */
export function buildSessionReport(id: string, events: readonly SessionEvent[], sources: ReportSources, lang: Lang): SessionReport {
  const start = events.find((e): e is SessionEventOf<'session_start'> => e.type === 'session_start')
  const end = [...events].reverse().find((e): e is SessionEventOf<'session_end'> => e.type === 'session_end')
  const shown = new Map<string, SessionEventOf<'question_shown'>>()
  const answers = new Map<string, SessionEventOf<'answer'>>()
  const skipped = new Set<string>()
  const grades = new Map<string, SessionEventOf<'grade'> | SessionEventOf<'judge_failure'>>()
  const hints = new Map<string, SessionEventOf<'hint'>[]>()
  for (const e of events) {
    if (e.type === 'question_shown') {
      // A step shown again after a resume keeps its first appearance in the order.
      if (!shown.has(e.key)) shown.set(e.key, e)
    } else if (e.type === 'answer') answers.set(e.key, e)
    else if (e.type === 'skip') skipped.add(e.key)
    else if (e.type === 'grade') grades.set(e.key, e)
    else if (e.type === 'judge_failure') {
      if (grades.get(e.key)?.type !== 'grade') grades.set(e.key, e)
    } else if (e.type === 'hint') hints.set(e.key, [...(hints.get(e.key) ?? []), e])
  }

  const steps: StepReport[] = []
  let rubricForSession: Rubric | undefined
  for (const s of shown.values()) {
    const q = sources.question(s.question_id)
    const rubric = q ? sources.rubric(q.rubric) : undefined
    rubricForSession ??= rubric
    const a = answers.get(s.key)
    const g = grades.get(s.key)
    const title = (dim: string) => (rubric ? pick(rubric.dimensions.find((d) => d.id === dim)?.title ?? { en: dim, zh: dim }, lang) : dim)
    let missingKps: StepReport['missing_key_points'] = []
    if (q && rubric && s.kind === 'main' && a) {
      const followUps = [...answers.values()].filter((x) => x.key.startsWith(`${s.key}.`)).map((x) => x.text).join('\n')
      const judgeMissing = g?.type === 'grade' ? new Set(g.verdict.missing) : new Set<string>()
      // Missing: named nowhere, or judged missing in the answer and not made up for in a follow-up.
      for (const d of rubric.dimensions)
        for (const kp of q.key_points[d.id] ?? []) {
          const inFollowUps = coversKeyPoint(followUps, kp)
          const named = inFollowUps || coversKeyPoint(a.text, kp)
          if (!named || ((judgeMissing.has(kp.en) || judgeMissing.has(kp.zh)) && !inFollowUps))
            missingKps.push({ dimension: d.id, title: title(d.id), text: kp[lang] })
        }
    }
    steps.push({
      key: s.key,
      kind: s.kind,
      question_id: s.question_id,
      category: q?.category ?? s.question_id.split('/')[0] ?? '',
      difficulty: q?.difficulty ?? '',
      prompt: s.kind === 'main' && q ? pick(q.prompt, lang) : s.prompt,
      dimension: s.dimension ? title(s.dimension) : null,
      answer: a?.text ?? null,
      skipped: skipped.has(s.key),
      time_used_s: a?.time_used_s ?? null,
      budget_s: s.budget_s,
      overtime_s: a?.overtime_s ?? 0,
      via: a?.via ?? null,
      hints: (hints.get(s.key) ?? []).map((h) => ({ dimension: title(h.dimension), text: h.text })),
      grade:
        g?.type === 'grade'
          ? {
              overall: g.overall,
              pass: g.pass,
              flags: g.verdict.flags,
              feedback: g.verdict.feedback,
              missing: g.verdict.missing,
              judge: { kind: g.judge.kind, model: g.judge.model, provider: g.judge.provider },
              dimensions: (rubric?.dimensions ?? g.verdict.dimensions.map((d) => ({ id: d.id }))).map((d) => {
                const v = g.verdict.dimensions.find((x) => x.id === d.id)
                const level = g.scores[d.id] ?? v?.level ?? 0
                const rd = rubric?.dimensions.find((x) => x.id === d.id)
                const lv = rd?.levels.find((l) => l.level === level)
                return {
                  id: d.id,
                  title: title(d.id),
                  level,
                  max: rubric?.scale.max ?? 4,
                  descriptor: lv ? lv[lang] : '',
                  evidence: v?.evidence ?? [],
                  rationale: v?.rationale ?? '',
                }
              }),
            }
          : null,
      failure: g?.type === 'judge_failure' ? g.reason : a && !g ? 'not graded yet' : null,
      missing_key_points: missingKps,
      reference: s.kind === 'main' && q ? pick(q.reference, lang) : null,
    })
  }

  // Across the session: main questions carry the score; a follow-up lifts the dimension it probes.
  const mains = steps.filter((s) => s.kind === 'main' && s.grade)
  const overall = mains.length ? round1(mains.reduce((n, s) => n + s.grade!.overall, 0) / mains.length) : null
  // A question no longer in the banks still counts, by the dimension ids its grade holds.
  const dims =
    rubricForSession?.dimensions ??
    [...new Set(mains.flatMap((m) => m.grade!.dimensions.map((d) => d.id)))].map((id) => ({ id, title: { en: id, zh: id } }))
  const max = rubricForSession?.scale.max ?? 4
  const dimensions = dims.map((d) => {
    const levels = mains.map((m) => {
      let level = m.grade!.dimensions.find((x) => x.id === d.id)?.level ?? 0
      for (const f of steps)
        if (f.kind === 'follow_up' && f.key.startsWith(`${m.key}.`) && f.grade && shown.get(f.key)?.dimension === d.id)
          level = Math.max(level, f.grade.dimensions.find((x) => x.id === d.id)?.level ?? 0)
      return level
    })
    const mean = levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : 0
    return { id: d.id, title: pick(d.title, lang), mean: round1(mean), max, percent: Math.round((100 * mean) / max) }
  })
  // Ties go to the dimension listed first in the rubric (sort is stable).
  const ranked = mains.length ? [...dimensions].sort((a, b) => a.mean - b.mean) : []
  const weakest = ranked[0]?.id ?? null
  const best = [...dimensions].sort((a, b) => b.mean - a.mean)[0]
  const strongest = mains.length && best && best.id !== weakest ? best.id : null

  // Next steps: the key points missed most often, weakest dimension first.
  const nextSteps: string[] = []
  for (const d of ranked) {
    const counts = new Map<string, { n: number; title: string }>()
    for (const s of steps)
      for (const m of s.missing_key_points)
        if (m.dimension === d.id) counts.set(m.text, { n: (counts.get(m.text)?.n ?? 0) + 1, title: m.title })
    for (const [text, { title }] of [...counts].sort((a, b) => b[1].n - a[1].n)) {
      if (nextSteps.length >= 3) break
      nextSteps.push(`${title}: ${text}`)
    }
    if (nextSteps.length >= 3) break
  }
  const status = end ? (end.reason === 'quit' ? 'quit' : 'completed') : 'unfinished'
  // A draft left on /quit is resumed like one left on Ctrl+C, so the report points at --resume for both.
  if (nextSteps.length < 3 && (status === 'unfinished' || pendingDrafts(events).size > 0)) nextSteps.push(coreMessages(lang).report.keepGoing)
  const cats = [...new Set(steps.map((s) => s.category))]
  for (const c of cats) if (nextSteps.length < 3) nextSteps.push(coreMessages(lang).report.practice(c))

  const answered = steps.filter((s) => s.answer !== null)
  return {
    id,
    lang,
    started_at: start?.at ?? events[0]?.at ?? '',
    ended_at: end?.at ?? null,
    status,
    judge: { kind: start?.judge.kind ?? 'offline', model: start?.judge.model, provider: start?.judge.provider },
    planned: start?.questions.length ?? 0,
    steps,
    overall,
    pass_mark: rubricForSession?.pass ?? null,
    dimensions,
    strongest,
    weakest,
    next_steps: nextSteps.slice(0, 3),
    ungraded: answered.filter((s) => !s.grade).length,
    hints_used: steps.reduce((n, s) => n + s.hints.length, 0),
    total_time_s: round1(answered.reduce((n, s) => n + (s.time_used_s ?? 0), 0)),
    overtime_s: round1(answered.reduce((n, s) => n + s.overtime_s, 0)),
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
