// Fits the offline judge's level model (src/core/judge/offline/model.json) on the tuning part of the
// blind-graded answers, and never reads the test part:
//   npm run build && node bench/fit-offline.mjs [--write] [--tune bench/data/blind/tune.jsonl]
// For every similarity ramp on a small grid and every ridge strength, a linear model per rung is fitted
// (least squares with an L2 penalty, features standardised) and scored by leave-one-question-out
// cross-validation on the tuning part: the choice is made on answers to questions the fold did not see.
// With --write, the chosen model, refitted on the whole tuning part, is written to model.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { loadBank, shippedBankPaths } from '../dist/core/bank/load.js'
import { detectInjection } from '../dist/core/judge/injection.js'
import { analyseAnswer } from '../dist/core/judge/offline/analyse.js'
import { measureAnswer } from '../dist/core/judge/offline/features.js'
import { featureVector, FEATURES, predictLevel, TREE_FEATURES, treeVector } from '../dist/core/judge/offline/model.js'
import { findRedFlags } from '../dist/core/judge/offline/red-flags.js'

const argv = process.argv.slice(2)
const at = argv.indexOf('--tune')
const tuneFile = at >= 0 ? argv[at + 1] : 'bench/data/blind/tune.jsonl'
if (/test/.test(tuneFile)) throw new Error('the model is never fitted on the test part')
const DIMS = ['principle', 'scenario', 'engineering', 'observability']
const { bank } = await loadBank(shippedBankPaths(), process.cwd())
// Word frequencies over the shipped bank (every question's prompt, reference and key points): how specific a
// word is to one topic. Written first, since the features read it.
{
  const { textUnits } = await import('../dist/core/judge/offline/analyse.js')
  const qs = [...bank.byId.values()].map((x) => x.question)
  const df = new Map()
  for (const q of qs) {
    const parts = [q.prompt.en, q.prompt.zh, q.reference.en, q.reference.zh, ...Object.values(q.key_points).flat().flatMap((p) => [p.en, p.zh, ...p.terms.en, ...p.terms.zh])]
    for (const u of new Set(textUnits(parts.join('\n')))) df.set(u, (df.get(u) ?? 0) + 1)
  }
  // Every CJK bigram the bank uses (a bigram it never uses is more likely a cross-word fragment than a word),
  // and latin words used by 3 or more questions (an unlisted latin word is a rare, specific one).
  const keep = ([u, n]) => n >= 3 || /[\u3400-\u9fff]/.test(u)
  // Units sorted in UTF-16 order (the judge binary-searches them), one per line; counts in the same order.
  const sorted = [...df].filter(keep).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const table = { questions: qs.length, units: sorted.map(([u]) => u).join('\n'), df: sorted.map(([, n]) => n) }
  const text = JSON.stringify(table) + '\n'
  if (readFileSync('src/core/judge/offline/bank-frequency.json', 'utf8') !== text) {
    writeFileSync('src/core/judge/offline/bank-frequency.json', text)
    console.log('bank-frequency.json was out of date and has been rewritten: run `npm run build` and fit again')
    process.exit(1)
  }
}
const rows = readFileSync(tuneFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
const measured = rows.map((r) => {
  const q = bank.byId.get(r.question_id).question
  const inj = detectInjection(r.answer)
  const sentences = analyseAnswer(r.answer, inj.spans)
  const common = bank.rubrics.get(q.rubric)?.rubric.red_flags ?? []
  return { r, f: measureAnswer(q, sentences), flagged: findRedFlags(q, sentences, common).length > 0 }
})

// A detected wrong claim caps every rung at what the graders gave, on average, the tuning answers in which
// one is detected (rounded): a confidently wrong mechanism sinks the whole answer for a grader, not one rung.
const flaggedRows = measured.filter((m) => m.flagged)
const redFlagCaps = Object.fromEntries(
  DIMS.map((d) => [d, Math.round(flaggedRows.reduce((s, m) => s + m.r.levels[d], 0) / Math.max(1, flaggedRows.length))]),
)
const redFlagText = `${flaggedRows.length} tuning answers with a detected red flag; graders' mean levels ${DIMS.map((d) => (flaggedRows.reduce((s, m) => s + m.r.levels[d], 0) / Math.max(1, flaggedRows.length)).toFixed(2)).join('/')}`
console.log(`red-flag caps: ${JSON.stringify(redFlagCaps)} (${redFlagText})`)

function rows_mean_level() {
  return rows.reduce((s, r) => s + DIMS.reduce((t, d) => t + r.levels[d], 0) / DIMS.length, 0) / rows.length
}


/**
 * Ridge regression on standardised features with every weight ≥ 0 (coordinate descent), so that more
 * evidence never lowers a level: making one more key point, or saying more about the question, cannot cost
 * an answer. Returns bias and weights on the raw scale.
 */
function ridge(X, y, lambda) {
  const d = X[0].length
  const mean = Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[j], 0) / X.length)
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(X.reduce((s, x) => s + (x[j] - mean[j]) ** 2, 0) / X.length) || 1)
  const Z = X.map((x) => x.map((v, j) => (v - mean[j]) / sd[j]))
  const ym = y.reduce((a, b) => a + b, 0) / y.length
  const r = y.map((v) => v - ym)
  const w = new Array(d).fill(0)
  const norm = Array.from({ length: d }, (_, j) => Z.reduce((s, z) => s + z[j] * z[j], 0) + lambda)
  for (let sweep = 0; sweep < 500; sweep++) {
    let change = 0
    for (let j = 0; j < d; j++) {
      let rho = 0
      for (let k = 0; k < Z.length; k++) rho += Z[k][j] * (r[k] + Z[k][j] * w[j])
      const next = Math.max(0, rho / norm[j])
      const delta = next - w[j]
      if (delta !== 0) {
        for (let k = 0; k < Z.length; k++) r[k] -= Z[k][j] * delta
        w[j] = next
        change = Math.max(change, Math.abs(delta))
      }
    }
    if (change < 1e-7) break
  }
  const weights = w.map((v, j) => v / sd[j])
  const bias = ym - weights.reduce((s, v, j) => s + v * mean[j], 0)
  return { bias, weights }
}


