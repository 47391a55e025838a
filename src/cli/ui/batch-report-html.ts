import type { BatchSummary } from '../../core/grading/summary.js'
import { escapeControlCharsDeep } from '../../core/text/control.js'
import type { BatchReportMeta } from './batch-report-md.js'
import { escapeHtml } from './escape.js'

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`)
const num = (x: number | null) => (x === null ? '—' : String(x))

/** A vertical bar chart of the ten score bins as inline SVG. */
function distributionSvg(dist: number[]): string {
  const W = 520
  const H = 200
  const pad = 28
  const bw = (W - pad * 2) / dist.length
  const max = Math.max(1, ...dist)
  const bars = dist
    .map((n, i) => {
      const h = ((H - pad * 2) * n) / max
      const x = pad + i * bw
      const y = H - pad - h
      return (
        `<rect class="bar" x="${(x + 3).toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 6).toFixed(1)}" height="${h.toFixed(1)}"><title>${i * 10}–${i === 9 ? 100 : i * 10 + 9}: ${n}</title></rect>` +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${n || ''}</text>` +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${H - pad + 14}" text-anchor="middle">${i * 10}</text>`
      )
    })
    .join('')
  return `<svg id="distribution" role="img" aria-label="score distribution" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}"><line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#888"/>${bars}</svg>`
}

/** Horizontal bars of the per-dimension mean levels (scale 0–max). */
function dimensionsSvg(dims: Array<[string, { mean: number }]>, scaleMax: number): string {
  const W = 520
  const row = 26
  const H = dims.length * row + 10
  const label = 130
  const bars = dims
    .map(([d, v], i) => {
      const w = ((W - label - 50) * v.mean) / scaleMax
      const y = 5 + i * row
      return (
        `<text x="${label - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(d)}</text>` +
        `<rect class="dim" x="${label}" y="${y + 3}" width="${Math.max(0, w).toFixed(1)}" height="${row - 8}"><title>${escapeHtml(d)}: ${v.mean}</title></rect>` +
        `<text x="${(label + w + 6).toFixed(1)}" y="${y + 16}">${v.mean}</text>`
      )
    })
    .join('')
  return `<svg id="dimensions" role="img" aria-label="mean level per dimension" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${bars}</svg>`
}

/**
 * A self-contained HTML report of a batch (pure): inline CSS and SVG charts, no scripts, no network.
 * Every value is escaped; question texts and error messages are untrusted (their control characters are shown).
 */
export function renderBatchReportHtml(summary: BatchSummary, reportMeta: BatchReportMeta): string {
  const s = escapeControlCharsDeep(summary)
  const meta = escapeControlCharsDeep(reportMeta)
  const judge = s.judge ? `${s.judge.kind}${s.judge.model ? ` (${s.judge.model})` : ''}` : '—'
  const dims = Object.entries(s.dimensions)
  const scaleMax = Math.max(4, ...dims.map(([, v]) => Math.ceil(v.mean)))
  const cost = s.cost.usd === null ? '—' : `$${s.cost.usd.toFixed(4)}`
  const gate =
    meta.min_score !== null && s.mean_overall !== null
      ? `<p class="gate ${s.mean_overall >= meta.min_score ? 'pass' : 'fail'}">Gate: mean ${s.mean_overall} ${s.mean_overall >= meta.min_score ? '≥' : '&lt;'} --min-score ${meta.min_score}</p>`
      : ''
  const table = (head: string[], rows: string[][], id: string) =>
    `<table id="${id}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`
  const sections: string[] = []
  sections.push(`<section><h2>Score distribution</h2>${distributionSvg(s.distribution)}</section>`)
  sections.push(
    `<section><h2>Dimensions (mean level)</h2>${dims.length ? dimensionsSvg(dims, scaleMax) : '<p>No graded answers.</p>'}</section>`,
  )
  if (s.repeats)
    sections.push(
      `<section><h2>Agreement across repeats (×${s.repeat})</h2><p>${s.repeats.stable} of ${s.repeats.answers} answers stable; mean spread ${s.repeats.mean_spread} points.</p>${table(
        ['dimension', 'exact', 'within one level'],
        Object.entries(s.repeats.agreement).map(([d, a]) => [d, pct(a.exact), pct(a.within_one)]),
        'agreement',
      )}</section>`,
    )
  sections.push(
    `<section><h2>Questions</h2>${table(
      ['question', 'answers', 'graded', 'errors', 'mean', 'pass rate'],
      s.questions.map((q) => [q.question, String(q.n), String(q.graded), String(q.errors), num(q.mean), pct(q.pass_rate)]),
      'questions',
    )}</section>`,
  )
  const flags = Object.entries(s.flags)
  sections.push(
    `<section><h2>Flags</h2>${flags.length ? table(['flag', 'answers'], flags.map(([f, n]) => [f, String(n)]), 'flags') : '<p>None.</p>'}</section>`,
  )
  sections.push(
    `<section><h2>Errors</h2>${
      s.errors === 0
        ? '<p>None.</p>'
        : `<p>${s.errors} answer(s) could not be graded (no score). Re-run with <code>--resume</code> to retry them.</p>${table(
            ['id', 'error'],
            s.error_samples.map((e) => [e.id, e.message]),
            'errors',
          )}`
    }</section>`,
  )
  sections.push(
    `<section><h2>Tokens and cost</h2>${table(
      ['prompt', 'cached prompt', 'completion', 'from cache', 'estimated cost'],
      [[String(s.usage.prompt_tokens), String(s.usage.cached_tokens), String(s.usage.completion_tokens), String(s.cached), cost]],
      'cost',
    )}${s.cost.note ? `<p class="note">${escapeHtml(s.cost.note)}</p>` : ''}</section>`,
  )
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mockint batch report — ${escapeHtml(meta.input)}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2430;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid #e3e7ee;padding-bottom:.25rem}
.meta{color:#5a6473}.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.card{border:1px solid #e3e7ee;border-radius:8px;padding:.5rem .9rem;min-width:7rem}.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef1f5;vertical-align:top}
td:not(:first-child),th:not(:first-child){text-align:right}
svg text{font-size:11px;fill:#39414d}.bar{fill:#3b6fd8}.dim{fill:#2f9e74}
.gate.pass{color:#1d7a46}.gate.fail{color:#b3261e}.note{color:#5a6473;font-style:italic}
@media (prefers-color-scheme: dark){body{background:#14171c;color:#e6e9ee}.card,th,td{border-color:#2a303a}svg text{fill:#c9ced6}}
</style></head>
<body>
<h1>mockint batch report</h1>
<p class="meta">Input <code>${escapeHtml(meta.input)}</code> · judge ${escapeHtml(judge)} · ${escapeHtml(meta.generated_at)}</p>
<div class="cards" id="totals">
<div class="card">answers<b>${s.total}</b></div>
<div class="card">graded<b>${s.graded}</b></div>
<div class="card">errors<b>${s.errors}</b></div>
<div class="card">mean overall<b id="mean">${num(s.mean_overall)}</b></div>
<div class="card">median<b>${num(s.median_overall)}</b></div>
<div class="card">pass rate<b>${pct(s.pass_rate)}</b></div>
<div class="card">est. cost<b>${escapeHtml(cost)}</b></div>
</div>
${gate}
${sections.join('\n')}
</body></html>
`
}
