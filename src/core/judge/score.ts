import type { Rubric } from '../rubric/schema.js'
import type { Verdict } from './types.js'

export type ScoreResult =
  | { ok: true; scores: Record<string, number>; overall: number; pass: boolean }
  | { ok: false; reason: string }

/**
 * Computes the overall score from a verdict's levels: `100 × Σ weight·level / scale.max`, rounded to one
 * decimal. Fails (never guesses) when a dimension is missing, duplicated, unknown, or out of the scale.
 */
export function scoreVerdict(verdict: Verdict, rubric: Rubric): ScoreResult {
  const scores: Record<string, number> = {}
  const known = dimensionIds(rubric)
  for (const d of verdict.dimensions) {
    if (!known.has(d.id)) return { ok: false, reason: `verdict names unknown dimension "${d.id}"` }
    if (d.id in scores) return { ok: false, reason: `verdict repeats dimension "${d.id}"` }
    if (!Number.isInteger(d.level) || d.level < rubric.scale.min || d.level > rubric.scale.max)
      return {
        ok: false,
        reason: `level ${d.level} for "${d.id}" is outside ${rubric.scale.min}–${rubric.scale.max}`,
      }
    scores[d.id] = d.level
  }
  let sum = 0
  let weights = 0
  for (const dim of rubric.dimensions) {
    const level = scores[dim.id]
    if (level === undefined) return { ok: false, reason: `verdict has no level for dimension "${dim.id}"` }
    sum += dim.weight * level
    weights += dim.weight
  }
  const overall = Math.round((1000 * sum) / (weights * rubric.scale.max)) / 10
  return { ok: true, scores, overall, pass: overall >= rubric.pass }
}

// Scored once per judge call against the same few rubric objects: their dimension ids are collected once.
const idSets = new WeakMap<Rubric['dimensions'], ReadonlySet<string>>()

function dimensionIds(rubric: Rubric): ReadonlySet<string> {
  let ids = idSets.get(rubric.dimensions)
  if (!ids) {
    ids = new Set(rubric.dimensions.map((d) => d.id))
    idSets.set(rubric.dimensions, ids)
  }
  return ids
}
