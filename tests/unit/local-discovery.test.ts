/**
 * Finding a local OpenAI-compatible server for `--judge auto`, against real servers on 127.0.0.1 (random
 * ports, named through MOCKINT_LOCAL_PORTS the way the e2e tests do).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig, withDiscovery } from '../../src/core/config/resolve.js'
import { CACHE_TTL_MS, chooseModel, discoverLocalServer, localCandidates, probeLocalServers } from '../../src/providers/local-discovery.js'
import { tempDir } from '../helpers/cli.js'

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r).closeAllConnections())
})

/** A server answering GET /v1/models with these ids; `hang` never answers; `status` answers that. */
async function serve(opts: { models?: string[]; hang?: boolean; status?: number }): Promise<{ port: number; hits: () => number }> {
  let hits = 0
  const s = createServer((req, res) => {
    hits++
    if (opts.hang) return
    if (req.url !== '/v1/models') return void res.writeHead(404).end()
    res.writeHead(opts.status ?? 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ object: 'list', data: (opts.models ?? []).map((id) => ({ id, object: 'model', owned_by: 'library' })) }))
  })
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  servers.push(s)
  return { port: (s.address() as AddressInfo).port, hits: () => hits }
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('which ports are probed', () => {
  it('the default ports in order of preference, or MOCKINT_LOCAL_PORTS', () => {
    expect(localCandidates({}).map((c) => `${c.name}:${c.port}`)).toEqual(['ollama:11434', 'lmstudio:1234', 'llamacpp:8080', 'vllm:8000'])
    expect(localCandidates({ MOCKINT_LOCAL_PORTS: 'vllm=4000, 4001' })).toEqual([{ name: 'vllm', port: 4000 }, { name: undefined, port: 4001 }])
    expect(localCandidates({ MOCKINT_LOCAL_PORTS: 'none' })).toEqual([])
  })
  it('a part that is not a port is an error naming the variable', () => {
    expect(() => localCandidates({ MOCKINT_LOCAL_PORTS: 'ollama=99999' })).toThrow(/^MOCKINT_LOCAL_PORTS: "ollama=99999" is not a port/)
    expect(() => localCandidates({ MOCKINT_LOCAL_PORTS: 'nginx=80' })).toThrow(/names: ollama, lmstudio, llamacpp, vllm/)
  })
})

describe('probeLocalServers', () => {
  it('takes the first in order of preference that lists a model, skipping closed ports, errors and empty lists', async () => {
    const closed = await closedPort()
    const empty = await serve({ models: [] })
    const broken = await serve({ models: ['x'], status: 500 })
    const lm = await serve({ models: ['qwen2.5-7b-instruct'] })
    const vllm = await serve({ models: ['Qwen/Qwen2.5-7B-Instruct'] })
    const found = await probeLocalServers([
      { name: 'ollama', port: closed },
      { name: 'lmstudio', port: empty.port },
      { name: 'llamacpp', port: broken.port },
      { name: 'lmstudio', port: lm.port },
      { name: 'vllm', port: vllm.port },
    ])
    expect(found).toEqual({ name: 'lmstudio', port: lm.port, baseUrl: `http://127.0.0.1:${lm.port}/v1`, models: ['qwen2.5-7b-instruct'] })
  })

  it('prefers an earlier port even when a later one answers first', async () => {
    const slowFirst = createServer((_req, res) => setTimeout(() => res.writeHead(200).end(JSON.stringify({ data: [{ id: 'slow' }] })), 60))
    await new Promise<void>((r) => slowFirst.listen(0, '127.0.0.1', r))
    servers.push(slowFirst)
    const fast = await serve({ models: ['fast'] })
    const found = await probeLocalServers([{ name: 'ollama', port: (slowFirst.address() as AddressInfo).port }, { port: fast.port }])
    expect(found?.models).toEqual(['slow'])
  })

  it('waits no longer than its budget for a server that never answers', async () => {
    const hang = await serve({ hang: true })
    const t0 = performance.now()
    expect(await probeLocalServers([{ name: 'ollama', port: hang.port }], 150)).toBeUndefined()
    const took = performance.now() - t0
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(600)
  })
})

