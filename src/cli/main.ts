import { setMaxListeners } from 'node:events'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import type { CliDeps } from './deps.js'
import { nodeHost } from './host.js'
import { PACKAGE_ROOT_URL } from '../core/package-root.js'

function nodeDeps(): CliDeps {
  const controller = new AbortController()
  // The one cancel signal of the process: every judge call in flight listens to it (64 with
  // `grade --concurrency 64`), which is by design, not the listener leak Node warns about past 10.
  setMaxListeners(0, controller.signal)
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
    host: nodeHost(),
  }
}

// A reader that goes away (`mockint bank list | head`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw e
  })

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Fast path: scripts call `mockint --version` to probe for the tool; answer without loading the program.
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT_URL), 'utf8')) as { version: string }
  process.stdout.write(pkg.version + '\n')
} else {
  const { run } = await import('./run.js')
  process.exitCode = await run(argv, nodeDeps())
  // The command has finished and awaited everything it writes. Leave once stdout and stderr have handed
  // their bytes to the OS (a pipe is asynchronous on some systems): a natural exit would first free the
  // whole heap page by page, ≈ 10 ms after grading one answer. 'exit' listeners still run.
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit()
}

/** Resolves when nothing written to `stream` is still queued in the process. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done)
      resolve()
    }
    stream.on('drain', done).on('close', done).on('error', done)
  })
}

