// Time from submitting an answer to seeing the next question, with a judge that takes 2 s per grade.
// Drives the real session core from dist/ (real session file with fsync, real bank), with scripted answers.
// Run: npm run build && node bench/interview-latency.mjs [--json]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const { loadBank, shippedBankPaths } = await import(join(root, 'dist/core/bank/load.js'))
const { runSession } = await import(join(root, 'dist/core/session/run.js'))
const { openSessionStore } = await import(join(root, 'dist/core/session/store.js'))
const { scoreVerdict } = await import(join(root, 'dist/core/judge/score.js'))

const JUDGE_MS = 2000
const TARGET_MS = 100
const QUESTIONS = 4

const rubricPath = shippedBankPaths()[0]
const { bank } = await loadBank([rubricPath, join(root, 'tests/fixtures/banks/interview')], root)
const pool = bank.questions.map((q) => q.question).filter((q) => q.category === 'fixture')
const questions = Array.from({ length: QUESTIONS }, (_, i) => pool[i % pool.length])

/** A judge that takes JUDGE_MS to answer, like a slow LLM endpoint. */
const slowJudge = {
  kind: 'offline',
  describe: () => 'sleeping bench judge',
  async grade(input, opts) {
    await new Promise((r, reject) => {
      const onAbort = () => (clearTimeout(t), reject(new Error('aborted')))
      const t = setTimeout(() => (opts?.signal?.removeEventListener('abort', onAbort), r()), JUDGE_MS)
      opts?.signal?.addEventListener('abort', onAbort, { once: true })
    })
    const verdict = {
      dimensions: input.rubric.dimensions.map((d, i) => ({ id: d.id, evidence: [], rationale: '', level: i === 3 ? 1 : 3 })),
      feedback: '',
      missing: [],
      follow_up: '',
      flags: [],
    }
    const s = scoreVerdict(verdict, input.rubric)
    return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge: { kind: 'offline' }, usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }, latency_ms: JUDGE_MS }
  },
}

async function measure(followUps) {
  const home = mkdtempSync(join(tmpdir(), 'mockint-bench-'))
  const store = openSessionStore(home, 'bench')
  const gaps = [] // { from: kind of step submitted, to: kind of step shown, ms }
  let submittedAt = null
  let lastKind = null
  const ask = async (req) => {
    const shownAt = performance.now()
    if (submittedAt !== null) gaps.push({ from: lastKind, to: req.kind, ms: shownAt - submittedAt })
    await new Promise((r) => setTimeout(r, 5)) // the candidate types
    lastKind = req.kind
    submittedAt = performance.now()
    return { action: 'submit', text: `answer to ${req.key}: BPE merges the most frequent pair`, via: 'inline' }
  }
  const options = { count: QUESTIONS, time: 60, lang: 'en', follow_ups: followUps, strict_time: false, categories: [], difficulty: null, seed: 1, adaptive: false }
  const t0 = performance.now()
  await runSession(
    { options, questions, prior: [] },
    { ask, judge: slowJudge, clock: { now: () => Date.now() }, append: (e) => store.append(e), rubricFor: (q) => bank.rubrics.get(q.rubric).rubric },
  )
  const total = performance.now() - t0
  store.close()
  rmSync(home, { recursive: true, force: true })
  return { gaps, total }
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))]
  return { n: s.length, p50: +at(0.5).toFixed(2), max: +s[s.length - 1].toFixed(2) }
}

const noFollowUps = await measure(0)
const withFollowUps = await measure(1)
const rows = [
  { path: 'answer → next question (--follow-ups 0)', ...stats(noFollowUps.gaps.map((g) => g.ms)), needsJudge: false },
  { path: 'follow-up answer → next question (--follow-ups 1)', ...stats(withFollowUps.gaps.filter((g) => g.from === 'follow_up').map((g) => g.ms)), needsJudge: false },
  { path: 'answer → its follow-up (needs the grade: spinner)', ...stats(withFollowUps.gaps.filter((g) => g.from === 'main').map((g) => g.ms)), needsJudge: true },
]
const result = {
  judge_ms: JUDGE_MS,
  target_ms: TARGET_MS,
  rows: rows.map((r) => ({ ...r, ratio_to_target: +(r.max / TARGET_MS).toFixed(3), ok: r.needsJudge || r.max <= TARGET_MS })),
  session_total_ms: { follow_ups_0: Math.round(noFollowUps.total), follow_ups_1: Math.round(withFollowUps.total) },
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2))
else {
  console.log(`interview latency, judge takes ${JUDGE_MS} ms per grade (target ≤ ${TARGET_MS} ms when the next step does not need the grade)`)
  console.log('path'.padEnd(52), 'n'.padStart(3), 'p50 ms'.padStart(9), 'max ms'.padStart(9), 'max/target'.padStart(11), '')
  for (const r of result.rows)
    console.log(r.path.padEnd(52), String(r.n).padStart(3), r.p50.toFixed(2).padStart(9), r.max.toFixed(2).padStart(9), r.ratio_to_target.toFixed(3).padStart(11), r.needsJudge ? ' (waits on judge by design)' : r.ok ? ' ok' : ' SLOW')
  console.log(`whole session: ${result.session_total_ms.follow_ups_0} ms without follow-ups, ${result.session_total_ms.follow_ups_1} ms with one each (${QUESTIONS} questions)`)
}
process.exitCode = result.rows.every((r) => r.ok) ? 0 : 1
