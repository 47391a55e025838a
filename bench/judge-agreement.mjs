// Agreement of a judge with human grades on a labelled file:
//   node bench/judge-agreement.mjs [labels.jsonl...] [--judge offline|openai] [--base-url URL] [--model NAME]
//        [--provider NAME] [--concurrency N] [--json] [--show N]
// Labels: one JSON object a line (the format of `mockint check --labels`): `question_id` (a shipped bank
// question) or `question` + `reference` (free text), `answer`, `score` (the human grade), `max_score`.
// Both sides are put on the common scale 0..S (S = the files' max_score when they all share one, else 5):
// human = score / max_score × S, judge = overall / 100 × S. Reports Pearson, Spearman, quadratic weighted
// kappa (integer-rounded), MAE and within-one, overall and per kind (bank / free). A grade the judge failed
// to produce is counted and left out — never scored. Without files: bench/data/dev-set, dev-holdout, dev-fresh.
// Runs against dist/ (`npm run build` first). The API key, if any, comes from OPENAI_API_KEY; never printed.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { loadBank, shippedBankPaths } from '../dist/core/bank/load.js'
import { agreement } from '../dist/core/metrics/agreement.js'

const argv = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt
}
const flagsWithValue = new Set(['--judge', '--base-url', '--model', '--provider', '--concurrency', '--show', '--rubric'])
const files = argv.filter((a, i) => !a.startsWith('--') && !flagsWithValue.has(argv[i - 1] ?? ''))
const json = argv.includes('--json')
const judgeKind = opt('judge', 'offline')
const concurrency = Math.max(1, Number(opt('concurrency', judgeKind === 'offline' ? '1' : '4')))
const show = Number(opt('show', '0'))
const TARGET_PEARSON = 0.55

if (files.length === 0) {
  const here = fileURLToPath(new URL('./data/', import.meta.url))
  files.push(`${here}dev-set.jsonl`, `${here}dev-holdout.jsonl`, `${here}dev-fresh.jsonl`)
}

const { bank } = await loadBank(shippedBankPaths(), process.cwd())
const rubricId = opt('rubric', 'llm-engineer')
const freeRubric = bank.rubrics.get(rubricId)?.rubric
if (!freeRubric) {
  console.error(`no rubric "${rubricId}" in the shipped bank; pass --rubric <id>`)
  process.exit(2)
}

async function makeJudge() {
  if (judgeKind === 'offline') return (await import('../dist/core/judge/offline/index.js')).createOfflineJudge()
  if (judgeKind === 'openai') {
    const { createOpenAIJudge } = await import('../dist/providers/openai/index.js')
    return createOpenAIJudge({
      provider: opt('provider', undefined),
      model: opt('model', process.env.MOCKINT_MODEL),
      baseUrl: opt('base-url', process.env.OPENAI_BASE_URL),
      apiKey: process.env.OPENAI_API_KEY,
    })
  }
  console.error(`unknown --judge "${judgeKind}"; use offline or openai`)
  process.exit(2)
}

async function readLabels(file) {
  const text = await readFile(file, 'utf8').catch(() => {
    console.error(`${file}: cannot read; check the path`)
    process.exit(2)
  })
  const out = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    let r
    try {
      r = JSON.parse(line)
    } catch {
      console.error(`${file}:${i + 1}: not valid JSON; one object a line`)
      process.exit(2)
    }
    const where = `${file}:${i + 1}`
    if (typeof r.answer !== 'string') fail(where, '"answer" must be a string')
    if (typeof r.score !== 'number' || typeof r.max_score !== 'number' || r.max_score <= 0 || r.score < 0 || r.score > r.max_score)
      fail(where, '"score" and "max_score" must be numbers with 0 ≤ score ≤ max_score')
    if (r.question_id !== undefined) {
      if (!bank.byId.has(r.question_id)) fail(where, `unknown question_id "${r.question_id}" (not in the shipped bank)`)
    } else if (typeof r.question !== 'string') fail(where, 'needs "question_id" or "question" (+ optional "reference")')
    out.push({ ...r, where })
  })
  return out
}
function fail(where, msg) {
  console.error(`${where}: ${msg}`)
  process.exit(2)
}

