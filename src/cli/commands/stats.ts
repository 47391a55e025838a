import { Option, type Command } from 'commander'
import type { CommandContext } from '../command.js'
import { langOption, bankOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { cliMessages } from '../messages/index.js'
import { loadSessionReports } from '../sessions.js'

export function registerStats(program: Command, ctx: CommandContext): void {
  program
    .command('stats')
    .description('progress over time: scores per dimension and category across sessions')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(bankOption())
    .addOption(langOption('language of the captions and dimension titles'))
    .action(async (opts: { format: string; bank?: string[]; lang?: string }) => ctx.setExit(await runStats(ctx, opts)))
}

export async function runStats(ctx: CommandContext, opts: { format: string; bank?: string[]; lang?: string }): Promise<ExitCode> {
  const { deps } = ctx
  const { buildStats } = await import('../../core/report/progress.js')
  const { padEnd } = await import('../ui/text.js')
  const { escapeControlChars } = await import('../../core/text/control.js')
  const { reports, lang } = await loadSessionReports(ctx, { bank: opts.bank, lang: opts.lang, oneLanguage: true })
  const t = cliMessages(lang).stats
  const stats = buildStats(reports)
  if (opts.format === 'json') {
    deps.stdout.write(JSON.stringify(stats, null, 2) + '\n')
    return EXIT.ok
  }
  if (stats.sessions.length === 0) {
    deps.stdout.write(t.none)
    return EXIT.ok
  }
  const out: string[] = []
  const dimIds = stats.dimensions.map((d) => d.id)
  const head = ['session', 'date', 'overall', ...dimIds]
  const rows = stats.sessions.map((s) => [
    s.id,
    s.date.slice(0, 10),
    s.overall === null ? '—' : s.overall.toFixed(1),
    ...dimIds.map((d) => (s.dimensions[d] === undefined ? '—' : s.dimensions[d]!.toFixed(1))),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd()
  out.push(t.perSession, line(head), ...rows.map(line), '')
  out.push(t.perDimension)
  for (const d of stats.dimensions) {
    const trend = d.first === null || d.last === null ? '' : d.last > d.first ? ' ↑' : d.last < d.first ? ' ↓' : ' ='
    out.push(`  ${padEnd(d.title, 28)} ${d.first?.toFixed(1) ?? '—'} → ${d.last?.toFixed(1) ?? '—'}${trend}   ${t.mean} ${d.mean?.toFixed(1) ?? '—'}`)
  }
  out.push('', t.perCategory)
  for (const c of stats.categories) out.push(`  ${padEnd(c.category, 28)} ${String(c.answers).padStart(3)}   ${c.mean?.toFixed(1) ?? '—'}`)
  // Titles, categories and ids come from banks and session files: shown, never sent to the terminal raw.
  deps.stdout.write(escapeControlChars(out.join('\n')) + '\n')
  return EXIT.ok
}
