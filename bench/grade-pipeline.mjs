// The grade pipeline without the judge: the validation pass, the grading pass (batch loop, results file,
// summary, progress) with the offline judge replaced by a replay of its real outcomes for the first 400
// records (computed up front, cycled). Prints CPU µs per answer: what `mockint grade` spends around the judge.
// Usage: node --expose-gc bench/grade-pipeline.mjs <answers.jsonl> [reps=3]   (after npm run build)
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
const root = fileURLToPath(new URL('..', import.meta.url))
const input = process.argv[2], reps = Number(process.argv[3] ?? 3)
if (!input) throw new Error('usage: node --expose-gc bench/grade-pipeline.mjs <answers.jsonl> [reps]')
const imp = (p) => import(join(root, 'dist', p))
const { openLazyBank } = await imp('core/bank/lazy.js')
const { loadBank, shippedBankPaths } = await imp('core/bank/load.js')
const { packageRoot } = await imp('core/bank/paths.js')
const { readInput } = await imp('core/grading/input.js')
const { checkInput, preparedRecords } = await imp('core/grading/validate.js')
const { gradeBatch } = await imp('core/grading/batch.js')
const { AdaptiveLimiter } = await imp('core/grading/limiter.js')
const { openResultsFile } = await imp('core/grading/results-file.js')
const { createSummary } = await imp('core/grading/summary.js')
const { createProgress } = await imp('cli/ui/progress.js')
const { createOfflineJudge } = await imp('core/judge/offline/index.js')
const full = (await loadBank(shippedBankPaths(), root)).bank
const lazy = openLazyBank({ root: packageRoot(), cwd: root, loadAll: async () => full, onErrors: (e) => { throw new Error(String(e)) } })
const defaults = { lang: 'en' }
const real = createOfflineJudge()
const K = 400
const outcomes = []
{
  await lazy.loadAll()
  let i = 0
  for await (const p of preparedRecords(readInput(input, 'jsonl'), lazy.bank, defaults)) { outcomes.push(await real.grade(p.input)); if (++i >= K) break }
}
let n = 0
const judge = { kind: 'offline', describe: () => 'replay', about: () => ({ kind: 'offline', version: 'x' }), async grade() { const o = outcomes[n++ % K]; return { ...o, verdict: { ...o.verdict }, judge: { ...o.judge }, usage: { ...o.usage } } } }
const stderr = { write() { return true }, isTTY: false }
const times = []
for (let r = 0; r < reps; r++) {
  const out = `/tmp/mockint-pipeline-${process.pid}.jsonl`
  rmSync(out, { force: true })
  n = 0
  globalThis.gc?.()
  const c0 = process.cpuUsage(); const t0 = performance.now()
  const check = await checkInput(readInput(input, 'jsonl'), lazy, defaults)
  const c1 = process.cpuUsage(c0)
  const summary = createSummary({ repeat: 1 })
  const sink = await openResultsFile(out, out, { resume: false })
  const progress = createProgress(stderr, { total: check.ids.size, now: Date.now })
  const limiter = new AdaptiveLimiter(8)
  await gradeBatch({
    records: preparedRecords(readInput(input, 'jsonl'), lazy.bank, defaults, new Set()),
    judge, identity: { kind: 'offline' }, repeat: 1, limiter,
    write: (res, prepared) => { const q = prepared.input.question; summary.add(res, { questionText: q.kind === 'free' ? q.prompt : undefined }); return sink.write(res) },
    onEvent: (e) => { if (e.type === 'result') progress.update({ done: e.done, errors: e.errors, tokens: e.usage.prompt_tokens + e.usage.completion_tokens }) },
  })
  await sink.close(); progress.finish(); summary.finish(1)
  const c2 = process.cpuUsage(c0)
  const N = check.ids.size
  times.push({ check_us: +((c1.user + c1.system) / N).toFixed(1), total_us: +((c2.user + c2.system) / N).toFixed(1), wall_us: +((performance.now() - t0) * 1000 / N).toFixed(1) })
  rmSync(out, { force: true })
}
console.log(JSON.stringify({ runs: times, min_total_us: Math.min(...times.map((t) => t.total_us)), min_check_us: Math.min(...times.map((t) => t.check_us)) }))
