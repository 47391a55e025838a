// `mockint --version` and `--help` wall time against `node -e 0` (target: at most 1.5×).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/mockint.js', import.meta.url))
const RUNS = Number(process.env.BENCH_RUNS ?? 25)

function time(args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, args, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6))
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const cases = { 'node -e 0': ['-e', '0'], 'mockint --version': [bin, '--version'], 'mockint --help': [bin, '--help'] }
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (let i = 0; i < 3; i++) for (const args of Object.values(cases)) await time(args) // warm the file cache
// Interleave runs so background load affects every case alike.
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) samples[name].push(await time(args))

const base = median(samples['node -e 0'])
const rows = Object.entries(samples).map(([name, xs]) => ({
  case: name,
  median_ms: +median(xs).toFixed(1),
  ratio: +(median(xs) / base).toFixed(2),
}))
console.log(`startup (${RUNS} runs each, median wall time)`)
console.table(rows)
const v = rows.find((r) => r.case === 'mockint --version')
console.log(JSON.stringify({ bench: 'startup', version_ratio: v.ratio, target: 1.5, ok: v.ratio <= 1.5 }))