/**
 * A least-squares regression tree on the residuals `g` of the rows marked in `inNode`: each split the one that
 * most reduces the squared error, at most `depth` deep, every leaf holding at least `minLeaf` rows. Ties in a
 * feature are never split. `order[j]` lists all rows by feature j (sorted once per fit). Returns a Tree
 * (model.ts): a leaf value or [feature, threshold, at-or-below, above].
 */
function fitTree(X, g, order, inNode, count, depth, minLeaf) {
  let total = 0
  for (let i = 0; i < g.length; i++) if (inNode[i]) total += g[i]
  const leaf = +(total / count).toFixed(5)
  if (depth === 0 || count < 2 * minLeaf) return leaf
  let best = null
  for (let j = 0; j < order.length; j++) {
    let left = 0
    let nl = 0
    let prev = -1
    for (const i of order[j]) {
      if (!inNode[i]) continue
      if (prev >= 0 && nl >= minLeaf && count - nl >= minLeaf && X[prev][j] !== X[i][j]) {
        const gain = (left * left) / nl + ((total - left) ** 2) / (count - nl)
        if (!best || gain > best.gain) best = { gain, j, t: +((X[prev][j] + X[i][j]) / 2).toFixed(5) }
      }
      left += g[i]
      nl++
      prev = i
    }
  }
  if (!best) return leaf
  const below = inNode.map((m, i) => m && X[i][best.j] <= best.t)
  const above = inNode.map((m, i) => m && X[i][best.j] > best.t)
  const nb = below.filter(Boolean).length
  return [best.j, best.t, fitTree(X, g, order, below, nb, depth - 1, minLeaf), fitTree(X, g, order, above, count - nb, depth - 1, minLeaf)]
}

