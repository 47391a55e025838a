/**
 * The offline judge's boosted level model (model.json `boosted`, fitted by bench/fit-offline.mjs): trees are
 * walked as written, a rung nothing in the answer works on is level 0, an answer that makes no key point names
 * things at most, and an answer mostly about something else earns nothing beyond key points made in full.
 */
import { describe, expect, it } from 'vitest'
import type { AnswerFeatures, PointStrength } from '../../src/core/judge/offline/features.js'
import { boostedEstimate, LEVEL_MODEL, offTopic, pointStrength, predictLevel, TREE_FEATURES, treeVector, type LevelModel, type Tree } from '../../src/core/judge/offline/model.js'

const point = (similarity: number, strict = false): PointStrength => ({
  point: { id: 'p', en: 'p', zh: 'p', terms: { en: ['p'], zh: ['p'] } },
  dimension: 'principle',
  strict,
  similarity,
  evidence: null,
})

function answer(principle: PointStrength[], engineering: PointStrength[], extra: Partial<AnswerFeatures> = {}): AnswerFeatures {
  return {
    dimensions: {
      principle: { points: principle, vocabulary: 0.3, cues: 0 },
      engineering: { points: engineering, vocabulary: 0.3, cues: 0 },
    },
    relevant: 10,
    numbers: 2,
    topicality: 0.8,
    specific: 20,
    ownership: null,
    words: 200,
    ...extra,
  }
}

/** A model whose one tree gives 2.4 when the rung's `made` (feature 0) is above 0.5, else 3.6: every rung estimates high. */
const model: LevelModel = {
  ...LEVEL_MODEL,
  boosted: {
    features: TREE_FEATURES,
    learning_rate: 1,
    untouched_zero: true,
    pointless_max: 1,
    dimensions: { principle: { base: 0, trees: [[0, 0.5, 3.6, 2.4]] }, engineering: { base: 0, trees: [[0, 0.5, 3.6, 2.4]] } },
  },
}

describe('boosted level model', () => {
  it('walks each tree by its feature and threshold and adds the trees at the learning rate', () => {
    const x = treeVector(answer([point(1)], []), 'principle', LEVEL_MODEL.ramp)
    expect(x).toHaveLength(TREE_FEATURES.length)
    expect(boostedEstimate({ base: 1, trees: [[0, 0.5, -1, 2], 0.5] }, 0.5, x)).toBeCloseTo(1 + 0.5 * (2 + 0.5))
    expect(boostedEstimate({ base: 1, trees: [[0, 5, -1, 2]] }, 0.5, x)).toBeCloseTo(0.5)
  })

  it('gives the trees\' rounded estimate on a rung the answer works on, and 0 on a rung nothing touches', () => {
    const f = answer([point(1)], [])
    expect(predictLevel(f, 'principle', model)).toBe(2)
    expect(predictLevel(f, 'engineering', model)).toBe(0)
  })

  it('holds an answer that makes no key point even in part at level 1, however high the trees estimate', () => {
    const f = answer([point(0.12)], [], { dimensions: { principle: { points: [point(0.12)], vocabulary: 0.9, cues: 3 } } })
    expect(predictLevel(f, 'principle', model)).toBe(1)
    const without = { ...model, boosted: { ...model.boosted!, pointless_max: undefined } }
    expect(predictLevel(f, 'principle', without)).toBe(4)
  })

  it('gives an answer mostly about something else no more than its key points made in full show', () => {
    const f = answer([point(1, true), point(0), point(0), point(0)], [point(1)], { topicality: 0.05 })
    expect(predictLevel(f, 'principle', model)).toBe(1)
    expect(predictLevel(f, 'engineering', model)).toBe(0)
  })

  it('ships a fitted boosted model for the four rungs of the shared ladder', () => {
    expect(Object.keys(LEVEL_MODEL.boosted?.dimensions ?? {}).sort()).toEqual(['engineering', 'observability', 'principle', 'scenario'])
    expect(LEVEL_MODEL.boosted?.features).toEqual(TREE_FEATURES)
    expect(LEVEL_MODEL.boosted?.untouched_zero).toBe(true)
    expect(LEVEL_MODEL.boosted?.pointless_max).toBe(1)
  })

  it('reads what the whole answer shows (its strongest point, the rungs it touches) as a plain reading of its points does, answer after answer', () => {
    // Answers read in turn and again out of turn: what is worked out for one answer must never serve another.
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const answers = Array.from({ length: 300 }, () => {
      const points = (n: number) => Array.from({ length: n }, () => point(random() < 0.3 ? 0 : random() * 0.6, random() < 0.1))
      return answer(points(Math.floor(random() * 4)), points(Math.floor(random() * 3)), { topicality: random() * 0.6, specific: random() * 6 })
    })
    const ramp = LEVEL_MODEL.ramp
    let off = 0
    let on = 0
    for (const f of [...answers, ...answers.slice().reverse()]) {
      const all = Object.values(f.dimensions).flatMap((d) => d.points)
      const plainOff = !all.some((p) => pointStrength(p, ramp) >= 0.5) && f.topicality < LEVEL_MODEL.topical && f.specific >= 3
      expect(offTopic(f)).toBe(plainOff)
      if (plainOff) off++
      else on++
      const rungs = Object.values(f.dimensions).filter((d) => d.cues > 0 || d.points.some((p) => pointStrength(p, ramp) >= 0.25)).length
      const x = treeVector(f, 'principle', ramp)
      expect(x[TREE_FEATURES.indexOf('rungs_touched')]).toBe(rungs)
    }
    expect(off).toBeGreaterThan(20)
    expect(on).toBeGreaterThan(50)
  })

  it('estimates every shipped rung as the trees read as written do, to the last bit', () => {
    // The trees as written, walked node by node and added in order.
    const walk = (tree: Tree, x: readonly number[]): number => (typeof tree === 'number' ? tree : walk(x[tree[0]]! <= tree[1] ? tree[2] : tree[3], x))
    const thresholds = new Map<number, number[]>()
    const collect = (tree: Tree) => {
      if (typeof tree === 'number') return
      ;(thresholds.get(tree[0]) ?? thresholds.set(tree[0], []).get(tree[0])!).push(tree[1])
      collect(tree[2])
      collect(tree[3])
    }
    const rungs = Object.values(LEVEL_MODEL.boosted!.dimensions)
    for (const trees of rungs) trees.trees.forEach(collect)
    let seed = 11
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    // Feature values on thresholds (the <= side), just past them, and anywhere.
    const valueOf = (f: number) => {
      const list = thresholds.get(f) ?? [0]
      const t = list[Math.floor(random() * list.length)]!
      const r = random()
      return r < 0.3 ? t : r < 0.6 ? t + 1e-9 : r < 0.65 ? Number.NaN : random() * 2 * (Math.abs(t) + 1)
    }
    const rate = LEVEL_MODEL.boosted!.learning_rate
    const estimates = new Set<number>()
    for (let n = 0; n < 500; n++) {
      const x = TREE_FEATURES.map((_, f) => valueOf(f))
      for (const trees of rungs) {
        let sum = 0
        for (const t of trees.trees) sum += walk(t, x)
        const plain = trees.base + rate * sum
        expect(boostedEstimate(trees, rate, x)).toBe(plain)
        estimates.add(plain)
      }
    }
    expect(estimates.size).toBeGreaterThan(1000)
  })
})
