import { existsSync } from 'node:fs'
import { InputError } from '../core/errors.js'
import type { Lang } from '../core/i18n.js'
import type { SessionReport } from '../core/report/session-report.js'
import { escapeControlChars } from '../core/text/control.js'
import type { CommandContext } from './command.js'
import { loadCliBank, loadCliConfig } from './context.js'

/**
 * Loads sessions and builds their reports with the current banks. `ids` undefined → every session, oldest
 * first. Warnings about skipped lines go to stderr.
 */
export async function loadSessionReports(
  ctx: CommandContext,
  opts: { ids?: string[]; lang?: string; bank?: string[]; oneLanguage?: boolean },
): Promise<{ reports: SessionReport[]; home: string; lang: Lang }> {
  const { deps } = ctx
  const { buildSessionReport } = await import('../core/report/session-report.js')
  const { listSessionIds, loadSession } = await import('../core/session/store.js')
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