function inputFor(r) {
  if (r.question_id !== undefined) {
    const q = bank.byId.get(r.question_id).question
    return { question: { kind: 'bank', question: q }, rubric: bank.rubrics.get(q.rubric).rubric, answer: r.answer, lang: r.lang ?? 'en' }
  }
  const rubric = (r.rubric && bank.rubrics.get(r.rubric)?.rubric) || freeRubric
  return { question: { kind: 'free', prompt: r.question, reference: r.reference }, rubric, answer: r.answer, lang: r.lang ?? 'en' }
}

const judge = await makeJudge()
const fmt = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d))
const report = { judge: judge.describe(), files: [] }
for (const file of files) {
  const labels = await readLabels(file)
  const scales = new Set(labels.map((r) => r.max_score))
  const S = scales.size === 1 ? [...scales][0] : 5
  const results = new Array(labels.length)
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < labels.length) {
        const i = next++
        const r = labels[i]
        const g = await judge.grade(inputFor(r))
        results[i] = { r, g }
      }
    }),
  )
  const ms = performance.now() - started
  const ok = results.filter((x) => x.g.ok)
  const groups = { all: ok, bank: ok.filter((x) => x.r.question_id !== undefined), free: ok.filter((x) => x.r.question_id === undefined) }
  const firstFailure = results.find((x) => !x.g.ok)?.g.reason ?? null
  const entry = { file, scale: S, n: labels.length, failed: results.length - ok.length, first_failure: firstFailure, ms_per_answer: ms / labels.length, groups: {} }
  for (const [name, xs] of Object.entries(groups)) {
    if (xs.length === 0) continue
    const human = xs.map((x) => (x.r.score / x.r.max_score) * S)
    const judged = xs.map((x) => (x.g.overall / 100) * S)
    entry.groups[name] = agreement(human, judged, S)
  }
  if (show > 0) {
    entry.worst = ok
      .map((x) => ({ where: x.r.where, human: (x.r.score / x.r.max_score) * S, judge: (x.g.overall / 100) * S, answer: x.r.answer.slice(0, 90) }))
      .sort((a, b) => Math.abs(b.human - b.judge) - Math.abs(a.human - a.judge))
      .slice(0, show)
  }
  report.files.push(entry)
}

if (json) console.log(JSON.stringify(report, null, 2))
else {
  console.log(`judge: ${report.judge}`)
  console.log('file                 group     n  pearson  spearman    qwk    mae  within1  pearson/target  ms/answer')
  for (const f of report.files) {
    const name = f.file.split('/').pop().padEnd(20)
    for (const [g, a] of Object.entries(f.groups)) {
      const ratio = a.pearson === null ? '—' : `${(a.pearson / TARGET_PEARSON).toFixed(2)}×`
      console.log(
        `${name} ${g.padEnd(5)} ${String(a.n).padStart(4)}  ${fmt(a.pearson).padStart(7)}  ${fmt(a.spearman).padStart(8)}  ${fmt(a.qwk).padStart(5)}  ${fmt(a.mae, 2).padStart(5)}  ${fmt(a.within_one, 2).padStart(7)}  ${ratio.padStart(14)}  ${f.ms_per_answer.toFixed(2).padStart(9)}`,
      )
    }
    if (f.failed) console.log(`${name} ${f.failed} answer(s) the judge failed to grade (left out); first: ${f.first_failure}`)
    for (const w of f.worst ?? []) console.log(`  Δ ${(w.judge - w.human).toFixed(1).padStart(5)}  human ${w.human.toFixed(1)} judge ${w.judge.toFixed(1)}  ${w.where.split('/').pop()}  ${w.answer}`)
  }
}
// Like `mockint grade`: 3 when the judge failed on any answer (the figures above leave those out).
if (report.files.some((f) => f.failed > 0)) process.exitCode = 3
