import MODEL_DATA from './model.json' with { type: 'json' }
import { coverageLevel } from './bank.js'
import type { AnswerFeatures, PointStrength } from './features.js'

/**
 * A regression tree over {@link TREE_FEATURES}: a leaf value, or [feature index, threshold, subtree for values
 * at or below it, subtree for values above].
 */
export type Tree = number | [number, number, Tree, Tree]

/** Boosted regression trees for one rung: `base` plus `learning_rate` times the sum of the trees' values. */
export interface BoostedTrees {
  base: number
  trees: Tree[]
}

/**
 * The offline judge's level model, fitted by `bench/fit-offline.mjs` on the tuning part of the blind-graded
 * answers (bench/data/blind/tune.jsonl) and shipped as plain data (model.json): boosted regression trees per
 * rung over the answer's features (`boosted`) where the fit chose them, else a linear model per rung.
 * `default` (linear) serves rubric dimensions the fit has not seen.
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
  /**
   * Gradient-boosted regression trees per rung (least squares, shallow trees), over {@link TREE_FEATURES}: they
   * read interactions a linear model cannot — a terse answer dense with key points, a long on-topic answer that
   * makes few points strictly. Chosen over the linear model by the same cross-validation.
   */
  boosted?: {
    features: readonly string[]
    learning_rate: number
    dimensions: Record<string, BoostedTrees>
    /**
     * A rung nothing in the answer works on (no key point of it even partly made, none of its cues) is level 0,
     * as the descriptors say, whatever the trees estimate from the rest of the answer.
     */
    untouched_zero?: boolean
    /** The highest estimate of an answer that makes no key point even in part (absent: no limit). */
    pointless_max?: number
    /*
     * Both are set by bench/fit-offline.mjs whatever cross-validation prefers: the tuning part holds no padded
     * answers to learn them from, and without them the bank's padding probes and weak bands fail.
     */
  }
}

export const LEVEL_MODEL: LevelModel = MODEL_DATA as unknown as LevelModel

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
  const { allPoints, madeAll } = wholeAnswer(f, ramp)
  return [
    made,
    points.length ? made / points.length : 0,
    d?.vocabulary ?? 0,
    Math.log1p(d?.cues ?? 0),
    allPoints ? madeAll / allPoints : 0,
    Math.log1p(f.relevant),
    Math.log1p(f.numbers),
    points.filter((p) => p.strict).length,
    f.topicality,
    Math.log1p(f.specific),
  ]
}

/**
 * What every rung's features read of the whole answer (all its key points, their strength summed in order, the
 * strongest, the rungs it touches), worked out for the first rung asked and reused for the others of the same
 * answer.
 */
function wholeAnswer(f: AnswerFeatures, ramp: LevelModel['ramp']): WholeAnswer {
  if (whole?.f === f && whole.ramp === ramp) return whole
  let allPoints = 0
  let madeAll = 0
  let strongest = -Infinity
  let rungs = 0
  for (const d of Object.values(f.dimensions)) {
    for (const p of d.points) {
      allPoints++
      const s = pointStrength(p, ramp)
      madeAll += s
      if (s > strongest) strongest = s
    }
    if (touches(d, { ramp })) rungs++
  }
  whole = { f, ramp, allPoints, madeAll, strongest, rungs }
  return whole
}
interface WholeAnswer {
  f: AnswerFeatures
  ramp: LevelModel['ramp']
  allPoints: number
  madeAll: number
  /** The greatest strength of any key point (-Infinity for none). */
  strongest: number
  rungs: number
}
let whole: WholeAnswer | undefined

/** A key point this far made (0–1) shows that an answer works on its rung. */
const TOUCH = 0.25

/** The boosted trees' features, in {@link treeVector} order: the linear model's, then four more. */
export const TREE_FEATURES = [...FEATURES, 'touched', 'rungs_touched', 'words', 'off_topic'] as const

/** The features the boosted trees read for one rung, in {@link TREE_FEATURES} order. */
export function treeVector(f: AnswerFeatures, dimension: string, ramp: LevelModel['ramp']): number[] {
  const model = { ramp } as LevelModel
  const { rungs } = wholeAnswer(f, ramp)
  const x = featureVector(f, dimension, ramp)
  x.push(touches(f.dimensions[dimension], model) ? 1 : 0, rungs, Math.log1p(f.words), offTopic(f, model) ? 1 : 0)
  return x
}

/**
 * A rung's trees laid out flat, node by node (each tree's root first, trees in order): per node its feature
 * index (-1 for a leaf), its threshold or leaf value, and its two subtrees. Walked without reading nested arrays.
 */
interface FlatTrees {
  roots: Int32Array
  feature: Int32Array
  value: Float64Array
  below: Int32Array
  above: Int32Array
}

const flatTrees = new WeakMap<BoostedTrees, FlatTrees>()

function flatten(trees: BoostedTrees): FlatTrees {
  let flat = flatTrees.get(trees)
  if (flat) return flat
  const feature: number[] = []
  const value: number[] = []
  const below: number[] = []
  const above: number[] = []
  const add = (node: Tree): number => {
    const i = feature.length
    if (typeof node === 'number') {
      feature.push(-1), value.push(node), below.push(-1), above.push(-1)
      return i
    }
    feature.push(node[0]), value.push(node[1]), below.push(-1), above.push(-1)
    below[i] = add(node[2])
    above[i] = add(node[3])
    return i
  }
  const roots = trees.trees.map(add)
  flat = {
    roots: Int32Array.from(roots),
    feature: Int32Array.from(feature),
    value: Float64Array.from(value),
    below: Int32Array.from(below),
    above: Int32Array.from(above),
  }
  flatTrees.set(trees, flat)
  return flat
}

