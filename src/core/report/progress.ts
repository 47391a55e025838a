import type { SessionReport } from './session-report.js'

export interface HistoryRow {
  id: string
  date: string
  questions: number
  answered: number
  overall: number | null
  judge: string
  status: SessionReport['status']
}

/** One row per session for `mockint history`. */
export function historyRow(r: SessionReport): HistoryRow {
  return {
    id: r.id,
    date: r.started_at,
    questions: r.planned,
    answered: r.steps.filter((s) => s.kind === 'main' && s.answer !== null).length,
    overall: r.overall,
    judge: r.judge.model ? `${r.judge.kind}:${r.judge.model}` : r.judge.kind,
    status: r.status,
  }
}

export interface Stats {
  sessions: { id: string; date: string; overall: number | null; dimensions: Record<string, number> }[]
  dimensions: { id: string; title: string; first: number | null; last: number | null; mean: number | null }[]
  categories: { category: string; answers: number; mean: number | null }[]
}

/** Progress over time: per-session means, per-dimension trend (first → last), and per-category means. */
export function buildStats(reports: readonly SessionReport[]): Stats {
  const graded = reports.filter((r) => r.overall !== null)
  const sessions = graded.map((r) => ({
    id: r.id,
    date: r.started_at,
    overall: r.overall,
    dimensions: Object.fromEntries(r.dimensions.map((d) => [d.id, d.mean])),
  }))
  const dimIds = new Map<string, string>()
  for (const r of graded) for (const d of r.dimensions) if (!dimIds.has(d.id)) dimIds.set(d.id, d.title)
  const dimensions = [...dimIds].map(([id, title]) => {
    const values = sessions.map((s) => s.dimensions[id]).filter((v): v is number => v !== undefined)
    return {
      id,
      title,
      first: values[0] ?? null,
      last: values[values.length - 1] ?? null,
      mean: values.length ? Math.round((10 * values.reduce((a, b) => a + b, 0)) / values.length) / 10 : null,
    }
  })
  const byCat = new Map<string, number[]>()
  for (const r of reports)
    for (const s of r.steps) if (s.kind === 'main' && s.grade) byCat.set(s.category, [...(byCat.get(s.category) ?? []), s.grade.overall])
  const categories = [...byCat]
    .map(([category, xs]) => ({ category, answers: xs.length, mean: Math.round((10 * xs.reduce((a, b) => a + b, 0)) / xs.length) / 10 }))
    .sort((a, b) => a.category.localeCompare(b.category))
  return { sessions, dimensions, categories }
}
