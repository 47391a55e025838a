import type { DoctorReport } from '../doctor-checks.js'
import { escapeControlChars } from '../../core/text/control.js'
import { createColors } from './color.js'
import { padEnd } from './text.js'

const MARK = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip', info: 'info' } as const
const VERDICT: Record<0 | 2 | 3, string> = {
  0: 'the judge works',
  2: 'the judge does not work yet: configuration is missing or wrong (exit 2)',
  3: 'the judge does not work: the server fails (exit 3)',
}

/**
 * The doctor's checks as text: one line each (status, name, what was found), a `fix:` line under any
 * check that has one, then the verdict. Server messages are shown with their control characters escaped.
 */
export function renderDoctorReport(report: DoctorReport, opts: { env: Record<string, string | undefined>; stream: { isTTY?: boolean } }): string {
  const c = createColors(opts.env, opts.stream)
  const paint = { ok: c.green, warn: c.yellow, fail: c.red, skip: c.dim, info: c.cyan }
  const width = Math.max(...report.checks.map((k) => k.name.length))
  const lines = ['mockint doctor: the judge that `grade` and `interview` would use with these flags, environment and config', '']
  for (const k of report.checks) {
    const name = k.name.replace(/_/g, ' ')
    lines.push(`  ${paint[k.status](padEnd(MARK[k.status], 4))}  ${padEnd(name, width)}  ${escapeControlChars(k.detail)}`)
    if (k.fix) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  ${c.bold('fix:')} ${escapeControlChars(k.fix)}`)
  }
  lines.push('', report.exit_code === 0 ? c.green(VERDICT[0]) : c.red(VERDICT[report.exit_code]))
  return lines.join('\n') + '\n'
}