const evalTree = (t, x) => (typeof t === 'number' ? t : x[t[0]] <= t[1] ? evalTree(t[2], x) : evalTree(t[3], x))

/** Gradient boosting on squared error: `rounds` trees, each fitted to what the ones before leave unexplained. */
function boost(X, y, { rounds, rate, depth, minLeaf }) {
  const base = +(y.reduce((a, b) => a + b, 0) / y.length).toFixed(5)
  const pred = y.map(() => base)
  const order = X[0].map((_, j) => X.map((_, i) => i).sort((a, b) => X[a][j] - X[b][j]))
  const all = X.map(() => true)
  const trees = []
  for (let r = 0; r < rounds; r++) {
    const tree = fitTree(X, y.map((v, i) => v - pred[i]), order, all, X.length, depth, minLeaf)
    trees.push(tree)
    for (let i = 0; i < X.length; i++) pred[i] += rate * evalTree(tree, X[i])
  }
  return { base, trees }
}

const pearson = (x, y) => {
  const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n
  let sxy = 0, sx = 0, sy = 0
  for (let i = 0; i < n; i++) (sxy += (x[i] - mx) * (y[i] - my)), (sx += (x[i] - mx) ** 2), (sy += (y[i] - my) ** 2)
  return sxy / Math.sqrt(sx * sy)
}

function crossValidate(ramp, lambda, topical, factor = 1, offset = 0, trees = null) {
  const questions = [...new Set(rows.map((r) => r.question_id))]
  const pred = new Map()
  for (const held of questions) {
    const train = measured.filter((m) => m.r.question_id !== held)
    const test = measured.filter((m) => m.r.question_id === held)
    for (const d of DIMS) {
      const y = train.map((m) => m.r.levels[d])
      const model = { ramp, topical, stretch: { centre: CENTRE, factor }, rounding_offset: offset }
      if (trees) model.boosted = { features: TREE_FEATURES, learning_rate: trees.rate, untouched_zero: trees.untouchedZero, pointless_max: trees.pointlessMax, dimensions: { [d]: boost(train.map((m) => treeVector(m.f, d, ramp)), y, trees) } }
      else model.dimensions = { [d]: ridge(train.map((m) => featureVector(m.f, d, ramp)), y, lambda) }
      for (const m of test) {
        // As the judge does: a detected wrong claim caps every rung (gradeBank).
        const level = predictLevel(m.f, d, model)
        pred.set(`${m.r.id}:${d}`, m.flagged ? Math.min(level, redFlagCaps[d]) : level)
      }
    }
  }
  const human = measured.map((m) => m.r.score)
  const judged = measured.map((m) => (100 * DIMS.reduce((s, d) => s + 0.25 * pred.get(`${m.r.id}:${d}`), 0)) / 4)
  const mae = human.reduce((s, h, i) => s + Math.abs(h - judged[i]), 0) / human.length
  const styles = {}
  measured.forEach((m, i) => {
    const s = (styles[m.r.style] ??= { n: 0, human: 0, judge: 0 })
    s.n++, (s.human += human[i]), (s.judge += judged[i])
  })
  const styleText = Object.entries(styles).map(([k, v]) => `${k} ${(v.human / v.n).toFixed(0)}→${(v.judge / v.n).toFixed(0)}`).join('  ')
  const dims = DIMS.map((d) => `${d} ${pearson(measured.map((m) => m.r.levels[d]), measured.map((m) => pred.get(`${m.r.id}:${d}`))).toFixed(3)}`).join('  ')
  if (argv.includes('--worst') && factor === 1.2 && ramp.hi === 0.3 && offset === 0)
    console.log(measured.map((m, i) => ({ q: m.r.question_id, s: m.r.style, h: human[i], j: judged[i] })).filter((x) => x.s !== 'fluent_wrong').sort((a, b) => Math.abs(b.h - b.j) - Math.abs(a.h - a.j)).slice(0, 25).map((x) => `${x.q} ${x.s} human ${x.h.toFixed(0)} model ${x.j.toFixed(0)}`).join('\n'))
  const keep = measured.map((m, i) => i).filter((i) => measured[i].r.style !== 'fluent_wrong')
  const noFluent = pearson(keep.map((i) => human[i]), keep.map((i) => judged[i]))
  return { pearson: pearson(human, judged), mae, styleText: `${styleText}  (pearson without fluent_wrong ${noFluent.toFixed(3)})`, dims }
}

