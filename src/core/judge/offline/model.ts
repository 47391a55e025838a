import MODEL_DATA from './model.json' with { type: 'json' }
import { coverageLevel } from './bank.js'
import type { AnswerFeatures, PointStrength } from './features.js'

/**
 * The offline judge's level model: a linear model per rung over the answer's features, fitted by
 * `bench/fit-offline.mjs` on the tuning part of the blind-graded answers (bench/data/blind/tune.jsonl) and
 * shipped as plain data (model.json). `default` serves rubric dimensions the fit has not seen.
 */
export interface LevelModel {
  /** Where the weights came from: data, size, date. */
  fitted_on: string
  /** Similarity ramp: a key point's similarity at or below `lo` counts 0, at or above `hi` counts 1. */
  ramp: { lo: number; hi: number }
  /**
   * Below this topicality (share of the answer's specific words that are the question's), a substantial
   * answer's estimates shrink in proportion, and one that makes no key point even half earns nothing. On the
   * tuning part, 95% of answers above junior level have 0.33 or more; strong answers to other questions
   * have a median of 0.14.
   */
  topical: number
  features: readonly string[]
  dimensions: Record<string, { bias: number; weights: readonly number[] }>
  /**
   * Least squares pulls estimates towards the mean level; they are stretched back around `stretch.centre`
   * by `stretch.factor` (chosen by cross-validation like the rest).
   */
  stretch: { centre: number; factor: number }
  /**
   * Added to the estimate before it is rounded to a level: a least-squares estimate sits between levels more
   * often than on them, and the rungs nothing touches are set to 0 after it, so rounding at .5 under-credits.
   * Chosen by cross-validation like the rest (absent: 0).
   */
  rounding_offset?: number
  default: { bias: number; weights: readonly number[] }
  /**
   * When an answer makes a known wrong claim (a red flag), every rung is capped here, besides the flag's own
   * cap on its dimension: graders sink a confidently wrong answer as a whole. Fitted on the tuning part as the
   * graders' mean level (rounded) of the answers in which a red flag is detected.
   */
  red_flag_caps?: { fitted_on: string; caps: Record<string, number> }
}

export const LEVEL_MODEL: LevelModel = MODEL_DATA as LevelModel

/** How far an answer makes a key point, 0–1: 1 for a strict match, else the ramp over its similarity. */
export function pointStrength(p: PointStrength, ramp: LevelModel['ramp']): number {
  if (p.strict) return 1
  if (p.similarity <= ramp.lo) return 0
  return Math.min(1, (p.similarity - ramp.lo) / (ramp.hi - ramp.lo))
}

/** The feature names, in the order of {@link featureVector}. */
export const FEATURES = ['made', 'coverage', 'vocabulary', 'cues', 'made_all', 'relevant', 'numbers', 'strict', 'topicality', 'specific'] as const

/** The features of one rung, in {@link FEATURES} order. */
export function featureVector(f: AnswerFeatures, dimension: string, ramp: LevelModel['ramp']): number[] {
  const d = f.dimensions[dimension]
  const points = d?.points ?? []
  const made = points.reduce((s, p) => s + pointStrength(p, ramp), 0)
  const allPoints = Object.values(f.dimensions).flatMap((x) => x.points)
  const madeAll = allPoints.reduce((s, p) => s + pointStrength(p, ramp), 0)
  return [
    made,
    points.length ? made / points.length : 0,
    d?.vocabulary ?? 0,
    Math.log1p(d?.cues ?? 0),
    allPoints.length ? madeAll / allPoints.length : 0,
    Math.log1p(f.relevant),
    Math.log1p(f.numbers),
    points.filter((p) => p.strict).length,
    f.topicality,
    Math.log1p(f.specific),
  ]
}

/** A key point this far made (0–1) shows that an answer works on its rung. */
const TOUCH = 0.25

/** 1 at or above `topical` + 0.05, 0 at or below `topical` − 0.15, linear between. */
function topicalShare(topicality: number, topical: number): number {
  return Math.max(0, Math.min(1, (topicality - (topical - 0.15)) / 0.2))
}

/** Specific words (weighted) above which an answer that makes no key point has said a lot about something else. */
const OFF_TOPIC_VOLUME = 3

/**
 * A substantial answer that makes no key point, not even half, and whose specific words are mostly not
 * the question's: an answer to another question. (A short answer that makes no point is just weak.)
 */
export function offTopic(f: AnswerFeatures, model: LevelModel = LEVEL_MODEL): boolean {
  const any = Object.values(f.dimensions).some((d) => d.points.some((p) => pointStrength(p, model.ramp) >= 0.5))
  return !any && f.topicality < model.topical && f.specific >= OFF_TOPIC_VOLUME
}

/**
 * The level the model gives a rung, 0–4: 0 for an answer off the question's topic; else the fitted estimate,
 * rounded, 0 when nothing in the answer works on this rung (no key point of it, none of its cues: the
 * descriptors' level 0).
 */
export function predictLevel(f: AnswerFeatures, dimension: string, model: LevelModel = LEVEL_MODEL): number {
  const w = model.dimensions[dimension] ?? model.default
  const x = featureVector(f, dimension, model.ramp)
  let estimate = x.reduce((s, v, i) => s + v * (w.weights[i] ?? 0), w.bias)
  estimate = model.stretch.centre + (estimate - model.stretch.centre) * model.stretch.factor
  if (offTopic(f, model)) return 0
  // Much said, little of it about this question: the estimate shrinks with the share that is.
  if (f.specific >= OFF_TOPIC_VOLUME) estimate *= topicalShare(f.topicality, model.topical)
  const d = f.dimensions[dimension]
  const touched = (d?.cues ?? 0) > 0 || (d?.points ?? []).some((p) => pointStrength(p, model.ramp) >= TOUCH)
  if (!touched) return 0
  // The offset moves an answer between the levels above 1 it shows; it never lifts a rung to level 1 or 2, which
  // padding a weak answer with names or the question restated must not reach (the calibration probes). Chosen
  // by cross-validation over: offset anywhere (probes fail), above level 1, on rungs with a point made in full.
  const rounded = Math.round(estimate)
  let level = Math.max(0, Math.min(4, rounded >= 2 ? Math.round(estimate + (model.rounding_offset ?? 0)) : rounded))
  // Key points made in full (their terms, mechanism and support in one sentence) are evidence the estimate
  // cannot talk down: a rung's level is at least what they show (see strictLevel).
  level = Math.max(level, strictLevel(d?.points ?? []))
  // A story told only as "we" does not show what the candidate decided or built.
  if (f.ownership !== null && f.ownership < OWNERSHIP_MIN && (dimension === 'scenario' || dimension === 'engineering'))
    level = Math.min(level, OWNERSHIP_CAP)
  return level
}

/**
 * The level shown by key points made in full alone: the first offline judge's coverage ladder (share of
 * the rung's points made: < 0.34 → 1, < 0.6 → 2, < 0.85 → 3, else 4), kept as a floor.
 */
export function strictLevel(points: readonly PointStrength[]): number {
  return coverageLevel(points.filter((p) => p.strict).length, points.length)
}

/** Below this share of "I" among first-person pronouns, a story's decision and build rungs are capped. */
export const OWNERSHIP_MIN = 0.2
export const OWNERSHIP_CAP = 2

