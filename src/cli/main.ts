import { homedir } from 'node:os'
import { run } from './run.js'
import type { CliDeps } from './deps.js'

function nodeDeps(): CliDeps {
  const controller = new AbortController()
  let interrupts = 0
  process.on('SIGINT', () => {
    interrupts++
    // First Ctrl+C: cancel what is in flight and let the command save and exit 130 itself.
    // Second: leave now. Everything given so far is already on disk (appended as it happened).
    if (interrupts === 1) controller.abort(new Error('interrupted'))
    else {
      process.stderr.write('\x1b[?25h')
      process.exit(130)
    }
  })
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    signal: controller.signal,
    now: () => Date.now(),
  }
}

process.exitCode = await run(process.argv.slice(2), nodeDeps())
