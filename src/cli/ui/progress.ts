import type { Lang } from '../../core/i18n.js'
import type { OutStream } from '../deps.js'
import { cliMessages } from '../messages/index.js'
import { truncate } from './text.js'

export interface ProgressState {
  done: number
  total: number
  errors: number
  tokens: number
  /** Calls being retried or rate-limit notes, shown at the end of the line. */
  note?: string
}

/** `1.2k`, `3.4M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

/** `45s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/**
 * One progress line (pure): `[██████░░░░] 120/2000 6% · 24.1/s · ETA 1m18s · errors 0 · tokens 12.3k`.
 * `width` is the bar width in cells (0 for none).
 */
export function renderProgressLine(s: ProgressState, elapsedMs: number, width: number, lang: Lang = 'en'): string {
  const t = cliMessages(lang).progress
  const frac = s.total > 0 ? Math.min(1, s.done / s.total) : 1
  const rate = elapsedMs > 0 ? (s.done * 1000) / elapsedMs : 0
  const eta = rate > 0 && s.total > s.done ? formatDuration(((s.total - s.done) / rate) * 1000) : s.done >= s.total ? '0s' : '?'
  const filled = Math.round(frac * width)
  const bar = width > 0 ? `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ` : ''
  const parts = [
    `${bar}${s.done}/${s.total} ${Math.floor(frac * 100)}%`,
    `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s`,
    t.eta(eta),
    t.errors(s.errors),
    t.tokens(formatCount(s.tokens)),
  ]
  if (s.note) parts.push(s.note)
  return parts.join(' · ')
}

/**
 * Draws progress on stderr: in a terminal one line redrawn in place (at most every 100 ms); otherwise a
 * plain line every `plainEveryMs` (default 5 s) and one at the end. `log` prints a line above the bar.
 */
export function createProgress(stream: OutStream, opts: { total: number; now: () => number; plainEveryMs?: number; lang?: Lang }) {
  const tty = stream.isTTY === true
  const start = opts.now()
  // A plain line every few seconds from the start: a short run prints only its closing line.
  let last = tty ? 0 : start
  let drawn = false
  let printedDone = -1
  const state: ProgressState = { done: 0, total: opts.total, errors: 0, tokens: 0 }
  const plainEvery = opts.plainEveryMs ?? 5000

  function draw(force = false) {
    const now = opts.now()
    if (tty) {
      if (!force && now - last < 100) return
      last = now
      const cols = stream.columns ?? 80
      const line = renderProgressLine(state, now - start, Math.max(0, Math.min(30, cols - 70)), opts.lang)
      // Cut to the terminal's width (a Chinese line is wider than its length): a wrapped line breaks the redraw.
      stream.write(`\r\x1b[K${truncate(line, Math.max(20, cols - 1), '')}`)
      drawn = true
    } else {
      if (!force && now - last < plainEvery) return
      if (force && printedDone === state.done) return
      last = now
      printedDone = state.done
      stream.write(`mockint: ${renderProgressLine(state, now - start, 0, opts.lang)}\n`)
    }
  }

  return {
    update(next: Partial<ProgressState>) {
      // In place: called once per result, and `state` is this bar's own.
      Object.assign(state, next)
      draw()
    },
    log(line: string) {
      if (tty && drawn) stream.write('\r\x1b[K')
      stream.write(line + '\n')
      if (tty && drawn) draw(true)
    },
    finish() {
      if (tty) {
        draw(true)
        stream.write('\n')
      } else if (state.done > 0) draw(true)
    },
  }
}
