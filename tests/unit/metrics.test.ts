import { describe, expect, it } from 'vitest'
import {
  agreement,
  meanAbsoluteError,
  pearson,
  quadraticWeightedKappa,
  ranks,
  spearman,
  withinTolerance,
} from '../../src/core/metrics/agreement.js'

describe('pearson', () => {
  it('is 1 for a positive linear relation and -1 for a negative one', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12)
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12)
  })
  it('matches a hand-computed value', () => {
    // cov = 8, var x = var y = 10 → 0.8
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12)
  })
  it('is null when undefined (constant side, fewer than two pairs)', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull()
    expect(pearson([1], [1])).toBeNull()
  })
  it('rejects unpaired or non-finite input', () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError)
    expect(() => pearson([1, Number.NaN], [1, 2])).toThrow(RangeError)
  })
})

describe('spearman', () => {
  it('averages tied ranks', () => {
    expect(ranks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4])
    // ranks x = [1, 2.5, 2.5, 4], y = [1, 2, 3, 4]: cov 4.5 / sqrt(4.5 · 5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12)
  })
  it('is 1 for any monotonic relation', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12)
  })
})

describe('quadratic weighted kappa', () => {
  it('matches a hand-computed 2×2 case', () => {
    // O = [[1,1],[0,2]], E = [[0.5,1.5],[0.5,1.5]], w01 = w10 = 1 → 1 − 1/2
    expect(quadraticWeightedKappa([0, 0, 1, 1], [0, 1, 1, 1], { min: 0, max: 1 })).toBeCloseTo(0.5, 12)
  })
  it('is 1 for identical ratings and penalises far disagreements more than near ones', () => {
    const h = [0, 1, 2, 3, 4, 5]
    expect(quadraticWeightedKappa(h, h, { min: 0, max: 5 })).toBeCloseTo(1, 12)
    const near = quadraticWeightedKappa(h, [1, 1, 2, 3, 4, 4], { min: 0, max: 5 }) as number
    const far = quadraticWeightedKappa(h, [5, 1, 2, 3, 4, 0], { min: 0, max: 5 }) as number
    expect(near).toBeGreaterThan(0.9)
    expect(far).toBeLessThan(0)
  })
  it('rounds and clamps to the integer range', () => {
    expect(quadraticWeightedKappa([0.2, 0.9, 7], [0, 1, 5], { min: 0, max: 5 })).toBeCloseTo(1, 12)
  })
  it('is null when both graders are constant', () => {
    expect(quadraticWeightedKappa([2, 2], [2, 2], { min: 0, max: 5 })).toBeNull()
  })
})

describe('errors', () => {
  it('computes MAE and within-one accuracy', () => {
    expect(meanAbsoluteError([0, 2, 4], [1, 2, 1])).toBeCloseTo(4 / 3, 12)
    expect(withinTolerance([0, 2, 4], [1, 2, 1])).toBeCloseTo(2 / 3, 12)
    expect(meanAbsoluteError([], [])).toBeNull()
  })
  it('reports every figure together', () => {
    const r = agreement([0, 1, 2, 3, 4, 5], [0.4, 1.2, 1.9, 3.3, 3.6, 5], 5)
    expect(r.n).toBe(6)
    expect(r.pearson).toBeGreaterThan(0.98)
    expect(r.spearman).toBeCloseTo(1, 12)
    expect(r.qwk).toBeCloseTo(1, 12)
    expect(r.mae).toBeCloseTo((0.4 + 0.2 + 0.1 + 0.3 + 0.4 + 0) / 6, 12)
    expect(r.within_one).toBe(1)
  })
})
