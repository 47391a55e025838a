import type { ChalkInstance } from 'chalk'
import type { Lang } from '../../core/lang.js'
import type { SessionReport, StepReport } from '../../core/report/session-report.js'
import { escapeControlCharsDeep } from '../../core/text/control.js'
import { cliMessages, type CliMessages } from '../messages/index.js'
import { escapeHtml, escapeMarkdown } from './escape.js'
import { formatClock } from './interview-screen.js'
import { displayWidth, padEnd, reflowOutline, wrap } from './text.js'

/** Wraps `text` after `first` (e.g. `  - `), continuation lines indented to line up under the text. */
function hang(first: string, text: string, width: number): string {
  const pad = ' '.repeat(displayWidth(first))
  return wrap(text, width - pad.length)
    .split('\n')
    .map((l, i) => (i === 0 ? first : pad) + l)
    .join('\n')
}

function bar(percent: number, width: number): string {
  const full = Math.round((percent / 100) * width)
  return '█'.repeat(full) + '░'.repeat(width - full)
}

function judgeName(j: { kind: string; model?: string }): string {
  return j.model ? `${j.kind} (${j.model})` : j.kind
}

type DimensionReport = NonNullable<StepReport['grade']>['dimensions'][number]

/**
 * What to print after a dimension's level. An LLM judge is asked to grade against the rubric's level
 * descriptors, so the descriptor says what its level means. The offline judge counts key points instead,
 * and a descriptor such as "no measurement mentioned" can be false of an answer that mentions measurement
 * without making a key point; its own rationale ("Makes 1 of 3 key points: …") is what it actually found.
 * `short` keeps only the count (the evidence quotes follow it in the terminal).
 */
function dimensionText(d: DimensionReport, judgeKind: string, lang: Lang, short: boolean): string {
  if (judgeKind !== 'offline' || !d.rationale) return d.descriptor
  if (!short) return d.rationale
  const head = /^(.*?)[:：]\s/.exec(d.rationale + ' ')
  return head ? `${head[1]}${cliMessages(lang).report.fullStop}` : d.rationale
}

function timeLine(s: StepReport, t: CliMessages['report']): string {
  if (s.time_used_s === null) return ''
  return `${t.time} ${formatClock(s.time_used_s)} / ${formatClock(s.budget_s)}${s.overtime_s > 0 ? ` · ${t.overtime} +${formatClock(s.overtime_s)}` : ''}`
}

/**
 * The report for the terminal: summary first (what a candidate reads), then every question in detail.
 * Answers, bank texts and the judge's words are shown with their control characters made visible.
 */
export function renderSessionReportText(report: SessionReport, columns: number, c: ChalkInstance): string {
  const r = escapeControlCharsDeep(report)
  const t = cliMessages(r.lang).report
  const width = Math.max(40, Math.min(columns, 100) - 1)
  const out: string[] = []
  const answered = r.steps.filter((s) => s.kind === 'main' && s.answer !== null).length
  out.push('', c.bold(`${t.title} · ${r.id}`))
  out.push(c.dim(wrap(`${t.judge}: ${judgeName(r.judge)} · ${t.status[r.status]}`, width)))
  out.push(c.dim(wrap(t.summary(answered, r.planned, `${formatClock(r.total_time_s)}${r.hints_used ? ` · ${t.hintsTotal(r.hints_used)}` : ''}`), width)))
  out.push('')
  out.push(
    r.overall === null
      ? c.bold(`${t.overall}: ${t.notGraded}`)
      : c.bold(`${t.overall}: ${r.overall}/100`) + (r.pass_mark !== null ? c.dim(` (${t.pass} ${r.pass_mark})`) : ''),
  )
  if (r.ungraded > 0) out.push(c.red(`${t.ungraded(r.ungraded)} — ${t.regrade}`))
  if (r.overall !== null && r.dimensions.length) {
    out.push('', c.bold(t.dims))
    const titleW = Math.min(28, Math.max(...r.dimensions.map((d) => displayWidth(d.title))))
    const barW = Math.max(8, Math.min(20, width - titleW - 16))
    for (const d of r.dimensions) {
      const mark = d.id === r.strongest ? c.green(' ▲') : d.id === r.weakest ? c.red(' ▼') : ''
      out.push(`  ${padEnd(d.title, titleW)} ${c.cyan(bar(d.percent, barW))} ${d.mean.toFixed(1)}/${d.max}${mark}`)
    }
    const title = (id: string | null) => r.dimensions.find((d) => d.id === id)?.title ?? '—'
    out.push('', `${t.strongest}: ${c.green(title(r.strongest))} · ${t.weakest}: ${c.red(title(r.weakest))}`)
  }
  if (r.next_steps.length) {
    out.push('', c.bold(t.next))
    r.next_steps.forEach((s, i) => out.push(hang(`  ${i + 1}. `, s, width)))
  }
  for (const s of r.steps) out.push('', ...renderStepText(s, r, width, c))
  out.push('')
  return out.join('\n')
}

