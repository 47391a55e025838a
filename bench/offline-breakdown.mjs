// Where a batch graded by the offline judge spends its time, in three parts that add up to grade-offline.mjs's
// wall clock: the fixed cost before the first answer (start-up, the input's first pass, compiling the questions
// the batch names), the judge's own time per answer, and the rest of `grade` per answer (reading, checking,
// building and writing results). Figures, not targets: they say which part a change must shrink.
//
// - `mockint grade` on SMALL and LARGE answers (the same records as grade-offline.mjs), RUNS fresh processes
//   each, alternating: the per-answer cost is the slope between the two sizes (median of the runs' slopes),
//   the fixed cost what is left of the small run.
// - In this process: compiling every question the records name (cold, as a run pays it) and the judge alone
//   on the LARGE answers (the fastest of 3 passes after one warm-up pass). Inside `grade` the same judge is
//   slower (its data is evicted by the reading and writing between answers), so "the rest" holds that too.
// Usage: node --expose-gc bench/offline-breakdown.mjs [large=20000] [small=2000] [runs=3]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { warnIfBankCacheStale, warnIfBundleStale } from './lib/build-state.mjs'
import { shippedQuestionIds, writeAnswers } from './lib/offline-answers.mjs'
import { median } from './lib/stats.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const staleBankFiles = await warnIfBankCacheStale(root)
const bundleState = warnIfBundleStale(root)
const LARGE = Number(process.argv[2] ?? 20_000)
const SMALL = Number(process.argv[3] ?? 2_000)
const RUNS = Math.max(3, Number(process.argv[4] ?? 3))
if (!(SMALL > 0 && LARGE > SMALL)) throw new Error('usage: offline-breakdown.mjs [large] [small] [runs], with large > small > 0')
/** The size the target is set at: ≥ 10,000 answers/s for 100,000 answers. */
const AT = 100_000
const TARGET_RATE = 10_000

const dir = mkdtempSync(join(tmpdir(), 'mockint-bench-breakdown-'))
const ids = shippedQuestionIds(root)
const inputs = { small: join(dir, 'small.jsonl'), large: join(dir, 'large.jsonl') }
await writeAnswers(inputs.small, SMALL, ids)
await writeAnswers(inputs.large, LARGE, ids)

function grade(input) {
  const home = mkdtempSync(join(dir, 'home-'))
  const out = join(home, 'results.jsonl')
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/mockint.js'), 'grade', input, '--out', out, '--judge', 'offline'], {
      env: { ...process.env, MOCKINT_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => {
      const ms = performance.now() - started
      rmSync(home, { recursive: true, force: true })
      if (code !== 0) reject(new Error(`grade ${input} exited ${code}: ${err.slice(-500)}`))
      else resolve(ms)
    })
  })
}

// The CLI: small and large alternate, so a slow spell of the machine touches both sizes alike.
const runs = []
for (let i = 0; i < RUNS; i++) {
  const small = await grade(inputs.small)
  const large = await grade(inputs.large)
  const perAnswerUs = ((large - small) * 1000) / (LARGE - SMALL)
  runs.push({ small_s: +(small / 1000).toFixed(2), large_s: +(large / 1000).toFixed(2), per_answer_us: +perAnswerUs.toFixed(1), fixed_s: +((small - (SMALL * perAnswerUs) / 1000) / 1000).toFixed(2) })
}

// The judge in this process, on the same records.
const { loadBank, shippedBankPaths } = await import(join(root, 'dist/core/bank/load.js'))
const { createOfflineJudge } = await import(join(root, 'dist/core/judge/offline/index.js'))
const { bank } = await loadBank(shippedBankPaths(root), root)
const byId = new Map(bank.questions.map((q) => [q.question.id, q.question]))
const rubricOf = (q) => bank.rubrics.get(q.rubric).rubric
const records = readFileSync(inputs.large, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const named = [...new Set(records.filter((r) => r.question_id).map((r) => r.question_id))].map((id) => byId.get(id))
const judge = createOfflineJudge()
const compileStarted = performance.now()
await judge.prepare(named.map((q) => ({ question: q, rubric: rubricOf(q) })))
const compileMs = performance.now() - compileStarted
const freeRubric = rubricOf(named[0])
const gradeInputs = records.map((r) => {
  const q = r.question_id ? byId.get(r.question_id) : null
  return q
    ? { question: { kind: 'bank', question: q }, rubric: rubricOf(q), answer: r.answer, lang: 'en' }
    : { question: { kind: 'free', prompt: r.question, reference: r.reference }, rubric: freeRubric, answer: r.answer, lang: 'en' }
})
const passes = []
for (let p = 0; p < 4; p++) {
  const t = performance.now()
  for (const input of gradeInputs) {
    const o = await judge.grade(input)
    if (!o.ok) throw new Error(`the judge failed: ${o.reason}`)
  }
  if (p > 0) passes.push(((performance.now() - t) * 1000) / gradeInputs.length)
}
rmSync(dir, { recursive: true, force: true })

const perAnswer = median(runs.map((r) => r.per_answer_us))
const fixed = median(runs.map((r) => r.fixed_s))
const judgeUs = Math.min(...passes)
const projected = fixed + (AT * perAnswer) / 1e6
// What one answer may cost, at today's fixed cost, for AT answers to take AT / TARGET_RATE seconds.
const budgetUs = ((AT / TARGET_RATE - fixed) * 1e6) / AT
console.log(`offline breakdown: ${SMALL} and ${LARGE} answers, ${RUNS} runs each (alternating)`)
console.table(runs)
console.log(`fixed cost before the first answer: ${fixed.toFixed(2)} s (compiling ${named.length} questions in process: ${Math.round(compileMs)} ms)`)
console.log(
  `per answer in \`grade\`: ${perAnswer.toFixed(1)} µs = the judge alone ${judgeUs.toFixed(1)} µs (in process, warm) + the rest ${(perAnswer - judgeUs).toFixed(1)} µs ` +
    '(reading, checking and writing, and what the judge loses inside grade to colder caches)',
)
console.log(`projected at ${AT.toLocaleString('en')} answers: ${projected.toFixed(1)} s, ${Math.round(AT / projected)} answers/s; ${TARGET_RATE.toLocaleString('en')}/s needs ≤ ${budgetUs.toFixed(1)} µs per answer at this fixed cost`)
console.log(
  JSON.stringify({
    bench: 'offline-breakdown',
    small: SMALL,
    large: LARGE,
    runs: RUNS,
    stale_bank_files: staleBankFiles,
    bundle_problem: bundleState,
    fixed_s: fixed,
    compile_ms: Math.round(compileMs),
    questions: named.length,
    per_answer_us: perAnswer,
    judge_us: +judgeUs.toFixed(1),
    rest_us: +(perAnswer - judgeUs).toFixed(1),
    projected_answers_per_s: Math.round(AT / projected),
    budget_us_for_target: +budgetUs.toFixed(1),
  }),
)
