// What `--judge auto` costs at start-up when nothing is configured and nothing listens on the local default
// ports (issue 12: at most 50 ms over today). `mockint grade` of one answer, wall time, three cases run
// interleaved: `--judge offline` (no probe: what auto did before discovery), auto with a fresh data folder
// each run (the probe runs every time), and auto with the "nothing found" answer cached.
// The default ports must be free: the numbers mean nothing when a server answers there.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/mockint.js', import.meta.url))
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const dir = mkdtempSync(join(tmpdir(), 'mockint-bench-discovery-'))
const input = join(dir, 'one.jsonl')
writeFileSync(input, JSON.stringify({ id: 'a1', question: 'What is a KV cache?', answer: 'It stores keys and values of past tokens.' }) + '\n')

const free = (port) =>
  new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
const busy = []
for (const p of [11434, 1234, 8080, 8000]) if (!(await free(p))) busy.push(p)
if (busy.length) console.log(`note: ports ${busy.join(', ')} are in use here; the auto cases may find a server`)

const clean = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', MOCKINT_PROVIDER: '', MOCKINT_JUDGE: '', MOCKINT_LOCAL_PORTS: '', NO_COLOR: '1' }
// Separate data folders, each with its bank parse cache warm: only the discovery memory differs.
const offlineHome = join(dir, 'offline')
const probeHome = join(dir, 'probe')
const warmHome = join(dir, 'warm')
function time(args, home) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const env = { ...clean, MOCKINT_HOME: home, XDG_CONFIG_HOME: join(dir, 'cfg') }
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore', env })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`exit ${code}`))))
  })
}

const cases = {
  'grade --judge offline (no probe)': () => time(['grade', input, '--judge', 'offline'], offlineHome),
  'grade, auto, probe every run': () => {
    rmSync(join(probeHome, 'cache', 'local-judge.json'), { force: true })
    return time(['grade', input], probeHome)
  },
  'grade, auto, "nothing found" cached': () => time(['grade', input], warmHome),
}
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (let i = 0; i < 2; i++) for (const run of Object.values(cases)) await run() // warm the file and parse caches
for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(cases)) samples[name].push(await run())

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

// The same cost measured in-process, free of process start-up noise: loading the discovery module, then
// the probe of the four default ports with nothing listening, and the answer read back from the cache.
const t0 = performance.now()
const { discoverLocalServer } = await import('../dist/providers/local-discovery.js')
const importMs = performance.now() - t0
const probeMs = []
const cachedMs = []
const home = join(dir, 'inproc')
for (let i = 0; i < 50; i++) {
  let t = performance.now()
  await discoverLocalServer({ home, env: {}, fresh: true })
  probeMs.push(performance.now() - t)
  t = performance.now()
  await discoverLocalServer({ home, env: {} })
  cachedMs.push(performance.now() - t)
}
console.log('in-process (50 runs): module import %s ms; probe of 4 closed ports min %s / median %s ms; cached answer min %s / median %s ms',
  importMs.toFixed(1), Math.min(...probeMs).toFixed(1), median(probeMs).toFixed(1), Math.min(...cachedMs).toFixed(1), median(cachedMs).toFixed(1))
// Wall times below carry process start-up noise: on a busy machine their medians swing by hundreds of ms
// between identical cases. The verdict rests on the in-process cost; compare the wall-time minimums.

const base = samples['grade --judge offline (no probe)']
const rows = Object.entries(samples).map(([name, xs]) => ({
  case: name,
  min_ms: +Math.min(...xs).toFixed(1),
  median_ms: +median(xs).toFixed(1),
  over_offline_ms: +(median(xs) - median(base)).toFixed(1),
}))
console.log(`judge discovery at start-up (${RUNS} runs each, wall time, nothing listening)`)
console.table(rows)
const cost = importMs + median(probeMs)
const minOver = Math.max(...rows.map((r) => r.min_ms)) - rows[0].min_ms
console.log(JSON.stringify({ bench: 'judge-discovery', import_plus_probe_ms: +cost.toFixed(1), cached_ms: +median(cachedMs).toFixed(1), wall_min_over_offline_ms: +minOver.toFixed(1), target: 50, ok: cost <= 50 }))
