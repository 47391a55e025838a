import type { Lang } from '../../core/i18n.js'
import type { BatchSummary } from '../../core/grading/summary.js'
import { escapeControlChars } from '../../core/text/control.js'
import { cliMessages } from '../messages/index.js'

/** The closing lines: what was graded, the mean, errors, tokens and cost, in `opts.lang` (default English). */
export function renderSummaryText(s: BatchSummary, opts: { out?: string; minScore?: number; lang?: Lang }): string {
  const t = cliMessages(opts.lang ?? 'en').grade
  const lines: string[] = []
  const judge = s.judge ? `${s.judge.kind}${s.judge.model ? ` ${s.judge.model}` : ''}` : t.noJudge
  lines.push(t.graded(s, judge))
  if (s.mean_overall !== null) lines.push(t.mean(s.mean_overall, s.median_overall, Math.round((s.pass_rate ?? 0) * 100)))
  const dims = Object.entries(s.dimensions)
  if (dims.length) lines.push(`${t.dimensions}${dims.map(([d, v]) => `${d} ${v.mean}`).join(' · ')}`)
  const flags = Object.entries(s.flags)
  if (flags.length) lines.push(`${t.flags}${flags.map(([f, n]) => `${f} ${n}`).join(' · ')}`)
  if (s.repeats)
    lines.push(
      t.repeats(s.repeat, s.repeats, Object.entries(s.repeats.agreement).map(([d, a]) => `${d} ${Math.round(a.exact * 100)}%`).join(' · ')),
    )
  lines.push(t.tokens(s, t.cost(s.cost)))
  // The id is the input's and the message often the server's own text.
  for (const e of s.error_samples.slice(0, 5)) lines.push(escapeControlChars(t.errorSample(e.id, e.message)))
  if (opts.out) lines.push(`${t.results}${opts.out}`)
  return lines.map((l) => l + '\n').join('')
}

