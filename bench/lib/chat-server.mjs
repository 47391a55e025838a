// A Chat Completions server on 127.0.0.1 for the benches: every call is answered after `latencyMs` with a
// fixed mockint verdict (dimensions keyed by id, as the judge prompt and schema ask), unless `fault(n)`
// names a fault for call n: 'rate_limit' (429 with retry-after-ms), 'server_error' (500), 'reset' (the
// connection destroyed), 'malformed' (a cut-off JSON body). Counts calls, peak concurrency, and the times
// (performance.now()) of the first request in and the last response out.
import { createServer } from 'node:http'

const DIMS = ['principle', 'scenario', 'engineering', 'observability']
const VERDICT = JSON.stringify({
  dimensions: Object.fromEntries(DIMS.map((id, i) => [id, { evidence: ['…'], rationale: 'bench', level: (i % 4) + 1 }])),
  feedback: 'bench feedback',
  missing: [],
  follow_up: 'bench follow-up',
  flags: [],
})

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

const FAULTS = {
  rate_limit: (res) => json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '100' }),
  server_error: (res) => json(res, 500, { error: { message: 'The server had an error', type: 'server_error' } }),
  reset: (res) => res.socket.destroy(),
  malformed: (res) => json(res, 200, '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assist'),
}
export const FAULT_KINDS = Object.keys(FAULTS)

/**
 * Starts the server; resolves with `{ url, stats(), close() }` once it listens. `stats()` returns
 * `{ calls, ok, first, last, peak }`.
 */
export async function startChatServer({ latencyMs = 50, fault = () => null } = {}) {
  let calls = 0
  let ok = 0
  let first = 0
  let last = 0
  let inFlight = 0
  let peak = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const n = ++calls
      if (!first) first = performance.now()
      const kind = fault(n)
      inFlight++
      peak = Math.max(peak, inFlight)
      setTimeout(() => {
        inFlight--
        if (kind) return FAULTS[kind](res)
        ok++
        json(res, 200, {
          id: `c${n}`,
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4.1-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: VERDICT, refusal: null }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1800, completion_tokens: 250, total_tokens: 2050, prompt_tokens_details: { cached_tokens: 1024 } },
        })
        last = performance.now()
      }, latencyMs)
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    stats: () => ({ calls, ok, first, last, peak }),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
