import fs from 'node:fs'
const W = '/work/devset-work'
const test = new Set(JSON.parse(fs.readFileSync(`${W}/private/test-questions.json`, 'utf8')))
const DIMS = ['principle', 'scenario', 'engineering', 'observability']
const out = { tune: [], test: [] }
const pairs = []
for (let k = 1; k <= 10; k++) {
  const keyF = `${W}/private/key-${k}.json`, a = `${W}/grades-${k}-A.jsonl`, b = `${W}/grades-${k}-B.jsonl`
  if (!fs.existsSync(keyF) || !fs.existsSync(a) || !fs.existsSync(b)) { console.error(`group ${k}: not complete`); continue }
  const key = JSON.parse(fs.readFileSync(keyF, 'utf8'))
  const read = (f) => new Map(fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((r) => [r.answer_id, r]))
  const ga = read(a), gb = read(b)
  for (const [id, r] of Object.entries(key)) {
    const x = ga.get(id), y = gb.get(id)
    if (!x || !y) { console.error(`group ${k}: ${id} missing a grade`); continue }
    const levels = {}, la = {}, lb = {}
    for (const d of DIMS) { la[d] = x[d]; lb[d] = y[d]; levels[d] = (x[d] + y[d]) / 2 }
    const sc = (l) => Math.round(1000 * DIMS.reduce((s, d) => s + 0.25 * l[d], 0) / 4 * 100) / 1000
    pairs.push({ a: la, b: lb, sa: sc(la), sb: sc(lb) })
    const rec = { id, question_id: r.question_id, lang: r.lang, style: r.style, answer: r.answer, levels, score: sc(levels), max_score: 100, grader_a: la, grader_b: lb }
    ;(test.has(r.question_id) ? out.test : out.tune).push(rec)
  }
}
const pearson = (x, y) => { const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n; let sxy = 0, sx = 0, sy = 0; for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sx += (x[i] - mx) ** 2; sy += (y[i] - my) ** 2 } return sxy / Math.sqrt(sx * sy) }
if (pairs.length) {
  console.log('inter-grader: n', pairs.length, 'overall pearson', pearson(pairs.map((p) => p.sa), pairs.map((p) => p.sb)).toFixed(3), 'mae', (pairs.reduce((s, p) => s + Math.abs(p.sa - p.sb), 0) / pairs.length).toFixed(1))
  for (const d of DIMS) {
    const x = pairs.map((p) => p.a[d]), y = pairs.map((p) => p.b[d])
    console.log(' ', d, 'pearson', pearson(x, y).toFixed(3), 'exact', (x.filter((v, i) => v === y[i]).length / x.length).toFixed(2), 'within1', (x.filter((v, i) => Math.abs(v - y[i]) <= 1).length / x.length).toFixed(2))
  }
}
const dest = process.argv[2]
if (dest) for (const part of ['tune', 'test']) {
  const sorted = out[part].sort((p, q) => p.question_id.localeCompare(q.question_id) || p.id.localeCompare(q.id))
  fs.writeFileSync(`${dest}/${part}.jsonl`, sorted.map((r) => JSON.stringify(r)).join('\n') + '\n')
  console.log(part, sorted.length)
}
