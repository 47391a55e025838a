/** Small statistics over repeated grades. Pure. */
import { median, round1 } from '../metrics/median.js'
import type { Graded, RunResult } from './results.js'

/** max − min of a non-empty list, rounded to one decimal (0 for a single value). */
export function spread(values: readonly number[]): number {
  if (values.length === 0) return 0
  return Math.round((Math.max(...values) - Math.min(...values)) * 10) / 10
}

/**
 * Agreement of per-dimension levels across repeated grades: for each dimension, the share of runs that
 * gave its most common level; averaged over dimensions. 1 means every run gave every dimension the same
 * level. Returns 1 for fewer than two runs.
 */
export function dimensionAgreement(runs: readonly Record<string, number>[]): number {
  if (runs.length < 2) return 1
  const dims = new Set(runs.flatMap((r) => Object.keys(r)))
  if (dims.size === 0) return 1
  let total = 0
  for (const d of dims) {
    const counts = new Map<number, number>()
    for (const r of runs) {
      const l = r[d]
      if (l !== undefined) counts.set(l, (counts.get(l) ?? 0) + 1)
    }
    total += Math.max(0, ...counts.values()) / runs.length
  }
  return Math.round((total / dims.size) * 1000) / 1000
}

/** Per-dimension median level across runs (rounded to one decimal). */
export function medianScores(runs: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  const dims = new Set(runs.flatMap((r) => Object.keys(r)))
  for (const d of dims) {
    const levels = runs.map((r) => r[d]).filter((l): l is number => l !== undefined)
    if (levels.length) out[d] = round1(median(levels))
  }
  return out
}

/**
 * One answer's runs reduced to what calibration compares: the median overall and per-dimension levels
 * when every run succeeded; null scores and the first failure's reason when any run failed (a judge
 * failure is never a score). Flags are those raised in every successful run.
 */
export function summariseRuns(runs: RunResult[]): Graded {
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
    overall: round1(median(ok.map((r) => r.overall))),
    scores: medianScores(ok.map((r) => r.scores)),
    spread: spread(ok.map((r) => r.overall)),
    dimension_agreement: dimensionAgreement(ok.map((r) => r.scores)),
    flags,
    error: null,
  }
}