function renderStepText(s: StepReport, r: SessionReport, width: number, c: ChalkInstance): string[] {
  const t = cliMessages(r.lang).report
  const out: string[] = []
  const head =
    s.kind === 'main'
      ? `${s.key.toUpperCase()} · ${t.question} · ${s.question_id} · ${s.difficulty}`
      : `${s.key.toUpperCase()} · ${t.followUp}${s.dimension ? ` · ${s.dimension}` : ''}`
  out.push(c.bold.cyan(`── ${head}`))
  out.push(wrap(s.prompt, width, '  '))
  if (s.skipped) return [...out, c.yellow(`  ${t.skipped}`)]
  if (s.answer === null) return [...out, c.dim(`  ${t.noAnswer}`)]
  const tl = timeLine(s, t)
  if (tl) out.push(c.dim(`  ${tl}`))
  out.push(c.dim(`  ${t.answer}:`), c.dim(wrap(s.answer || '∅', width, '  │ ')))
  if (s.hints.length) {
    out.push(`  ${t.hints}:`)
    for (const h of s.hints) out.push(c.yellow(hang('    - ', h.text, width)))
  }
  if (s.grade) {
    const g = s.grade
    // A follow-up probes one dimension: its level there is what counts, not an overall over all four.
    const main = s.kind === 'main' || !s.dimension
    if (main) out.push(`  ${c.bold(`${g.overall}/100`)}${g.flags.length ? c.yellow(`  ${t.flags}: ${g.flags.join(', ')}`) : ''}`)
    for (const d of g.dimensions) {
      if (!main && d.title !== s.dimension) continue
      out.push(hang(`  ${d.title} ${d.level}/${d.max} — `, dimensionText(d, g.judge.kind, r.lang, true), width))
      for (const e of d.evidence.slice(0, 2)) out.push(c.dim(hang('      ', `“${e}”`, width)))
    }
    if (g.feedback && (main || g.judge.kind !== 'offline')) out.push(hang(`  ${t.feedback}: `, g.feedback, width))
  } else if (s.failure) out.push(c.red(wrap(`${t.failed}: ${s.failure} — ${t.regrade}`, width, '  ')))
  if (s.missing_key_points.length) {
    out.push(`  ${t.missing}:`)
    for (const m of s.missing_key_points) out.push(hang('    - ', `[${m.title}] ${m.text}`, width))
  }
  if (s.reference)
    out.push(
      `  ${t.reference}:`,
      // The source's own line breaks are joined first: the outline is wrapped to this terminal, like the rest.
      ...reflowOutline(s.reference.trimEnd())
        .split('\n')
        .map((l) => c.dim(hang('    ' + (/^\s*- /.test(l) ? '- ' : '  '), l.replace(/^\s*(- )?/, ''), width))),
    )
  return out
}

/** The report as Markdown, saved beside the session file (control characters made visible, as on the terminal). */
export function renderSessionReportMarkdown(report: SessionReport): string {
  const r = escapeControlCharsDeep(report)
  const t = cliMessages(r.lang).report
  const out: string[] = []
  const answered = r.steps.filter((s) => s.kind === 'main' && s.answer !== null).length
  out.push(`# ${t.title}: ${r.id}`, '')
  out.push(`- ${t.judge}: ${judgeName(r.judge)}`, `- ${t.status[r.status]}`, `- ${t.summary(answered, r.planned, formatClock(r.total_time_s))}`, '')
  out.push(`## ${t.overall}: ${r.overall === null ? t.notGraded : `${r.overall}/100`}`, '')
  if (r.ungraded > 0) out.push(`> ${t.ungraded(r.ungraded)} — ${t.regrade}`, '')
  if (r.overall !== null && r.dimensions.length) {
    out.push(`| ${t.dims} | | |`, '|---|---|---|')
    for (const d of r.dimensions)
      out.push(`| ${d.title}${d.id === r.strongest ? ' ▲' : d.id === r.weakest ? ' ▼' : ''} | \`${bar(d.percent, 10)}\` | ${d.mean.toFixed(1)}/${d.max} |`)
    out.push('')
  }
  if (r.next_steps.length) {
    out.push(`## ${t.next}`, '')
    r.next_steps.forEach((s, i) => out.push(`${i + 1}. ${escapeMarkdown(s)}`))
    out.push('')
  }
  for (const s of r.steps) {
    out.push(`## ${s.key.toUpperCase()} · ${s.kind === 'main' ? `${t.question} · \`${s.question_id}\`` : `${t.followUp}${s.dimension ? ` · ${s.dimension}` : ''}`}`, '')
    out.push(s.prompt.split('\n').map((l) => `> ${l}`).join('\n'), '')
    if (s.skipped) {
      out.push(`_${t.skipped}_`, '')
      continue
    }
    if (s.answer === null) {
      out.push(`_${t.noAnswer}_`, '')
      continue
    }
    // A fence longer than any backtick run in the answer, so a pasted code block cannot close it.
    const fence = '`'.repeat(Math.max(3, ...(s.answer.match(/`+/g) ?? []).map((m) => m.length + 1)))
    out.push(`_${timeLine(s, t)}_`, '', `**${t.answer}:**`, '', `${fence}text`, s.answer, fence, '')
    if (s.hints.length) out.push(`**${t.hints}:**`, '', ...s.hints.map((h) => `- ${escapeMarkdown(h.text)}`), '')
    if (s.grade) {
      out.push(`**${s.grade.overall}/100**${s.grade.flags.length ? ` · ${t.flags}: ${s.grade.flags.join(', ')}` : ''}`, '')
      for (const d of s.grade.dimensions) {
        out.push(`- **${d.title} ${d.level}/${d.max}** — ${escapeMarkdown(dimensionText(d, s.grade.judge.kind, r.lang, false))}`)
        for (const e of d.evidence.slice(0, 2)) out.push(`  - ${t.evidence}: “${escapeMarkdown(e)}”`)
      }
      out.push('')
      if (s.grade.feedback) out.push(`${t.feedback}: ${escapeMarkdown(s.grade.feedback)}`, '')
    } else if (s.failure) out.push(`**${t.failed}**: ${escapeMarkdown(s.failure)} — ${t.regrade}`, '')
    if (s.missing_key_points.length)
      out.push(`**${t.missing}:**`, '', ...s.missing_key_points.map((m) => `- [${m.title}] ${escapeMarkdown(m.text)}`), '')
    if (s.reference) out.push(`**${t.reference}:**`, '', s.reference.trimEnd(), '')
  }
  return out.join('\n')
}

