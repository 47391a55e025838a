import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll } from 'vitest'
import { run } from '../../src/cli/run.js'
import type { CliDeps } from '../../src/cli/deps.js'
import { nodeHost } from '../../src/cli/host.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

const made: string[] = []
// Every test file that uses tempDir removes its folders when it ends (a test that made one unreadable or
// read-only gets it back first); MOCKINT_KEEP_TMP=1 keeps them for a post-mortem.
afterAll(() => {
  if (process.env.MOCKINT_KEEP_TMP) return
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true })
    } catch {
      try {
        chmodSync(dir, 0o700)
        rmSync(dir, { recursive: true, force: true })
      } catch {
        // a folder a test locked harder (chattr, a mount) is left to the OS's temp cleaning
      }
    }
  }
})

/** A fresh temp folder (for MOCKINT_HOME, XDG folders, output files), removed when the test file ends. */
export function tempDir(prefix = 'mockint-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/**
 * Runs mockint in-process with `run(argv, deps)`: no terminal, a private home, NO_COLOR.
 * `env` is merged over an isolated environment (no OPENAI_API_KEY unless given).
 */
export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string; signal?: AbortSignal } = {},
): Promise<CliResult> {
  const home = tempDir()
  let stdout = ''
  let stderr = ''
  const stdin = new PassThrough()
  stdin.end(opts.stdin ?? '')
  const deps: CliDeps = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false, columns: 100 },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    stdin,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      MOCKINT_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      NO_COLOR: '1',
      // `--judge auto` must not find a server on a default local port (the discovery tests set their own).
      MOCKINT_LOCAL_PORTS: 'none',
      ...opts.env,
    },
    cwd: opts.cwd ?? process.cwd(),
    homeDir: home,
    signal: opts.signal,
    now: () => Date.now(),
    host: nodeHost(),
  }
  const code = await run(argv, deps)
  return { code, stdout, stderr }
}
