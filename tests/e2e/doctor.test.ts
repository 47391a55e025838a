/**
 * `mockint doctor` on the built binary against the loopback Chat Completions server: a working judge exits
 * 0; configuration that is missing or wrong (a closed port, a model the server lacks, a refused key, a key
 * not set) exits 2 naming the URL, model or variable; a failing server exits 3. Every failure has a fix line
 * and no stack trace; `--format json` is pure JSON.
 */
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { FAKE_MODELS, freePort, serveModels, unconfiguredEnv, useFakeOpenAI } from '../helpers/openai-setup.js'
import { mockint } from '../helpers/spawn.js'

const srv = useFakeOpenAI()

const KEY = 'sk-doctor-secret-0123456789'

function doctor(args: string[], env: Record<string, string | undefined> = {}) {
  return mockint(['doctor', ...args], { env: unconfiguredEnv(tempDir(), env) })
}

/** The `fix:` line under the check named `name` in the text report. */
function fixOf(stdout: string, name: string): string | undefined {
  const lines = stdout.split('\n')
  const i = lines.findIndex((l) => new RegExp(`^  FAIL\\s+${name}\\s`).test(l))
  return i >= 0 ? lines[i + 1]?.match(/fix: (.*)$/)?.[1] : undefined
}

function noStackTrace(r: { stdout: string; stderr: string }): void {
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  expect(r.stderr).not.toMatch(/internal error/)
}

describe('a working judge', () => {
  it('every check passes: judge, reachable with latency, model listed, json_schema, calibration in band, cost; exit 0', async () => {
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^  ok    judge        OpenAI-compatible server, model fake-model at http:\/\/127\.0\.0\.1:\d+\/v1 — base URL from --base-url/m)
    expect(r.stdout).toMatch(/^  ok    reachable    GET .*\/models answered in \d+ ms \(1 model listed\)$/m)
    expect(r.stdout).toMatch(/^  ok    model        fake-model is listed$/m)
    expect(r.stdout).toMatch(/^  ok    output mode  json_schema \(strict\) accepted in \d+ ms$/m)
    expect(r.stdout).toMatch(/^  ok    calibration  the strong \(en\) calibration answer to llm-fundamentals\/kv-cache scored [\d.]+, inside its band \[65, 100\]/m)
    expect(r.stdout).toMatch(/^  info  cost         no API cost: a server on this machine$/m)
    expect(r.stdout).toMatch(/^the judge works$/m)
    // The mode probe sent a strict json_schema; the calibration grade went through the judge.
    const chats = srv.chatRequests()
    expect(chats[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } })
    expect(chats).toHaveLength(2)
  })

  it('a DeepSeek-like server that refuses json_schema is reported as json_object, with its message; exit 0', async () => {
    srv.setDefault({ rejectJsonSchema: true })
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model'])
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/output mode  json_object accepted in \d+ ms \(refused json_schema: 400 This response_format type is unavailable now\)/)
  })

  it('a server that takes neither JSON mode is a warning (plain text), not a failure', async () => {
    srv.setDefault({ rejectJsonSchema: true, rejectJsonObject: true })
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model'])
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/^  warn  output mode  plain text only \(refused json_schema: .*; json_object: 400 'response_format.type' must be/m)
  })

  it('--format json: pure JSON with each check name, status, detail and fix', async () => {
    // A model list that takes 150 ms: the reachability latency is the server's time, not a placeholder.
    serveModels(srv, FAKE_MODELS, 150)
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model', '--format', 'json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { ok: boolean; exit_code: number; judge: Record<string, unknown>; checks: Record<string, unknown>[] }
    expect(report).toMatchObject({ ok: true, exit_code: 0, judge: { kind: 'openai', provider: 'openai-compatible', model: 'fake-model', base_url: srv.url } })
    expect(report.checks.map((c) => c.name)).toEqual(['judge', 'reachable', 'model', 'output_mode', 'calibration', 'cost'])
    for (const c of report.checks) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'status', 'detail', 'fix']))
      expect(['ok', 'warn', 'fail', 'skip', 'info']).toContain(c.status)
    }
    const latency = report.checks.find((c) => c.name === 'reachable')!.latency_ms as number
    expect(latency).toBeGreaterThanOrEqual(150)
    expect(latency).toBeLessThan(30_000)
  })
})

