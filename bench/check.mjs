// Benchmark: `mockint check` on the whole shipped bank, against dist/ (run `npm run build` first).
// Static checks (load + lint; target < 1 s) and calibration with the offline judge (target < 5 s), each
// measured in-process (median of several runs after a warm-up) and as the built binary (wall clock,
// including Node start-up). Prints a table and a JSON line with ratios to the targets.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { median } from './lib/stats.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const { loadBank, shippedBankPaths } = await import(`${root}dist/core/bank/load.js`)
const { lintBank } = await import(`${root}dist/core/lint/rules.js`)
const { calibrateBank } = await import(`${root}dist/core/calibration/calibrate.js`)
const { createOfflineJudge } = await import(`${root}dist/core/judge/offline/index.js`)

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const TARGET = { static: 1000, calibration: 5000 }

async function timeIt(fn, runs) {
  await fn() // warm-up
  const ms = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    ms.push(performance.now() - t)
  }
  return median(ms)
}

function wall(args) {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn(process.execPath, [`${root}bin/mockint.js`, ...args], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } })
    child.on('error', reject)
    child.on('close', (code) => resolve({ ms: performance.now() - t, code }))
  })
}

let bank
let gradings = 0
const staticMs = await timeIt(async () => {
  const r = await loadBank(shippedBankPaths(), root)
  lintBank(r.bank)
  bank = r.bank
}, RUNS)
const calibrationMs = await timeIt(async () => {
  const report = await calibrateBank(bank, { judge: createOfflineJudge(), concurrency: 1 })
  gradings = report.gradings
}, RUNS)

const walls = { static: [], full: [] }
for (let i = 0; i < 3; i++) {
  walls.static.push((await wall(['check', '--no-calibrate'])).ms)
  walls.full.push((await wall(['check'])).ms)
}
const binStatic = median(walls.static)
const binFull = median(walls.full)

const rows = [
  ['static checks (in-process)', staticMs, TARGET.static],
  ['calibration, offline judge (in-process)', calibrationMs, TARGET.calibration],
  ['binary: check --no-calibrate (wall)', binStatic, TARGET.static],
  ['binary: check (wall, static + calibration)', binFull, TARGET.static + TARGET.calibration],
]
console.log(`mockint check — ${bank.questions.length} questions, ${gradings} gradings, median of ${RUNS} (binary: 3)`)
console.log('what'.padEnd(46) + 'ms'.padStart(9) + 'target'.padStart(9) + '  ratio')
for (const [what, ms, target] of rows)
  console.log(what.padEnd(46) + ms.toFixed(0).padStart(9) + String(target).padStart(9) + `  ${(ms / target).toFixed(2)}${ms > target ? '  OVER' : ''}`)
console.log(
  JSON.stringify({
    bench: 'check',
    questions: bank.questions.length,
    gradings,
    static_ms: Math.round(staticMs),
    calibration_ms: Math.round(calibrationMs),
    per_grading_ms: +(calibrationMs / gradings).toFixed(2),
    binary_static_ms: Math.round(binStatic),
    binary_full_ms: Math.round(binFull),
    static_ratio: +(staticMs / TARGET.static).toFixed(2),
    calibration_ratio: +(calibrationMs / TARGET.calibration).toFixed(2),
  }),
)
