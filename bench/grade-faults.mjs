// mockint grade with 20% of calls failing (429 with Retry-After, 500, connection reset, malformed JSON)
// against a loopback Chat Completions server: every answer must be graded, none twice.
// Usage: node bench/grade-faults.mjs [answers] [failureRate]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FAULT_KINDS, startChatServer } from './lib/chat-server.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const N = Number(process.argv[2] ?? 1000)
const RATE = Number(process.argv[3] ?? 0.2)
let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]))
const server = await startChatServer({
  latencyMs: 20,
  fault() {
    const r = rand()
    if (r >= RATE) return null
    const kind = FAULT_KINDS[Math.floor((r / RATE) * FAULT_KINDS.length)]
    faults[kind]++
    return kind
  },
})
const url = server.url
const dir = mkdtempSync(join(tmpdir(), 'mockint-bench-faults-'))
const input = join(dir, 'answers.jsonl')
writeFileSync(input, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `f${i}`, question: 'Explain the KV cache.', answer: `answer ${i}` })).join('\n') + '\n')
const out = join(dir, 'out.jsonl')
const started = performance.now()
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(root, 'bin/mockint.js'), 'grade', input, '--out', out, '--no-cache', '--concurrency', '32', '--judge', 'openai', '--base-url', url, '--model', 'gpt-4.1-mini'], {
    env: { ...process.env, MOCKINT_HOME: join(dir, 'home'), NO_COLOR: '1', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  child.on('close', (c) => {
    if (c !== 0) process.stderr.write(err.slice(-3000))
    resolve(c)
  })
})
const wall = performance.now() - started
const { calls } = server.stats()
await server.close()
const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const perId = new Map()
for (const r of rows) perId.set(r.id, (perId.get(r.id) ?? 0) + 1)
rmSync(dir, { recursive: true, force: true })
const graded = rows.filter((r) => r.status === 'graded').length
const twice = [...perId.values()].filter((n) => n > 1).length
const injected = Object.values(faults).reduce((a, b) => a + b, 0)
const result = {
  answers: N,
  exit: code,
  graded,
  errors: rows.length - graded,
  ids_twice: twice,
  calls,
  injected_faults: injected,
  fault_rate: +(injected / calls).toFixed(3),
  ...faults,
  extra_calls_ratio: +(calls / N).toFixed(2),
  wall_s: +(wall / 1000).toFixed(1),
  pass: code === 0 && graded === N && perId.size === N && twice === 0,
}
console.table([result])
console.log(JSON.stringify(result))
process.exitCode = result.pass ? 0 : 1
