// mockint grade throughput against a loopback Chat Completions server (bench/lib/loopback-server.mjs, the
// load generator, in a process of its own) that answers every call in LATENCY ms.
// Targets (issue 15): 4,000 answers at --concurrency 64 reach ≥ 0.9 of the ideal rate at 100 ms and ≥ 0.85
// at 50 ms, where ideal time = answers × latency / concurrency. The ratio is ideal / grading phase (first
// request in → last response out, as the server sees it); end to end (process start → exit) is reported too.
// Where `taskset` exists and there are 2+ cores, mockint runs on core 0 and the server on core 1, so the
// load generator does not eat the time being measured. Each setting runs TRIALS (≥ 3) fresh pairs of
// processes; reported as min/median/max, met when the median is at or above the target.
// Usage: node bench/grade-throughput.mjs [answers] [concurrency] [trials]   (BENCH_LATENCIES=100,50;
//        BENCH_PROFILE=dir adds --cpu-prof --cpu-prof-dir=dir to mockint)
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { median } from './lib/stats.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const N = Number(process.argv[2] ?? 4000)
const C = Number(process.argv[3] ?? 64)
const TRIALS = Math.max(3, Number(process.argv[4] ?? 3))
const TARGETS = { 100: 0.9, 50: 0.85 }
const LATENCIES = (process.env.BENCH_LATENCIES ?? '100,50').split(',').map(Number)

const pinned = (() => {
  if (availableParallelism() < 2) return false
  try {
    execFileSync('taskset', ['-c', '0', 'true'])
    return true
  } catch {
    return false
  }
})()
const onCore = (core, args) => (pinned ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args])

async function startServer(latency) {
  const [cmd, args] = onCore(1, [join(root, 'bench/lib/loopback-server.mjs'), String(latency)])
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const { url } = JSON.parse((await lines.next()).value)
  return {
    url,
    async stop() {
      child.kill('SIGTERM')
      return JSON.parse((await lines.next()).value)
    },
  }
}

async function trial(latency) {
  const server = await startServer(latency)
  const dir = mkdtempSync(join(tmpdir(), 'mockint-bench-'))
  const input = join(dir, 'answers.jsonl')
  writeFileSync(
    input,
    Array.from({ length: N }, (_, i) =>
      JSON.stringify({ id: `b${i}`, question: 'Explain the KV cache and how you would size it.', answer: `Answer ${i}: the cache keeps keys and values of previous tokens so each step only projects the new token.` }),
    ).join('\n') + '\n',
  )
  const out = join(dir, 'out.jsonl')
  // The child reports the CPU time it used: whether one core could keep up with the ideal rate.
  const hook = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('CPU_US '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  const [cmd, args] = onCore(0, [...profile, '--import', hook, join(root, 'bin/mockint.js'), 'grade', input, '--out', out, '--no-cache', '--concurrency', String(C), '--judge', 'openai', '--base-url', server.url, '--model', 'gpt-4.1-mini'])
  let cpuUs = NaN
  const started = performance.now()
  const code = await new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, MOCKINT_HOME: join(dir, 'home'), NO_COLOR: '1', OPENAI_API_KEY: '' }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (c) => {
      cpuUs = Number(/CPU_US (\d+)/.exec(err)?.[1] ?? NaN)
      if (c !== 0) process.stderr.write(err)
      resolve(c)
    })
  })
  const wall = performance.now() - started
  const seen = await server.stop()
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  const graded = new Set(lines.map((l) => JSON.parse(l)).filter((r) => r.status === 'graded').map((r) => r.id))
  rmSync(dir, { recursive: true, force: true })
  const ideal = (N * latency) / C
  const phase = seen.last - seen.first
  return {
    latency_ms: latency,
    exit: code,
    graded: graded.size,
    lines: lines.length,
    calls: seen.calls,
    peak_in_flight: seen.peak,
    ideal_ms: Math.round(ideal),
    grading_ms: Math.round(phase),
    grading_ratio: +(ideal / phase).toFixed(3),
    end_to_end_ratio: +(ideal / wall).toFixed(3),
    cpu_ms_per_answer: +(cpuUs / 1000 / N).toFixed(3),
    load_avg_1m: +loadavg()[0].toFixed(1),
  }
}

console.log(`grade throughput: ${N} answers, --concurrency ${C}, ${TRIALS} trials per latency; ${pinned ? 'mockint pinned to core 0, server to core 1' : 'not pinned (no taskset or one core)'}`)
const summaries = []
for (const latency of LATENCIES) {
  const trials = []
  for (let i = 0; i < TRIALS; i++) trials.push(await trial(latency))
  console.table(trials)
  const ratios = trials.map((t) => t.grading_ratio)
  const target = TARGETS[latency] ?? 0.9
  const correct = trials.every((t) => t.exit === 0 && t.graded === N && t.lines === N && t.calls === N)
  const s = {
    latency_ms: latency,
    ratio_min: Math.min(...ratios),
    ratio_median: median(ratios),
    ratio_max: Math.max(...ratios),
    end_to_end_ratio_median: median(trials.map((t) => t.end_to_end_ratio)),
    cpu_ms_per_answer_median: median(trials.map((t) => t.cpu_ms_per_answer)),
    // On a shared machine the ratio says as much about the neighbours as about mockint: CPU ms per answer
    // (what one core must keep below ideal_ms / answers) and the load beside it are the comparable figures.
    load_avg_1m_median: median(trials.map((t) => t.load_avg_1m)),
    target,
    every_answer_graded_once: correct,
  }
  s.met = correct && s.ratio_median >= target
  summaries.push(s)
  console.log(
    `${s.met ? 'met    ' : 'NOT MET'}  ${latency} ms: ${s.ratio_median} of ideal (min ${s.ratio_min}, max ${s.ratio_max}) ≥ ${target}; ${s.cpu_ms_per_answer_median} ms CPU per answer (the ideal rate leaves ${+(latency / C).toFixed(2)}); load ${s.load_avg_1m_median}${correct ? '' : '; NOT every answer graded exactly once'}`,
  )
}
const summary = { bench: 'grade-throughput', answers: N, concurrency: C, trials: TRIALS, pinned, settings: summaries, ok: summaries.every((s) => s.met) }
console.log(JSON.stringify(summary))
process.exitCode = summary.ok ? 0 : 1
