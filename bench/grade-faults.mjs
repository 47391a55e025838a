// mockint grade with 20% of calls failing (429 with Retry-After, 500, connection reset, malformed JSON)
// against a loopback Chat Completions server: every answer must be graded, none twice.
// Usage: node bench/grade-faults.mjs [answers] [failureRate]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const N = Number(process.argv[2] ?? 1000)
const RATE = Number(process.argv[3] ?? 0.2)
const DIMS = ['principle', 'scenario', 'engineering', 'observability']
const verdict = JSON.stringify({ dimensions: DIMS.map((id) => ({ id, evidence: [], rationale: 'bench', level: 3 })), feedback: 'f', missing: [], follow_up: 'u', flags: [] })
let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const faults = { rate_limit: 0, server_error: 0, reset: 0, malformed: 0 }
let calls = 0
let ok = 0
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    calls++
    const r = rand()
    setTimeout(() => {
      if (r < RATE) {
        const kind = Object.keys(faults)[Math.floor((r / RATE) * 4)]
        faults[kind]++
        if (kind === 'rate_limit') {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '100' })
          return res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }))
        }
        if (kind === 'server_error') {
          res.writeHead(500, { 'content-type': 'application/json' })
          return res.end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } }))
        }
        if (kind === 'reset') return res.socket.destroy()
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assist')
      }
      ok++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: `c${calls}`,
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4.1-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: verdict, refusal: null }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1800, completion_tokens: 250, total_tokens: 2050 },
        }),
      )
    }, 20)
  })
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}/v1`
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
server.close()
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
