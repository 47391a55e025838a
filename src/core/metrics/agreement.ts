/**
 * Agreement between two graders (a judge and human labels): correlation, chance-corrected agreement and
 * error. Pure functions over paired arrays; no I/O.
 */

function assertPaired(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`paired arrays differ in length (${a.length} vs ${b.length})`)
  for (const v of [...a, ...b]) if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`)
}

function mean(x: readonly number[]): number {
  let s = 0
  for (const v of x) s += v
  return s / x.length
}

/**
 * Pearson's product-moment correlation. Returns null when it is undefined: fewer than 2 pairs, or either
 * side constant. Throws RangeError on arrays of different length or non-finite values.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  assertPaired(x, y)
  if (x.length < 2) return null
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx
    const dy = (y[i] as number) - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  if (sxx === 0 || syy === 0) return null
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

/** Ranks (1-based), ties getting the average of the ranks they span. */
export function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const out = new Array<number>(x.length)
  let k = 0
  while (k < order.length) {
    let j = k
    while (j + 1 < order.length && order[j + 1]?.v === order[k]?.v) j++
    const avg = (k + j) / 2 + 1
    for (let t = k; t <= j; t++) out[(order[t] as { i: number }).i] = avg
    k = j + 1
  }
  return out
}

/** Spearman's rank correlation (Pearson on average ranks, so ties are handled). Null when undefined. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  assertPaired(x, y)
  return pearson(ranks(x), ranks(y))
}

/**
 * Quadratic weighted kappa (Cohen's κ with weights (i−j)²) on integer categories `min..max`. Values are
 * rounded to the nearest integer and clamped into the range first. Returns null when undefined: no pairs,
 * a single category, or expected disagreement zero (both graders constant). 1 = perfect agreement, 0 =
 * chance.
 */
export function quadraticWeightedKappa(
  a: readonly number[],
  b: readonly number[],
  range: { min: number; max: number },
): number | null {
  assertPaired(a, b)
  const min = Math.round(range.min)
  const max = Math.round(range.max)
  const k = max - min + 1
  if (a.length === 0 || k < 2) return null
  const cat = (v: number): number => Math.max(min, Math.min(max, Math.round(v))) - min
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  const ha = new Array<number>(k).fill(0)
  const hb = new Array<number>(k).fill(0)
  for (let i = 0; i < a.length; i++) {
    const ca = cat(a[i] as number)
    const cb = cat(b[i] as number)
    ;(observed[ca] as number[])[cb] = ((observed[ca] as number[])[cb] as number) + 1
    ha[ca] = (ha[ca] as number) + 1
    hb[cb] = (hb[cb] as number) + 1
  }
  const n = a.length
  let num = 0
  let den = 0
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const w = ((i - j) * (i - j)) / ((k - 1) * (k - 1))
      num += w * ((observed[i] as number[])[j] as number)
      den += (w * (ha[i] as number) * (hb[j] as number)) / n
    }
  if (den === 0) return null
  return 1 - num / den
}

/** Mean absolute error. Null for no pairs. */
export function meanAbsoluteError(x: readonly number[], y: readonly number[]): number | null {
  assertPaired(x, y)
  if (x.length === 0) return null
  let s = 0
  for (let i = 0; i < x.length; i++) s += Math.abs((x[i] as number) - (y[i] as number))
  return s / x.length
}

/** Share of pairs whose values differ by at most `tolerance` (default 1). Null for no pairs. */
export function withinTolerance(x: readonly number[], y: readonly number[], tolerance = 1): number | null {
  assertPaired(x, y)
  if (x.length === 0) return null
  let ok = 0
  // A hair of slack so 2.0 vs 3.0000000001 (float noise from rescaling) still counts as within one.
  for (let i = 0; i < x.length; i++) if (Math.abs((x[i] as number) - (y[i] as number)) <= tolerance + 1e-9) ok++
  return ok / x.length
}

export interface AgreementReport {
  n: number
  /** The common scale both sides were put on: `0..scale`. */
  scale: number
  pearson: number | null
  spearman: number | null
  /** On integer-rounded scores `0..scale`. */
  qwk: number | null
  /** In points of the common scale. */
  mae: number | null
  /** Share of pairs within one point of the common scale. */
  within_one: number | null
}

/**
 * Every agreement figure for paired scores already on the common scale `0..scale` (e.g. human 0–5 labels
 * and a judge's 0–100 overall divided by 20). Throws RangeError on unpaired or non-finite input.
 */
export function agreement(human: readonly number[], judge: readonly number[], scale: number): AgreementReport {
  return {
    n: human.length,
    scale,
    pearson: pearson(human, judge),
    spearman: spearman(human, judge),
    qwk: quadraticWeightedKappa(human, judge, { min: 0, max: scale }),
    mae: meanAbsoluteError(human, judge),
    within_one: withinTolerance(human, judge, 1),
  }
}