// Not chosen by cross-validation: the tuning part holds no answers to other questions. 0.3 is the
// topicality that 95% of strong answers to other questions stay under (bench/fit-offline.mjs --topicality).
const TOPICAL = 0.3
// Estimates are stretched around the mean grader level of the tuning part.
const CENTRE = +(rows_mean_level()).toFixed(3)
let best = null
for (const lo of [0.1])
  for (const hi of [0.3, 0.4])
    for (const lambda of [20])
        for (const topical of [TOPICAL])
          for (const factor of [1, 1.2])
            for (const offset of [0, 0.1, 0.2, 0.3, 0.4]) {
              const cv = crossValidate({ lo, hi }, lambda, topical, factor, offset)
              const objective = cv.pearson - cv.mae / 50
              if (!best || objective > best.objective) best = { lo, hi, lambda, topical, factor, offset, ...cv, objective }
            }
console.log(`tuning part: ${rows.length} answers, ${new Set(rows.map((r) => r.question_id)).size} questions`)
console.log(`linear, chosen by leave-one-question-out CV: ramp ${best.lo}–${best.hi}, lambda ${best.lambda}, topical ${best.topical}, stretch ${best.factor}, rounding offset ${best.offset}: pearson ${best.pearson.toFixed(3)}, mae ${best.mae.toFixed(1)}`)
console.log(`  CV per dimension: ${best.dims}`)
console.log(`  CV style means (graders → model): ${best.styleText}`)
// Boosted trees on the same ramp and topicality, a small grid of depth, rounds and leaf size, chosen by the same
// cross-validation; they replace the linear rungs when they score better on it.
let bestTrees = null
for (const depth of [2, 3])
  for (const rounds of [150])
    for (const minLeaf of [10])
      for (const [untouchedZero, pointlessMax] of [[false, undefined], [true, undefined], [true, 1]]) {
      const trees = { depth, rounds, minLeaf, rate: 0.1, untouchedZero, pointlessMax }
      const cv = crossValidate({ lo: best.lo, hi: best.hi }, best.lambda, best.topical, 1, 0, trees)
      const objective = cv.pearson - cv.mae / 50
      console.log(`  boosted trees depth ${depth}, ${rounds} rounds, leaves ≥ ${minLeaf}, untouched rungs ${untouchedZero ? '0' : 'estimated'}${pointlessMax === undefined ? '' : `, no key point: ≤ ${pointlessMax}`}: CV pearson ${cv.pearson.toFixed(3)}, mae ${cv.mae.toFixed(1)}`)
      // Two rules hold whatever the tuning part prefers, since it holds no padded answers to learn them from:
      // a rung nothing in the answer works on is level 0, as the descriptors say ("no build plan", "no measurement
      // mentioned"), and an answer that makes no key point even in part names things at most (level 1) — names
      // woven into filler raise its vocabulary, topicality and length, which the trees otherwise reward. Without
      // them the bank's weak calibration answers reach level 1 on every rung and its padding probes pay off;
      // their cost on the tuning part is shown above (CV MAE about 2 points).
      if (untouchedZero && pointlessMax === 1 && (!bestTrees || objective > bestTrees.objective)) bestTrees = { trees, ...cv, objective }
    }
