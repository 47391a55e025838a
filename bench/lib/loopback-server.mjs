// The load generator of bench/grade-throughput.mjs, in a process of its own: a Chat Completions server on
// 127.0.0.1 that answers every call after LATENCY ms with a fixed verdict. Prints `{"url": …}` on stdout
// once listening; on SIGTERM prints `{"calls", "first", "last", "peak"}` (times in ms since it started,
// as it saw them: first request in, last response out) and exits.
// Usage: node bench/lib/loopback-server.mjs <latencyMs>
import { createServer } from 'node:http'

const LATENCY = Number(process.argv[2] ?? 50)
const DIMS = ['principle', 'scenario', 'engineering', 'observability']
const verdict = JSON.stringify({
  // Keyed by dimension id, as the judge prompt and schema ask.
  dimensions: Object.fromEntries(DIMS.map((id, i) => [id, { evidence: ['…'], rationale: 'bench', level: (i % 4) + 1 }])),
  feedback: 'bench feedback',
  missing: [],
  follow_up: 'bench follow-up',
  flags: [],
})

let first = 0
let last = 0
let calls = 0
let inFlight = 0
let peak = 0
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    calls++
    if (!first) first = performance.now()
    inFlight++
    peak = Math.max(peak, inFlight)
    const n = calls
    setTimeout(() => {
      inFlight--
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: `c${n}`,
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4.1-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: verdict, refusal: null }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1800, completion_tokens: 250, total_tokens: 2050, prompt_tokens_details: { cached_tokens: 1024 } },
        }),
      )
      last = performance.now()
    }, LATENCY)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/v1` }) + '\n')
})
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ calls, first, last, peak }) + '\n', () => process.exit(0))
})
