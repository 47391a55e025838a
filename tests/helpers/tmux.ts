import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeAll } from 'vitest'

const run = promisify(execFile)

/** Whether `tmux` can be run here. */
export async function hasTmux(): Promise<boolean> {
  try {
    await run('tmux', ['-V'])
    return true
  } catch {
    return false
  }
}

/**
 * Reason to skip tmux tests, or null to run them. On CI (`CI=true`) they never skip: a missing tmux is a
 * failure there, not a silent pass.
 */
export async function tmuxSkipReason(): Promise<string | null> {
  if (await hasTmux()) return null
  if (process.env.CI === 'true') throw new Error('tmux is required on CI for the interview e2e tests (apt-get install -y tmux)')
  return 'tmux is not installed: the interview e2e tests need it (apt-get install -y tmux)'
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07]*\x07/g, '')

let counter = 0

/**
 * Captures every 100 ms until `pattern` matches (never a fixed sleep: a test waits exactly as long as the
 * program needs); throws with the last 40 rows of the last capture once `timeoutMs` has passed.
 */
async function poll(
  capture: () => Promise<string>,
  pattern: RegExp | ((text: string) => boolean),
  timeoutMs: number,
  name: string,
): Promise<string> {
  const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s)
  const until = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < until) {
    last = await capture()
    if (test(last)) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)} in tmux ${name}; screen:\n${last.split('\n').slice(-40).join('\n')}`)
}

/** A program running in a detached tmux session of a fixed size, driven by keys, read by screen captures. */
export interface TmuxSession {
  name: string
  /** Types text literally (no key names). */
  type(text: string): Promise<void>
  /** Sends tmux key names: `Enter`, `C-d`, `C-c`. */
  keys(...keys: string[]): Promise<void>
  /** The visible screen, ANSI stripped. */
  screen(): Promise<string>
  /** The whole scrollback plus screen, ANSI stripped; `join` glues rows the terminal itself wrapped. */
  history(join?: boolean): Promise<string>
  /** Waits until the scrollback matches; throws with the last capture on timeout. */
  waitFor(pattern: RegExp | ((text: string) => boolean), timeoutMs?: number): Promise<string>
  /** Waits until the visible screen (not the scrollback) matches; throws with the last capture on timeout. */
  waitScreen(pattern: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>
  /** Resizes the window, as a user dragging the terminal's corner. */
  resize(width: number, height: number): Promise<void>
  /** Pastes `text` as a terminal paste (bracketed when the program asked for it). */
  paste(text: string): Promise<void>
  /** Resolves with the program's exit code once it has ended (printed by the wrapper). */
  exitCode(timeoutMs?: number): Promise<number>
  kill(): Promise<void>
}

/**
 * Starts `argv` in `cwd` with `env` in a tmux session `width`×`height`. The command runs through `sh -c`
 * and prints `__EXIT=<code>` when done, then keeps the pane open so its last screen can be read.
 */
export async function startTmux(opts: {
  argv: string[]
  env: Record<string, string>
  cwd: string
  width?: number
  height?: number
}): Promise<TmuxSession> {
  const name = `mockint-e2e-${process.pid}-${++counter}`
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const envs = Object.entries(opts.env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ')
  const cmd = `cd ${q(opts.cwd)} && env ${envs} ${opts.argv.map(q).join(' ')}; echo "__EXIT=$?"; sleep 3600`
  await run('tmux', ['new-session', '-d', '-s', name, '-x', String(opts.width ?? 100), '-y', String(opts.height ?? 40), cmd])
  // History large enough to hold a whole report.
  await run('tmux', ['set-option', '-t', name, 'history-limit', '20000']).catch(() => undefined)
  const t: TmuxSession = {
    name,
    async type(text) {
      await run('tmux', ['send-keys', '-t', name, '-l', text])
    },
    async keys(...keys) {
      await run('tmux', ['send-keys', '-t', name, ...keys])
    },
    async screen() {
      const { stdout } = await run('tmux', ['capture-pane', '-p', '-t', name])
      return stripAnsi(stdout)
    },
    async history(join = true) {
      const args = ['capture-pane', '-p', ...(join ? ['-J'] : []), '-S', '-', '-t', name]
      const { stdout } = await run('tmux', args, { maxBuffer: 16 * 1024 * 1024 })
      return stripAnsi(stdout)
    },
    waitFor(pattern, timeoutMs = 30_000) {
      return poll(() => t.history(), pattern, timeoutMs, name)
    },
    waitScreen(pattern, timeoutMs = 30_000) {
      return poll(() => t.screen(), pattern, timeoutMs, name)
    },
    async resize(width, height) {
      await run('tmux', ['resize-window', '-t', name, '-x', String(width), '-y', String(height)])
    },
    async paste(text) {
      const buffer = `${name}-paste`
      await run('tmux', ['set-buffer', '-b', buffer, text])
      await run('tmux', ['paste-buffer', '-p', '-d', '-b', buffer, '-t', name])
    },
    async exitCode(timeoutMs = 20_000) {
      const text = await t.waitFor(/__EXIT=\d+/, timeoutMs)
      return Number(/__EXIT=(\d+)/.exec(text)![1])
    },
    async kill() {
      await run('tmux', ['kill-session', '-t', name]).catch(() => undefined)
    },
  }
  return t
}

/** The environment of an isolated interview run: its own home, data and config folders, no colour. */
export function interviewEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    MOCKINT_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    // `--judge auto` must not find a server on a default local port (the discovery tests set their own).
    MOCKINT_LOCAL_PORTS: 'none',
    ...extra,
  }
}

/**
 * Starts `mockint interview <args>` (the built binary) in a fresh tmux session with `interviewEnv(home)`,
 * and adds it to `sessions` so the test file's `afterEach` can kill it.
 */
export async function startInterview(
  sessions: TmuxSession[],
  home: string,
  args: string[],
  opts: { env?: Record<string, string>; width?: number; height?: number } = {},
): Promise<TmuxSession> {
  const t = await startTmux({
    argv: [process.execPath, join(process.cwd(), 'bin/mockint.js'), 'interview', ...args],
    env: interviewEnv(home, opts.env),
    cwd: process.cwd(),
    width: opts.width ?? 100,
    height: opts.height ?? 40,
  })
  sessions.push(t)
  return t
}

/** The fixture bank of the interview tests (category `fixture`). */
export const INTERVIEW_FIXTURES = resolve('tests/fixtures/banks/interview')

export interface InterviewTmux {
  /** Why this file's tmux tests are skipped (tmux missing, off CI), or null to run them. */
  skip: string | null
  /** Starts `mockint interview <args>` as {@link startInterview} does; the session is killed after the test. */
  start(home: string, args: string[], opts?: { env?: Record<string, string>; width?: number; height?: number }): Promise<TmuxSession>
}

/**
 * The preamble of a tmux test file: says once (with `label`) why its tests are skipped, fails them when the
 * binary is not built, and kills every session `start` started after each test.
 */
export async function useInterviewTmux(label: string): Promise<InterviewTmux> {
  const skip = await tmuxSkipReason()
  if (skip) console.warn(`[${label}] skipped: ${skip}`)
  const sessions: TmuxSession[] = []
  beforeAll(() => {
    if (!existsSync(join(process.cwd(), 'dist/cli/main.js'))) throw new Error('run `npm run build` before the e2e tests')
  })
  afterEach(async () => {
    for (const t of sessions.splice(0)) await t.kill()
  })
  return { skip, start: (home, args, opts = {}) => startInterview(sessions, home, args, opts) }
}

/** The id and the events of the (only) session file under `home`. */
export function sessionFile(home: string): { id: string; lines: any[] } {
  const dir = join(home, 'data', 'sessions')
  const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!
  return { id: file.replace(/\.jsonl$/, ''), lines: readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) }
}
