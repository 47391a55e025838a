import { Option, type Command } from 'commander'
import type { CommandContext } from '../command.js'
import { langOption, bankOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { cliMessages } from '../messages/index.js'
import { loadSessionReports } from '../sessions.js'

export function registerHistory(program: Command, ctx: CommandContext): void {
  program
    .command('history')
    .description('list past interview sessions')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(bankOption())
    .addOption(langOption('language of the captions and dimension titles'))
    .action(async (opts: { format: string; bank?: string[]; lang?: string }) => ctx.setExit(await runHistory(ctx, opts)))
}

export async function runHistory(ctx: CommandContext, opts: { format: string; bank?: string[]; lang?: string }): Promise<ExitCode> {
  const { deps } = ctx
  const { historyRow } = await import('../../core/report/progress.js')
  const { padEnd } = await import('../ui/text.js')
  const { escapeControlChars } = await import('../../core/text/control.js')
  const { reports, lang } = await loadSessionReports(ctx, { bank: opts.bank, lang: opts.lang, oneLanguage: true })
  const rows = reports.map(historyRow)
  if (opts.format === 'json') {
    deps.stdout.write(JSON.stringify(rows, null, 2) + '\n')
    return EXIT.ok
  }
  if (rows.length === 0) {
    deps.stdout.write(cliMessages(lang).history.none)
    return EXIT.ok
  }
  const head = ['id', 'date', 'questions', 'overall', 'judge', 'status']
  const table = rows.map((r) => [
    r.id,
    r.date.slice(0, 16).replace('T', ' '),
    `${r.answered}/${r.questions}`,
    r.overall === null ? '—' : r.overall.toFixed(1),
    r.judge,
    r.status,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd()
  // Ids and judge names are read back from session files: shown, never sent to the terminal raw.
  deps.stdout.write(escapeControlChars([line(head), ...table.map(line)].join('\n')) + '\n')
  const unfinished = rows.filter((r) => r.status === 'unfinished').at(-1)
  if (unfinished)
    deps.stdout.write(cliMessages(lang).history.resume(unfinished.id))
  return EXIT.ok
}
