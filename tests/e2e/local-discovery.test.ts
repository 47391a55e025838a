/**
 * `--judge auto` with nothing configured finds a local OpenAI-compatible server, on the built binary against
 * the loopback Chat Completions server answering like Ollama's /v1/models. MOCKINT_LOCAL_PORTS points the
 * probe at the test server's port; one test uses Ollama's real default port, 11434, when it is free.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI } from '../helpers/fake-openai-server.js'
import { freePort, portFree, serveModels, unconfiguredEnv, useFakeOpenAI, type ModelEntry } from '../helpers/openai-setup.js'
import { mockint } from '../helpers/spawn.js'

/** What Ollama's OpenAI-compatible /v1/models answers with two models pulled. */
const OLLAMA_MODELS: ModelEntry[] = [
  { id: 'nomic-embed-text:latest', object: 'model', created: 1733000000, owned_by: 'library' },
  { id: 'qwen2.5:7b', object: 'model', created: 1733000000, owned_by: 'library' },
]

const srv = useFakeOpenAI({ models: OLLAMA_MODELS })
let input: string
beforeAll(async () => {
  input = join(tempDir(), 'answers.jsonl')
  writeFileSync(input, JSON.stringify({ id: 'a1', question: 'What is a KV cache?', answer: 'It keeps the keys and values of past tokens. [[levels:3,2,2,1]]' }) + '\n')
})
const port = () => new URL(srv.url).port

describe('--judge auto with nothing configured', () => {
  it('grades with the server it finds, says which model and why, and sends no key', async () => {
    const home = tempDir()
    const r = await mockint(['grade', input, '--no-cache'], { env: unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: `ollama=${port()}`, OPENROUTER_API_KEY: 'sk-or-not-for-ollama-1234' }) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`judge: ollama at http://127.0.0.1:${port()}/v1, model qwen2.5:7b (found on port ${port()}; the first model it lists; --judge offline to turn off)`)
    const record = JSON.parse(r.stdout.trim())
    expect(record).toMatchObject({ status: 'graded', judge: { kind: 'openai', provider: 'ollama', model: 'qwen2.5:7b' } })
    expect(srv.chatRequests()).toHaveLength(1)
    expect(srv.chatRequests()[0]!.body.model).toBe('qwen2.5:7b')
    // A server found on a port is sent no key at all (the SDK's placeholder only).
    for (const req of srv.requests) expect(req.headers.authorization ?? '').not.toMatch(/sk-or/)
  })

  it('uses --model when the server lists it; the next run asks the cache and checks the server once', async () => {
    const home = tempDir()
    const env = unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: `ollama=${port()}` })
    const first = await mockint(['grade', input, '--no-cache', '--model', 'nomic-embed-text:latest'], { env })
    expect(first.stderr).toContain('model nomic-embed-text:latest (found on port')
    expect(first.stderr).toContain('--model nomic-embed-text:latest is listed there')
    srv.reset()
    serveModels(srv, OLLAMA_MODELS)
    const second = await mockint(['grade', input, '--no-cache', '--model', 'llama3'], { env })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain('model qwen2.5:7b (found on port')
    expect(second.stderr).toContain('llama3 (--model) is not listed there, so the first it lists')
    expect(srv.requests.filter((q) => q.path === '/v1/models')).toHaveLength(1)
  })

  it('--judge offline and MOCKINT_JUDGE=offline do not look: no request reaches the server', async () => {
    for (const extra of [{ args: ['--judge', 'offline'], env: {} }, { args: [], env: { MOCKINT_JUDGE: 'offline' } }]) {
      srv.reset()
      const home = tempDir()
      const r = await mockint(['grade', input, ...extra.args], { env: unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: `ollama=${port()}`, ...extra.env }) })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/judge: offline/)
      expect(srv.requests).toHaveLength(0)
    }
  })

  it('with nothing listening, grades offline and says that no local server was found on which ports', async () => {
    const home = tempDir()
    const closed = await freePort()
    const r = await mockint(['grade', input], { env: unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: `ollama=${closed}` }) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`no OpenAI-compatible server on the local default ports (${closed})`)
    expect(JSON.parse(r.stdout.trim()).judge.kind).toBe('offline')
  })

  it('a configured key or base URL is never replaced by a found server', async () => {
    const other = await startFakeOpenAI()
    try {
      const home = tempDir()
      const r = await mockint(['grade', input, '--no-cache', '--base-url', other.url, '--model', 'm'], { env: unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: `ollama=${port()}` }) })
      expect(r.code, r.stderr).toBe(0)
      expect(other.chatRequests()).toHaveLength(1)
      expect(srv.requests).toHaveLength(0)
    } finally {
      await other.close()
    }
  })
})

describe("Ollama's real default port", () => {
  it('with nothing configured and a compatible server on 127.0.0.1:11434, `mockint grade` uses it', async (t) => {
    if (!(await portFree(11434))) {
      if (process.env.CI === 'true') throw new Error('port 11434 is taken on CI: something else runs there (an Ollama?); free it for this test')
      t.skip('port 11434 is taken on this machine (an Ollama running?); the MOCKINT_LOCAL_PORTS tests above cover the same path')
      return
    }
    const onDefault = await startFakeOpenAI({ port: 11434 })
    try {
      serveModels(onDefault, OLLAMA_MODELS)
      const home = tempDir()
      // MOCKINT_LOCAL_PORTS unset: the real default ports are probed.
      const r = await mockint(['grade', input, '--no-cache'], { env: unconfiguredEnv(home, { MOCKINT_LOCAL_PORTS: undefined }) })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain('judge: ollama at http://127.0.0.1:11434/v1, model qwen2.5:7b (found on port 11434;')
      expect(onDefault.chatRequests()).toHaveLength(1)
    } finally {
      await onDefault.close()
    }
  })
})
