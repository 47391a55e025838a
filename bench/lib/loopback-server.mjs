// The load generator of bench/grade-throughput.mjs, in a process of its own: bench/lib/chat-server.mjs
// answering every call after LATENCY ms with a fixed verdict. Prints `{"url": …}` on stdout once listening;
// on SIGTERM prints `{"calls", "first", "last", "peak"}` (times in ms since it started, as it saw them:
// first request in, last response out) and exits.
// Usage: node bench/lib/loopback-server.mjs <latencyMs>
import { startChatServer } from './chat-server.mjs'

const server = await startChatServer({ latencyMs: Number(process.argv[2] ?? 50) })
process.stdout.write(JSON.stringify({ url: server.url }) + '\n')
process.on('SIGTERM', () => {
  const { calls, first, last, peak } = server.stats()
  process.stdout.write(JSON.stringify({ calls, first, last, peak }) + '\n', () => process.exit(0))
})