describe('discoverLocalServer remembers for 10 minutes', () => {
  it('"nothing found" is remembered: a server started afterwards is not probed until the memory expires or doctor asks afresh', async () => {
    const home = tempDir()
    const port = await closedPort()
    let now = 1_000_000
    const env = { MOCKINT_LOCAL_PORTS: `ollama=${port}` }
    expect((await discoverLocalServer({ home, env, now: () => now })).server).toBeUndefined()
    const cache = JSON.parse(readFileSync(join(home, 'cache', 'local-judge.json'), 'utf8'))
    expect(cache).toMatchObject({ version: 1, checked_at: now, found: null })

    // A server now listens on that port.
    const s = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'llama3.2' }] })))
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r))
    servers.push(s)
    now += CACHE_TTL_MS - 1
    const remembered = await discoverLocalServer({ home, env, now: () => now })
    expect(remembered.cached).toBe(true)
    expect(remembered.server).toBeUndefined()
    expect((await discoverLocalServer({ home, env, now: () => now, fresh: true })).server?.models).toEqual(['llama3.2'])
    // …and after ten minutes the probe runs again by itself.
    now += CACHE_TTL_MS + 1
    await discoverLocalServer({ home, env: { MOCKINT_LOCAL_PORTS: `ollama=${port},4001` }, now: () => now }) // other ports: another question
    expect((await discoverLocalServer({ home, env, now: () => now })).server?.name).toBe('ollama')
  })

  it('a remembered server is checked again, and forgotten when it has gone', async () => {
    const home = tempDir()
    const a = await serve({ models: ['m1'] })
    const env = { MOCKINT_LOCAL_PORTS: `ollama=${a.port}` }
    expect((await discoverLocalServer({ home, env })).cached).toBe(false)
    const again = await discoverLocalServer({ home, env })
    expect(again).toMatchObject({ cached: true, server: { port: a.port, models: ['m1'] } })
    expect(a.hits()).toBe(2)
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r).closeAllConnections())
    const gone = await discoverLocalServer({ home, env })
    expect(gone.cached).toBe(false)
    expect(gone.server).toBeUndefined()
  })

  it('an unwritable home costs the memory, never the answer', async () => {
    const a = await serve({ models: ['m1'] })
    // A home that is a file: the cache folder cannot be made under it.
    const home = join(tempDir(), 'file')
    writeFileSync(home, '')
    const found = await discoverLocalServer({ home, env: { MOCKINT_LOCAL_PORTS: `${a.port}` } })
    expect(found.server?.models).toEqual(['m1'])
  })
})

describe('the model and the configuration', () => {
  it('uses --model when the server lists it, else the first chat model it lists, and says why', () => {
    expect(chooseModel(['nomic-embed-text', 'qwen2.5:7b', 'llama3'], 'llama3')).toEqual({ model: 'llama3', why: 'configured' })
    expect(chooseModel(['nomic-embed-text', 'qwen2.5:7b'], undefined)).toEqual({ model: 'qwen2.5:7b', why: 'first' })
    expect(chooseModel(['nomic-embed-text', 'qwen2.5:7b'], 'gpt-4.1-mini')).toEqual({ model: 'qwen2.5:7b', why: 'configured-missing' })
    expect(chooseModel(['bge-m3'], undefined)).toEqual({ model: 'bge-m3', why: 'first' })
  })

  it('a found server becomes the LLM judge without any key; configured judges are left alone', () => {
    const found = { name: 'ollama', port: 11434, baseUrl: 'http://127.0.0.1:11434/v1', models: ['q'], model: 'q', modelWhy: 'first' as const }
    const discovery = { probed: [{ name: 'ollama', port: 11434 }], cached: false, found }
    const auto = resolveConfig({ flags: {}, env: {}, file: { api_key_env: 'MY_KEY' }, homeDir: '/h' })
    const c = withDiscovery(auto, discovery)
    expect(c).toMatchObject({ effectiveJudge: 'openai', provider: 'ollama', baseUrl: found.baseUrl, model: 'q', apiKey: undefined, apiKeyEnv: undefined })
    const offline = resolveConfig({ flags: { judge: 'offline' }, env: {}, file: {}, homeDir: '/h' })
    expect(withDiscovery(offline, discovery)).toBe(offline)
    const keyed = resolveConfig({ flags: {}, env: { OPENAI_API_KEY: 'sk-x' }, file: {}, homeDir: '/h' })
    expect(withDiscovery(keyed, discovery)).toBe(keyed)
  })
})