const useTrees = bestTrees.objective > best.objective
console.log(`${useTrees ? 'chosen' : 'not chosen'}: boosted trees depth ${bestTrees.trees.depth}, ${bestTrees.trees.rounds} rounds, leaves ≥ ${bestTrees.trees.minLeaf}, untouched rungs ${bestTrees.trees.untouchedZero ? '0' : 'estimated'}, no key point: ≤ ${bestTrees.trees.pointlessMax}: pearson ${bestTrees.pearson.toFixed(3)}, mae ${bestTrees.mae.toFixed(1)}`)
console.log(`  CV per dimension: ${bestTrees.dims}`)
console.log(`  CV style means (graders → model): ${bestTrees.styleText}`)

const ramp = { lo: best.lo, hi: best.hi }
const dims = {}
for (const d of DIMS) dims[d] = ridge(measured.map((m) => featureVector(m.f, d, ramp)), measured.map((m) => m.r.levels[d]), best.lambda)
const pooledX = DIMS.flatMap((d) => measured.map((m) => featureVector(m.f, d, ramp)))
const pooledY = DIMS.flatMap((d) => measured.map((m) => m.r.levels[d]))
const round = (m) => ({ bias: +m.bias.toFixed(4), weights: m.weights.map((w) => +w.toFixed(4)) })
const model = {
  fitted_on: `${tuneFile}: ${rows.length} blind-graded answers to ${new Set(rows.map((r) => r.question_id)).size} questions; ridge lambda ${best.lambda}, rounding offset ${best.offset}, chosen by leave-one-question-out CV (pearson ${best.pearson.toFixed(3)}, mae ${best.mae.toFixed(1)})`,
  ramp,
  topical: best.topical,
  stretch: { centre: CENTRE, factor: best.factor },
  rounding_offset: best.offset,
  features: FEATURES,
  dimensions: Object.fromEntries(DIMS.map((d) => [d, round(dims[d])])),
  default: round(ridge(pooledX, pooledY, best.lambda)),
  red_flag_caps: { fitted_on: redFlagText, caps: redFlagCaps },
}
if (useTrees) {
  const t = bestTrees.trees
  model.fitted_on = `${tuneFile}: ${rows.length} blind-graded answers to ${new Set(rows.map((r) => r.question_id)).size} questions; boosted regression trees (depth ${t.depth}, ${t.rounds} rounds, rate ${t.rate}, leaves ≥ ${t.minLeaf}, untouched rungs ${t.untouchedZero ? '0' : 'estimated'}, no key point: ≤ ${t.pointlessMax}) chosen by leave-one-question-out CV (pearson ${bestTrees.pearson.toFixed(3)}, mae ${bestTrees.mae.toFixed(1)}) over the linear model (pearson ${best.pearson.toFixed(3)}, mae ${best.mae.toFixed(1)}), which serves rubric dimensions the fit has not seen`
  model.boosted = {
    features: TREE_FEATURES,
    learning_rate: t.rate,
    untouched_zero: t.untouchedZero,
    pointless_max: t.pointlessMax,
    dimensions: Object.fromEntries(DIMS.map((d) => [d, boost(measured.map((m) => treeVector(m.f, d, ramp)), measured.map((m) => m.r.levels[d]), t)])),
  }
}
for (const d of DIMS) console.log(d.padEnd(14), FEATURES.map((f, i) => `${f} ${model.dimensions[d].weights[i]}`).join('  '), ` bias ${model.dimensions[d].bias}`)
if (argv.includes('--write')) {
  // The trees on one line each: indented, the file would be thousands of lines of brackets.
  const text = JSON.stringify(model, (k, v) => (k === 'trees' ? v.map((t) => JSON.stringify(t)) : v), 2).replace(/"(\[[^"]*\])"/g, '$1')
  writeFileSync('src/core/judge/offline/model.json', text + '\n')
  console.log('wrote src/core/judge/offline/model.json')
}

