import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { InputError } from '../../core/errors.js'
import { escapeControlChars } from '../../core/text/control.js'
import type { Lang } from '../../core/i18n.js'
import type { SessionReport } from '../../core/report/session-report.js'
import type { CommandContext } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'
import { loadCliBank, loadCliConfig } from '../context.js'
import { checkOutputPath } from '../../core/output-path.js'

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report <session-id>')
    .description("print one session's report again (`latest` for the most recent)")
    .option('--html <file>', 'also write the report as an HTML page')
    .addOption(new Option('--format <format>', 'text, md (Markdown) or json (the report data)').choices(['text', 'md', 'json']).default('text'))
    .addOption(new Option('--lang <lang>', 'language of the report').choices(['en', 'zh']))
    .option('--bank <path...>', 'add banks (files or folders) to the shipped ones')
    .action(async (id: string, opts: ReportOptions) => ctx.setExit(await runReport(ctx, id, opts)))
}

export interface ReportOptions {
  html?: string
  format?: string
  lang?: string
  bank?: string[]
}

/**
 * Loads sessions and builds their reports with the current banks. `ids` undefined → every session, oldest
 * first. Warnings about skipped lines go to stderr.
 */
export async function loadSessionReports(
  ctx: CommandContext,
  opts: { ids?: string[]; lang?: string; bank?: string[]; oneLanguage?: boolean },
): Promise<{ reports: SessionReport[]; home: string; lang: Lang }> {
  const { deps } = ctx
  const { buildSessionReport } = await import('../../core/report/session-report.js')
  const { listSessionIds, loadSession } = await import('../../core/session/store.js')
  const config = await loadCliConfig(deps, { lang: opts.lang })
  const home = config.home
  const ids = opts.ids ?? listSessionIds(home)
  const loaded = ids.map((id) => {
    const s = loadSession(home, id)
    if (!s) {
      const latest = listSessionIds(home).slice(-3).join(', ')
      throw new InputError(`no session "${id}"${latest ? ` (latest: ${latest})` : ''}; \`mockint history\` lists them`, { file: `${home}/sessions/${id}.jsonl` })
    }
    return s
  })
  // Sessions name the extra banks their questions came from; load those that still exist.
  const extra = new Set(opts.bank ?? [])
  for (const s of loaded) for (const e of s.events) if (e.type === 'session_start') for (const b of e.banks) if (existsSync(b)) extra.add(b)
  const bank = await loadCliBank(deps, config, [...extra])
  const reports: SessionReport[] = []
  for (const s of loaded) {
    const id = s.id
    for (const w of s.warnings) deps.stderr.write(`warning: ${escapeControlChars(w)}\n`)
    if (!s.events.some((e) => e.type === 'session_start')) {
      deps.stderr.write(`warning: ${s.path}: no session start line; skipped\n`)
      continue
    }
    const start = s.events.find((e) => e.type === 'session_start')
    // One session's report reads in the language it was held in; tables across sessions (history, stats)
    // use one language throughout, or dimension titles would change language from row to row.
    const lang = (opts.lang ?? (!opts.oneLanguage && start?.type === 'session_start' ? start.options.lang : config.lang)) as Lang
    reports.push(
      buildSessionReport(id, s.events, { question: (q) => bank.byId.get(q)?.question, rubric: (r) => bank.rubrics.get(r)?.rubric }, lang),
    )
  }
  return { reports, home, lang: config.lang }
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
    deps.stderr.write(report.lang === 'zh' ? `HTML 报告已写入：${opts.html}\n` : `HTML report written: ${opts.html}\n`)
  }
  return EXIT.ok
}
