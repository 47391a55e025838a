import { spawn } from 'node:child_process'
import { join } from 'node:path'

export interface SpawnResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export const BIN = join(process.cwd(), 'bin/mockint.js')

/**
 * Runs a command asynchronously (never spawnSync: a loopback server may run in this process) and collects
 * its output. `timeoutMs` kills it with SIGKILL.
 */
export function spawnAsync(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? process.cwd(),
      // MOCKINT_LOCAL_PORTS=none: `--judge auto` must not find a server another test (or the machine) runs on
      // a default local port; the discovery tests set it themselves.
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, MOCKINT_LOCAL_PORTS: 'none', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Runs the built mockint binary. */
export function mockint(args: string[], opts: Parameters<typeof spawnAsync>[2] = {}): Promise<SpawnResult> {
  return spawnAsync(process.execPath, [BIN, ...args], opts)
}
