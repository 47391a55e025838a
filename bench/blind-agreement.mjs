// Agreement of the offline judge with the blind-graded answer set (bench/data/blind/*.jsonl):
//   node bench/blind-agreement.mjs [file.jsonl...] [--json] [--show N] [--judge offline|openai …]
// Each record: question_id, lang, style, answer, levels {dimension: mean grader level}, score (0–100),
// max_score. Reports, per file: Pearson, Spearman, QWK (on 0–20, i.e. 5-point steps), MAE on 0–100,
// per-dimension Pearson of levels, per-style means (graders vs judge), and the number of answers the
// graders put at ≥ 60 that the judge scores under 40. Runs against dist/ (`npm run build` first).
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { loadBank, shippedBankPaths } from '../dist/core/bank/load.js'
import { agreement, pearson } from '../dist/core/metrics/agreement.js'

const argv = process.argv.slice(2)
const json = argv.includes('--json')
const showAt = argv.indexOf('--show')
const show = showAt >= 0 ? Number(argv[showAt + 1]) : 0
const files = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--show')
if (files.length === 0) {
  const here = fileURLToPath(new URL('./data/blind/', import.meta.url))
  files.push(`${here}tune.jsonl`, `${here}test.jsonl`)
}
const { bank } = await loadBank(shippedBankPaths(), process.cwd())
const { createOfflineJudge } = await import('../dist/core/judge/offline/index.js')
const judge = createOfflineJudge()
const STYLES = ['strong_natural', 'terse_expert', 'mid_level', 'fluent_wrong', 'junior', 'zh_strong', 'zh_mid']
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
const fmt = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d))

const report = { judge: judge.describe(), files: [] }
for (const file of files) {
  const rows = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
  const graded = []
  for (const r of rows) {
    const q = bank.byId.get(r.question_id)
    if (!q) throw new Error(`${file}: unknown question_id ${r.question_id}`)
    const g = await judge.grade({ question: { kind: 'bank', question: q.question }, rubric: bank.rubrics.get(q.question.rubric).rubric, answer: r.answer, lang: r.lang })
    if (!g.ok) throw new Error(`${file}: judge failed: ${g.reason}`)
    graded.push({ r, g })
  }
  const human = graded.map((x) => (x.r.score / x.r.max_score) * 100)
  const judged = graded.map((x) => x.g.overall)
  const a = agreement(human.map((h) => h / 5), judged.map((j) => j / 5), 20)
  const dims = {}
  for (const d of Object.keys(graded[0].r.levels)) dims[d] = pearson(graded.map((x) => x.r.levels[d]), graded.map((x) => x.g.scores[d]))
  const styles = {}
  for (const s of STYLES) {
    const xs = graded.filter((x) => x.r.style === s)
    if (xs.length) styles[s] = { n: xs.length, human: mean(xs.map((x) => x.r.score)), judge: mean(xs.map((x) => x.g.overall)) }
  }
  const strongUnder40 = graded.filter((x) => x.r.score >= 60 && x.g.overall < 40).length
  const entry = {
    file, n: graded.length, pearson: a.pearson, spearman: a.spearman, qwk: a.qwk, mae: a.mae === null ? null : a.mae * 5,
    dimensions: dims, styles, strong_under_40: strongUnder40, human_at_least_60: graded.filter((x) => x.r.score >= 60).length,
  }
  if (show > 0)
    entry.worst = graded
      .map((x) => ({ q: x.r.question_id, style: x.r.style, human: x.r.score, judge: x.g.overall, levels: x.r.levels, scores: x.g.scores }))
      .sort((p, q) => Math.abs(q.human - q.judge) - Math.abs(p.human - p.judge))
      .slice(0, show)
  report.files.push(entry)
}
if (json) console.log(JSON.stringify(report, null, 2))
else {
  console.log(`judge: ${report.judge}`)
  for (const f of report.files) {
    console.log(`\n${f.file.replace(/.*\/bench\//, 'bench/')}  n=${f.n}`)
    console.log(`  pearson ${fmt(f.pearson)}  spearman ${fmt(f.spearman)}  qwk ${fmt(f.qwk)}  mae ${fmt(f.mae, 1)}  graders≥60 judged<40: ${f.strong_under_40}/${f.human_at_least_60}`)
    console.log(`  per-dimension pearson: ${Object.entries(f.dimensions).map(([d, v]) => `${d} ${fmt(v)}`).join('  ')}`)
    console.log(`  style means (graders → judge): ${Object.entries(f.styles).map(([s, v]) => `${s} ${fmt(v.human, 0)}→${fmt(v.judge, 0)}`).join('  ')}`)
    for (const w of f.worst ?? []) console.log(`   ${w.q} ${w.style} human ${fmt(w.human, 0)} judge ${fmt(w.judge, 0)} ${JSON.stringify(w.levels)} ${JSON.stringify(w.scores)}`)
  }
}