/** The boosted trees' estimate of a rung's level (the trees' values added in order, as written). */
export function boostedEstimate(trees: BoostedTrees, learningRate: number, x: readonly number[]): number {
  const { roots, feature, value, below, above } = flatten(trees)
  let sum = 0
  for (let t = 0; t < roots.length; t++) {
    let i = roots[t]!
    for (let f = feature[i]!; f >= 0; f = feature[i]!) i = x[f]! <= value[i]! ? below[i]! : above[i]!
    sum += value[i]!
  }
  return trees.base + learningRate * sum
}

/** Whether an answer works on a rung: one of its cues, or one of its key points made at least {@link TOUCH}. */
function touches(d: AnswerFeatures['dimensions'][string] | undefined, model: Pick<LevelModel, 'ramp'>): boolean {
  return (d?.cues ?? 0) > 0 || (d?.points ?? []).some((p) => pointStrength(p, model.ramp) >= TOUCH)
}

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
export function offTopic(f: AnswerFeatures, model: Pick<LevelModel, 'ramp' | 'topical'> = LEVEL_MODEL): boolean {
  return !makesAPoint(f, model.ramp, 0.5) && f.topicality < model.topical && f.specific >= OFF_TOPIC_VOLUME
}

/** Whether the answer makes any key point of the question at least `at` of the way (0–1). */
function makesAPoint(f: AnswerFeatures, ramp: LevelModel['ramp'], at: number): boolean {
  return wholeAnswer(f, ramp).strongest >= at
}

/**
 * The level the model gives a rung, 0–4: 0 for an answer off the question's topic; else the fitted estimate,
 * rounded, 0 when nothing in the answer works on this rung (no key point of it, none of its cues: the
 * descriptors' level 0).
 */
export function predictLevel(f: AnswerFeatures, dimension: string, model: LevelModel = LEVEL_MODEL): number {
  const trees = model.boosted?.dimensions[dimension]
  if (trees) return boostedLevel(f, dimension, trees, model)
  const w = model.dimensions[dimension] ?? model.default
  const x = featureVector(f, dimension, model.ramp)
  let estimate = x.reduce((s, v, i) => s + v * (w.weights[i] ?? 0), w.bias)
  estimate = model.stretch.centre + (estimate - model.stretch.centre) * model.stretch.factor
  if (offTopic(f, model)) return 0
  // Much said, little of it about this question: the estimate shrinks with the share that is.
  if (f.specific >= OFF_TOPIC_VOLUME) estimate *= topicalShare(f.topicality, model.topical)
  const d = f.dimensions[dimension]
  if (!touches(d, model)) return 0
  // The offset moves an answer between the levels above 1 it shows; it never lifts a rung to level 1 or 2, which
  // padding a weak answer with names or the question restated must not reach (the calibration probes). Chosen
  // by cross-validation over: offset anywhere (probes fail), above level 1, on rungs with a point made in full.
  const rounded = Math.round(estimate)
  let level = Math.max(0, Math.min(4, rounded >= 2 ? Math.round(estimate + (model.rounding_offset ?? 0)) : rounded))
  // Key points made in full (their terms, mechanism and support in one sentence) are evidence the estimate
  // cannot talk down: a rung's level is at least what they show (see strictLevel).
  level = Math.max(level, strictLevel(d?.points ?? []))
  return ownershipCapped(f, dimension, level)
}

/**
 * The boosted trees' level for a rung: their estimate rounded (0 for an answer off the question's topic), never
 * below what key points made in full show (see {@link strictLevel}), capped for a story told only as "we".
 */
function boostedLevel(f: AnswerFeatures, dimension: string, trees: BoostedTrees, model: LevelModel): number {
  if (offTopic(f, model)) return 0
  if (model.boosted!.untouched_zero && !touches(f.dimensions[dimension], model)) return 0
  let estimate = boostedEstimate(trees, model.boosted!.learning_rate, treeVector(f, dimension, model.ramp))
  // Much said, almost none of it about this question (a topicality where strong answers to other questions sit):
  // nothing on the rung beyond what key points made in full show. The tuning part holds no answers to other
  // questions for the trees to learn this from.
  if (f.specific >= OFF_TOPIC_VOLUME && topicalShare(f.topicality, model.topical) === 0) estimate = 0
  // An answer that makes none of the question's key points even in part (a quarter of the way, as a rung is
  // touched) explains none of its mechanisms: it names things at best, however much it says — names woven into
  // filler raise its vocabulary and volume, not what it explains.
  if (model.boosted!.pointless_max !== undefined && !makesAPoint(f, model.ramp, TOUCH))
    estimate = Math.min(estimate, model.boosted!.pointless_max)
  const level = Math.max(0, Math.min(4, Math.round(estimate)), strictLevel(f.dimensions[dimension]?.points ?? []))
  return ownershipCapped(f, dimension, level)
}

/** A story told only as "we" does not show what the candidate decided or built. */
function ownershipCapped(f: AnswerFeatures, dimension: string, level: number): number {
  if (f.ownership !== null && f.ownership < OWNERSHIP_MIN && (dimension === 'scenario' || dimension === 'engineering'))
    return Math.min(level, OWNERSHIP_CAP)
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

