// Runs every benchmark in bench/ (each a standalone .mjs script using dist/) one after the other.
// `npm run bench` builds first. Pass names to run a subset: `node bench/run.js startup check`.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort()

let failed = 0
for (const script of scripts) {
  console.log(`\n=== ${script}`)
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', dir + script], { stdio: 'inherit' })
    child.on('close', resolve)
  })
  if (code !== 0) {
    failed++
    console.log(`!!! ${script} exited ${code}`)
  }
}
process.exitCode = failed ? 1 : 0
