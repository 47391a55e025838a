import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { InputError } from '../../core/errors.js'
import type { CommandContext } from '../command.js'
import { langOption, bankOption } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'
import { loadCliConfig } from '../context.js'
import { cliMessages } from '../messages/index.js'
import { loadSessionReports } from '../sessions.js'
import { checkOutputPath } from '../../core/output-path.js'

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report <session-id>')
    .description("print one session's report again (`latest` for the most recent)")
    .option('--html <file>', 'also write the report as an HTML page')
    .addOption(new Option('--format <format>', 'text, md (Markdown) or json (the report data)').choices(['text', 'md', 'json']).default('text'))
    .addOption(langOption('language of the report'))
    .addOption(bankOption())
    .action(async (id: string, opts: ReportOptions) => ctx.setExit(await runReport(ctx, id, opts)))
}

export interface ReportOptions {
  html?: string
  format?: string
  lang?: string
  bank?: string[]
}

export async function runReport(ctx: CommandContext, id: string, opts: ReportOptions): Promise<ExitCode> {
  const { deps } = ctx
  if (id === 'latest') {
    const { listSessionIds } = await import('../../core/session/store.js')
    const config = await loadCliConfig(deps, {})
    const last = listSessionIds(config.home).at(-1)
    if (!last) throw new InputError('no sessions yet; start one with `mockint interview`', { file: `${config.home}/sessions` })
    id = last
  }
  // The HTML path is checked before anything is printed: a folder or a missing folder is one line, exit 2.
  const htmlPath = opts.html ? resolve(deps.cwd, opts.html) : undefined
  if (htmlPath) await checkOutputPath(htmlPath, opts.html!, '--html', 'report.html')
  const { reports } = await loadSessionReports(ctx, { ids: [id], lang: opts.lang, bank: opts.bank })
  const report = reports[0]
  if (!report) throw new InputError('the session file holds no readable session', { file: id })
  const { renderSessionReportText, renderSessionReportHtml, renderSessionReportMarkdown } = await import('../ui/session-report.js')
  const { createColors } = await import('../ui/color.js')
  if (opts.format === 'json') deps.stdout.write(JSON.stringify(report, null, 2) + '\n')
  else if (opts.format === 'md') deps.stdout.write(renderSessionReportMarkdown(report))
  else deps.stdout.write(renderSessionReportText(report, deps.stdout.columns || 80, createColors(deps.env, deps.stdout)) + '\n')
  if (opts.html && htmlPath) {
    try {
      writeFileSync(htmlPath, renderSessionReportHtml(report))
    } catch (e) {
      throw new InputError(`cannot write the HTML report (${(e as NodeJS.ErrnoException).code}); check the folder exists`, { file: opts.html })
    }
    // In the report's own language, so the note reads like the report just printed.
    deps.stderr.write(cliMessages(report.lang).report.htmlWritten(opts.html))
  }
  return EXIT.ok
}
