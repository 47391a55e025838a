import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { run } from '../../src/cli/run.js'
import type { CliDeps } from '../../src/cli/deps.js'
import { nodeHost } from '../../src/cli/host.js'
import { tempDir } from './temp.js'

export { tempDir }

export interface CliResult {
  code: number
  stdout: string
  stderr: string
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
