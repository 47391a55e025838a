// Start-up wall time against a bare `node -e 0`: `mockint --version`, `--help` (target ≤ 1.5×), grading one
// free-text answer with the offline judge (target ≤ 2.5×) and one bank-question answer (target ≤ 3×).
// Runs ROUNDS rounds of RUNS interleaved runs each (background load hits every case alike); a round's ratio is
// the case's median over `node -e 0`'s median in that round. Reports min/median/max of the round ratios; a
// target is met when the median round ratio is within it.
// The grade cases run with a fresh $MOCKINT_HOME warmed by the warm-up runs (a person's second run onwards).
// Usage: node bench/startup.mjs   (BENCH_RUNS, BENCH_ROUNDS to change the counts)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { warnIfBankCacheStale, warnIfBundleStale } from './lib/build-state.mjs'
import { median } from './lib/stats.mjs'

const bin = fileURLToPath(new URL('../bin/mockint.js', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))
const staleBankFiles = await warnIfBankCacheStale(root)
const bundleState = warnIfBundleStale(root)
const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3))

const dir = mkdtempSync(join(tmpdir(), 'mockint-bench-startup-'))
const free = join(dir, 'free.jsonl')
const bank = join(dir, 'bank.jsonl')
writeFileSync(
  free,
  JSON.stringify({
    id: 'f1',
    question: 'Explain the KV cache and how you would size it.',
    reference: 'The KV cache stores keys and values of past tokens; its size is layers × heads × head_dim × 2 × tokens × bytes.',
    answer: 'The cache keeps the keys and values of previous tokens so each decoding step only projects the new token.',
  }) + '\n',
)
writeFileSync(
  bank,
  JSON.stringify({
    id: 'b1',
    question_id: 'llm-fundamentals/kv-cache',
    answer: 'The cache keeps the keys and values of previous tokens so each decoding step only projects the new token; it grows with context length and batch size, so I would page it.',
  }) + '\n',
)
const env = { ...process.env, MOCKINT_HOME: join(dir, 'home'), NO_COLOR: '1', OPENAI_API_KEY: '' }

function time(args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6)
    })
  })
}

const cases = {
  'node -e 0': { args: ['-e', '0'] },
  'mockint --version': { args: [bin, '--version'], target: 1.5 },
  'mockint --help': { args: [bin, '--help'], target: 1.5 },
  'grade 1 free-text (offline)': { args: [bin, 'grade', free, '--judge', 'offline'], target: 2.5 },
  'grade 1 bank question (offline)': { args: [bin, 'grade', bank, '--judge', 'offline'], target: 3 },
}
for (let i = 0; i < 3; i++) for (const c of Object.values(cases)) await time(c.args) // warm the file cache and $MOCKINT_HOME
const rounds = []
for (let r = 0; r < ROUNDS; r++) {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (let i = 0; i < RUNS; i++) for (const [name, c] of Object.entries(cases)) samples[name].push(await time(c.args))
  rounds.push(Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])))
}
rmSync(dir, { recursive: true, force: true })

const rows = Object.entries(cases).map(([name, c]) => {
  const ratios = rounds.map((r) => r[name] / r['node -e 0']).sort((a, b) => a - b)
  const ms = rounds.map((r) => r[name])
  return {
    case: name,
    median_ms: +median(ms).toFixed(1),
    ratio_min: +ratios[0].toFixed(2),
    ratio_median: +median(ratios).toFixed(2),
    ratio_max: +ratios.at(-1).toFixed(2),
    target: c.target ?? null,
    met: c.target === undefined ? null : median(ratios) <= c.target,
  }
})
console.log(`startup (${ROUNDS} rounds × ${RUNS} runs each; ratio = case median / node -e 0 median in the round)`)
console.table(rows)
const targets = rows.filter((r) => r.target !== null)
for (const r of targets) console.log(`${r.met ? 'met    ' : 'NOT MET'}  ${r.case}: ${r.ratio_median}× (min ${r.ratio_min}, max ${r.ratio_max}) ≤ ${r.target}×`)
const summary = { bench: 'startup', rounds: ROUNDS, runs: RUNS, stale_bank_files: staleBankFiles, bundle_problem: bundleState, cases: targets.map(({ case: c, ratio_min, ratio_median, ratio_max, target, met }) => ({ case: c, ratio_min, ratio_median, ratio_max, target, met })), ok: targets.every((r) => r.met) }
console.log(JSON.stringify(summary))
process.exitCode = summary.ok ? 0 : 1