/** A self-contained HTML page of the report (no scripts, no external assets; control characters made visible). */
export function renderSessionReportHtml(report: SessionReport): string {
  const r = escapeControlCharsDeep(report)
  const t = cliMessages(r.lang).report
  const dims = r.dimensions
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.title)}${d.id === r.strongest ? ' ▲' : d.id === r.weakest ? ' ▼' : ''}</td><td><div class="bar"><span style="width:${d.percent}%"></span></div></td><td>${d.mean.toFixed(1)}/${d.max}</td></tr>`,
    )
    .join('')
  const steps = r.steps
    .map((s) => {
      const head = s.kind === 'main' ? `${t.question} · <code>${escapeHtml(s.question_id)}</code>` : `${t.followUp}${s.dimension ? ` · ${escapeHtml(s.dimension)}` : ''}`
      const parts = [`<h2>${s.key.toUpperCase()} · ${head}</h2>`, `<blockquote>${escapeHtml(s.prompt)}</blockquote>`]
      if (s.skipped) parts.push(`<p><em>${t.skipped}</em></p>`)
      else if (s.answer === null) parts.push(`<p><em>${t.noAnswer}</em></p>`)
      else {
        parts.push(`<p class="dim">${escapeHtml(timeLine(s, t))}</p><pre>${escapeHtml(s.answer)}</pre>`)
        if (s.hints.length) parts.push(`<p>${t.hints}:</p><ul>${s.hints.map((h) => `<li>${escapeHtml(h.text)}</li>`).join('')}</ul>`)
        if (s.grade)
          parts.push(
            `<p><strong>${s.grade.overall}/100</strong></p><ul>${s.grade.dimensions
              .map((d) => `<li><strong>${escapeHtml(d.title)} ${d.level}/${d.max}</strong> — ${escapeHtml(dimensionText(d, s.grade!.judge.kind, r.lang, false))}${d.evidence.slice(0, 2).map((e) => `<br><q>${escapeHtml(e)}</q>`).join('')}</li>`)
              .join('')}</ul>${s.grade.feedback ? `<p>${escapeHtml(s.grade.feedback)}</p>` : ''}`,
          )
        else if (s.failure) parts.push(`<p class="fail">${t.failed}: ${escapeHtml(s.failure)}</p>`)
        if (s.missing_key_points.length)
          parts.push(`<p>${t.missing}:</p><ul>${s.missing_key_points.map((m) => `<li>[${escapeHtml(m.title)}] ${escapeHtml(m.text)}</li>`).join('')}</ul>`)
        if (s.reference) parts.push(`<p>${t.reference}:</p><pre>${escapeHtml(s.reference)}</pre>`)
      }
      return `<section>${parts.join('\n')}</section>`
    })
    .join('\n')
  return `<!doctype html>
<html lang="${r.lang}"><head><meta charset="utf-8"><title>${t.title} ${escapeHtml(r.id)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
.bar{background:#eee;width:12rem;height:.8rem}.bar span{display:block;height:100%;background:#3a7}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}.dim{color:#777}.fail{color:#b00}td{padding:.2rem .6rem}</style></head>
<body><h1>${t.title}: ${escapeHtml(r.id)}</h1>
<p class="dim">${t.judge}: ${escapeHtml(judgeName(r.judge))} · ${escapeHtml(t.status[r.status])}</p>
<h2>${t.overall}: ${r.overall === null ? t.notGraded : `${r.overall}/100`}</h2>
<table>${dims}</table>
<h2>${t.next}</h2><ol>${r.next_steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>
${steps}
</body></html>
`
}
