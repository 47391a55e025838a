import { rm, writeFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { EnvironmentError, InputError } from '../../core/errors.js'
import { fsProblem } from '../../core/fs-errors.js'
import type { BatchSummary } from '../../core/grading/summary.js'
import type { Lang } from '../../core/lang.js'
import { EXIT, type CliDeps, type ExitCode } from '../deps.js'
import { cliMessages } from '../messages/index.js'
import { renderSummaryText } from '../ui/grade-text.js'
import type { GradeOptions, GradeOutcome } from './options.js'

/** What the closing of a run needs: where results went, the report asked for, when it started. */
export interface GradeClosing {
  opts: GradeOptions
  lang: Lang
  outPath?: string
  reportKind?: 'md' | 'html'
  /** The input's name in the report. */
  shown: string
}

/** Prints the summary, writes the report, and says how the run ended: the exit code. */
export async function finishGrade(deps: CliDeps, result: BatchSummary, outcome: GradeOutcome, run: GradeClosing): Promise<ExitCode> {
  const { opts, lang, outPath, reportKind } = run
  const now = deps.now ?? (() => Date.now())
  const t = cliMessages(lang).grade
  const text = renderSummaryText(result, { out: opts.out, minScore: opts.minScore, lang })
  // stdout carries the JSONL results when there is no --out; the summary then goes to stderr.
  ;(outPath ? deps.stdout : deps.stderr).write(text)
  if (opts.report && reportKind) {
    const meta = { input: run.shown, generated_at: new Date(now()).toISOString(), min_score: opts.minScore ?? null }
    const body =
      reportKind === 'html'
        ? (await import('../ui/batch-report-html.js')).renderBatchReportHtml(result, meta)
        : (await import('../ui/batch-report-md.js')).renderBatchReportMd(result, meta)
    await writeReport(resolve(deps.cwd, opts.report), opts.report, body, opts.out)
    deps.stderr.write(`mockint: ${t.reportWritten(opts.report)}\n`)
  }
  if (outcome.interrupted) {
    deps.stderr.write(`mockint: ${t.interrupted(result.total - result.resumed, opts.out)}\n`)
    return EXIT.interrupted
  }
  if (outcome.stopped) {
    deps.stderr.write(`mockint: ${t.stopped(outcome.stopped.cause, opts.out)}\n`)
    return EXIT.judge
  }
  if (result.errors > 0) {
    deps.stderr.write(`mockint: ${t.judgeFailed(result.errors, opts.out)}\n`)
    return EXIT.judge
  }
  if (opts.minScore !== undefined && result.mean_overall !== null && result.mean_overall < opts.minScore) {
    deps.stderr.write(`mockint: ${t.belowMinScore(result.mean_overall, opts.minScore)}\n`)
    return EXIT.content
  }
  return EXIT.ok
}

/**
 * Writes the report. Its path was checked before grading; what can still fail is the machine (a full disk,
 * a folder removed meanwhile): exit 2 in words, pointing at the results that are safe, and no half report.
 */
async function writeReport(path: string, shown: string, body: string, out: string | undefined): Promise<void> {
  try {
    await writeFile(path, body)
  } catch (e) {
    const p = fsProblem(e) ?? ((e as NodeJS.ErrnoException).code === 'ENOENT' ? { code: 'ENOENT', what: 'its folder is gone', fix: 'create it' } : undefined)
    if (!p) throw e
    // Half a page would pass for a report.
    await rm(path, { force: true }).catch(() => undefined)
    const again = out ? `the results are safe in ${out}: ${p.fix}, then run again with --resume to write the report` : `${p.fix} and run again`
    throw new EnvironmentError(`cannot write the report (${p.what}, ${p.code}); ${again}`, { file: shown })
  }
}

/** The report's kind by its extension (checked before grading). */
export function reportKindOf(file: string): 'md' | 'html' {
  const ext = extname(file).toLowerCase()
  if (ext === '.md' || ext === '.markdown') return 'md'
  if (ext === '.html' || ext === '.htm') return 'html'
  throw new InputError(`--report writes .md or .html, not "${ext || '(no extension)'}"`, { file })
}