describe('configuration missing or wrong: exit 2, naming the URL, model or variable', () => {
  it('a base URL where nothing listens (a closed port)', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/v1`
    const r = await doctor(['--base-url', url, '--model', 'm'])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain(`FAIL  reachable    nothing answers at ${url} (ECONNREFUSED)`)
    expect(fixOf(r.stdout, 'reachable')).toBe(`start the server, or check --base-url (now ${url})`)
    expect(r.stdout).toMatch(/^  skip  model +not checked \(reachable failed\)$/m)
    expect(r.stdout).toMatch(/configuration is missing or wrong \(exit 2\)/)
    noStackTrace(r)
  })

  it('Ollama not started: the fix is `ollama serve`', async () => {
    const port = await freePort()
    const r = await doctor(['--provider', 'ollama', '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'qwen2.5:7b'])
    expect(r.code).toBe(2)
    expect(fixOf(r.stdout, 'reachable')).toMatch(/^start Ollama: `ollama serve`, or check --base-url/)
  })

  it('a model the server does not list: the models it does list', async () => {
    const r = await doctor(['--base-url', srv.url, '--model', 'gpt-9'])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain(`FAIL  model        model "gpt-9" is not listed at ${srv.url}; it lists: fake-model`)
    expect(fixOf(r.stdout, 'model')).toBe('pass --model with one the server lists (e.g. --model fake-model)')
    expect(srv.chatRequests()).toHaveLength(0)
  })

  it('an Ollama model not pulled: the fix is `ollama pull <model>`', async () => {
    const r = await doctor(['--provider', 'ollama', '--base-url', srv.url, '--model', 'llama3.1:8b'])
    expect(r.code).toBe(2)
    expect(fixOf(r.stdout, 'model')).toBe('pull the model: `ollama pull llama3.1:8b`, or pass --model fake-model')
  })

  it('a key the server refuses (401): names the variable, never prints the key', async () => {
    srv.route('GET', '/v1/models', (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }))
    })
    const r = await doctor(['--model', 'fake-model'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: srv.url })
    expect(r.code).toBe(2)
    expect(r.stdout).toContain(`FAIL  reachable    ${srv.url} refused the key (401): Incorrect API key provided.`)
    expect(fixOf(r.stdout, 'reachable')).toBe('check the key in OPENAI_API_KEY: OpenAI-compatible server refused it')
    expect(srv.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(r.stdout + r.stderr).not.toContain(KEY)
    noStackTrace(r)
  })

  it('a hosted provider without its key: set DEEPSEEK_API_KEY, and nothing is sent', async () => {
    const r = await doctor(['--provider', 'deepseek', '--base-url', srv.url], { OPENAI_API_KEY: KEY })
    expect(r.code).toBe(2)
    expect(fixOf(r.stdout, 'judge')).toMatch(/^set DEEPSEEK_API_KEY /)
    expect(srv.requests).toHaveLength(0)
  })

  it('--format json on a failure: the failing check has a fix, the rest are skipped', async () => {
    const r = await doctor(['--base-url', srv.url, '--model', 'gpt-9', '--format', 'json'])
    expect(r.code).toBe(2)
    const report = JSON.parse(r.stdout) as { ok: boolean; exit_code: number; checks: { name: string; status: string; fix: string | null }[] }
    expect(report).toMatchObject({ ok: false, exit_code: 2 })
    expect(report.checks.find((c) => c.name === 'model')).toMatchObject({ status: 'fail', fix: expect.stringContaining('--model fake-model') })
    expect(report.checks.filter((c) => c.status === 'skip').map((c) => c.name)).toEqual(['output_mode', 'calibration', 'cost'])
  })
})

describe('a failing server: exit 3', () => {
  it('500 on the model list', async () => {
    srv.route('GET', '/v1/models', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }))
    })
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model'])
    expect(r.code).toBe(3)
    expect(r.stdout).toContain(`FAIL  reachable    ${srv.url}/models answered 500: boom`)
    expect(fixOf(r.stdout, 'reachable')).toBe(`the server at ${srv.url} is failing: see its logs, then run \`mockint doctor\` again`)
    noStackTrace(r)
  })

  it('500 on a completion', async () => {
    srv.script({ kind: 'server-error', status: 503 })
    const r = await doctor(['--base-url', srv.url, '--model', 'fake-model'])
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/FAIL  output mode  .* failed \(503\): The server had an error/)
  })
})

describe('the offline judge', () => {
  it('with nothing configured and nothing found: says the offline judge grades, why, and how to get an LLM judge; exit 0', async () => {
    const port = await freePort()
    const r = await doctor([], { MOCKINT_LOCAL_PORTS: `ollama=${port}` })
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toContain(`the offline judge (built-in, deterministic) will grade: no API key, base URL or provider is configured, and no OpenAI-compatible server with a model answers on 127.0.0.1 ports ${port} (ollama)`)
    expect(r.stdout).toMatch(/fix: set OPENAI_API_KEY, or start a local server \(Ollama: `ollama serve`/)
    expect(r.stdout).toMatch(/^  ok    calibration  the strong \(en\) calibration answer/m)
  })

  it('a server found on a local port is what doctor checks', async () => {
    serveModels(srv, [{ id: 'qwen2.5:7b', object: 'model', created: 0, owned_by: 'library' }])
    const port = new URL(srv.url).port
    const r = await doctor([], { MOCKINT_LOCAL_PORTS: `ollama=${port}` })
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toContain(`ok    judge        Ollama, model qwen2.5:7b at http://127.0.0.1:${port}/v1 — nothing configured, found on local port ${port}`)
  })
})
