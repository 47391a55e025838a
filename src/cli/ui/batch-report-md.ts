import type { BatchSummary } from '../../core/grading/summary.js'
import { escapeControlCharsDeep } from '../../core/text/control.js'
import { escapeMarkdownCell } from './escape.js'

export interface BatchReportMeta {
  input: string
  generated_at: string
  min_score: number | null
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`)
const bins = Array.from({ length: 10 }, (_, i) => (i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`))

/**
 * A Markdown report of a batch (pure): distribution, dimensions, questions, flags, errors, tokens, cost.
 * Ids, question texts and the server's error messages are untrusted: their control characters are shown.
 */
export function renderBatchReportMd(summary: BatchSummary, reportMeta: BatchReportMeta): string {
  const s = escapeControlCharsDeep(summary)
  const meta = escapeControlCharsDeep(reportMeta)
  const out: string[] = []
  const judge = s.judge ? `${s.judge.kind}${s.judge.model ? ` (${s.judge.model})` : ''}` : '—'
  out.push(`# mockint batch report`, '')
  out.push(`Input \`${escapeMarkdownCell(meta.input)}\` · judge ${judge} · ${meta.generated_at}`, '')
  out.push('| answers | graded | errors | mean overall | median | pass rate |', '|---:|---:|---:|---:|---:|---:|')
  out.push(`| ${s.total} | ${s.graded} | ${s.errors} | ${s.mean_overall ?? '—'} | ${s.median_overall ?? '—'} | ${pct(s.pass_rate)} |`, '')
  if (meta.min_score !== null && s.mean_overall !== null)
    out.push(`Gate: mean ${s.mean_overall} ${s.mean_overall >= meta.min_score ? '≥' : '<'} --min-score ${meta.min_score} → **${s.mean_overall >= meta.min_score ? 'pass' : 'fail'}**`, '')

  out.push('## Score distribution', '')
  const max = Math.max(1, ...s.distribution)
  out.push('| overall | answers | |', '|---|---:|---|')
  s.distribution.forEach((n, i) => out.push(`| ${bins[i]} | ${n} | ${'█'.repeat(Math.round((n / max) * 30))} |`))
  out.push('')

  out.push('## Dimensions (mean level)', '')
  const dims = Object.entries(s.dimensions)
  if (dims.length === 0) out.push('No graded answers.', '')
  else {
    out.push('| dimension | mean level | answers |', '|---|---:|---:|')
    for (const [d, v] of dims) out.push(`| ${escapeMarkdownCell(d)} | ${v.mean} | ${v.n} |`)
    out.push('')
  }

  if (s.repeats) {
    out.push(`## Agreement across repeats (×${s.repeat})`, '')
    out.push(`${s.repeats.stable} of ${s.repeats.answers} answers stable; mean spread ${s.repeats.mean_spread} points.`, '')
    out.push('| dimension | exact | within one level |', '|---|---:|---:|')
    for (const [d, a] of Object.entries(s.repeats.agreement)) out.push(`| ${escapeMarkdownCell(d)} | ${pct(a.exact)} | ${pct(a.within_one)} |`)
    out.push('')
  }

  out.push('## Questions', '')
  out.push('| question | answers | graded | errors | mean | pass rate |', '|---|---:|---:|---:|---:|---:|')
  for (const q of s.questions) out.push(`| ${escapeMarkdownCell(q.question)} | ${q.n} | ${q.graded} | ${q.errors} | ${q.mean ?? '—'} | ${pct(q.pass_rate)} |`)
  out.push('')

  out.push('## Flags', '')
  const flags = Object.entries(s.flags)
  if (flags.length === 0) out.push('None.', '')
  else {
    out.push('| flag | answers |', '|---|---:|')
    for (const [f, n] of flags) out.push(`| ${f} | ${n} |`)
    out.push('')
  }

  out.push('## Errors', '')
  if (s.errors === 0) out.push('None.', '')
  else {
    out.push(`${s.errors} answer(s) could not be graded (status \`error\`, no score). Re-run with \`--resume\` to retry them.`, '')
    for (const e of s.error_samples) out.push(`- \`${escapeMarkdownCell(e.id)}\`: ${escapeMarkdownCell(e.message)}`)
    out.push('')
  }

  out.push('## Tokens and cost', '')
  out.push('| prompt | cached prompt | completion | from cache | estimated cost |', '|---:|---:|---:|---:|---:|')
  const cost = s.cost.usd === null ? '—' : `$${s.cost.usd.toFixed(4)}`
  out.push(`| ${s.usage.prompt_tokens} | ${s.usage.cached_tokens} | ${s.usage.completion_tokens} | ${s.cached} | ${cost} |`, '')
  if (s.cost.note) out.push(`_${escapeMarkdownCell(s.cost.note)}_`, '')
  return out.join('\n')
}
