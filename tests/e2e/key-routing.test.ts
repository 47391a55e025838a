/**
 * Which key goes where, on the built binary against a loopback server that records the Authorization
 * header: a key is only ever sent to the provider it belongs to.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { mockint } from '../helpers/spawn.js'

const OPENAI_KEY = 'sk-openai-0123456789abcdef'
let srv: FakeOpenAI
let dir: string
let input: string
beforeAll(async () => {
  srv = await startFakeOpenAI()
  dir = tempDir()
  input = join(dir, 'answers.jsonl')
  writeFileSync(input, JSON.stringify({ id: 'a1', question: 'What is a KV cache?', answer: 'It stores keys and values. [[levels:2,2,2,2]]' }) + '\n')
})
afterAll(() => srv.close())
beforeEach(() => srv.reset())

function run(args: string[], env: Record<string, string | undefined>, config?: string) {
  const home = tempDir()
  const cfg = join(home, 'cfg')
  if (config) {
    mkdirSync(join(cfg, 'mockint'), { recursive: true })
    writeFileSync(join(cfg, 'mockint', 'config.yaml'), config)
  }
  const clean = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, DEEPSEEK_API_KEY: undefined, OPENROUTER_API_KEY: undefined, DASHSCOPE_API_KEY: undefined, MOCKINT_PROVIDER: undefined }
  return mockint(['grade', input, '--judge', 'openai', '--model', 'm', '--no-cache', ...args], {
    env: { ...clean, MOCKINT_HOME: home, XDG_CONFIG_HOME: cfg, ...env },
  })
}
const authHeaders = () => srv.requests.map((r) => r.headers.authorization ?? '')

describe('API keys and providers', () => {
  it.each([
    ['deepseek', 'DEEPSEEK_API_KEY'],
    ['openrouter', 'OPENROUTER_API_KEY'],
    ['dashscope', 'DASHSCOPE_API_KEY'],
  ])('--provider %s with only OPENAI_API_KEY set stops with exit 2 naming %s, and sends nothing', async (provider, variable) => {
    const r = await run(['--provider', provider, '--base-url', srv.url], { OPENAI_API_KEY: OPENAI_KEY })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`set ${variable}`)
    expect(r.stderr).toContain('OPENAI_API_KEY is not used')
    expect(r.stderr + r.stdout).not.toContain(OPENAI_KEY)
    expect(srv.requests).toHaveLength(0)
  })

  it("sends the provider's own key, and only that one", async () => {
    const r = await run(['--provider', 'deepseek', '--base-url', srv.url], { OPENAI_API_KEY: OPENAI_KEY, DEEPSEEK_API_KEY: 'sk-deepseek-key-42' })
    expect(r.code).toBe(0)
    expect(authHeaders().length).toBeGreaterThan(0)
    expect(new Set(authHeaders())).toEqual(new Set(['Bearer sk-deepseek-key-42']))
  })

  it('does not send OPENAI_API_KEY to a local preset or to a --base-url server', async () => {
    for (const args of [['--provider', 'ollama', '--base-url', srv.url], ['--base-url', srv.url]]) {
      srv.reset()
      const r = await run(args, { OPENAI_API_KEY: OPENAI_KEY })
      expect(r.code, r.stderr).toBe(0)
      expect(authHeaders().length).toBeGreaterThan(0)
      expect(authHeaders().join('\n')).not.toContain(OPENAI_KEY)
    }
  })

  it('sends OPENAI_API_KEY with OPENAI_BASE_URL, the pair the SDK itself reads', async () => {
    const r = await run([], { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: srv.url })
    expect(r.code, r.stderr).toBe(0)
    expect(new Set(authHeaders())).toEqual(new Set([`Bearer ${OPENAI_KEY}`]))
  })

  it('api_key_env names the variable: used when set, named in the error when not', async () => {
    const unset = await run(['--base-url', srv.url], { OPENAI_API_KEY: OPENAI_KEY }, 'api_key_env: MY_KEY\n')
    expect(unset.code).toBe(2)
    expect(unset.stderr).toContain('set MY_KEY')
    expect(unset.stderr).not.toContain('set OPENAI_API_KEY')
    expect(srv.requests).toHaveLength(0)
    const set = await run(['--base-url', srv.url], { OPENAI_API_KEY: OPENAI_KEY, MY_KEY: 'k-mine-123456' }, 'api_key_env: MY_KEY\n')
    expect(set.code, set.stderr).toBe(0)
    expect(new Set(authHeaders())).toEqual(new Set(['Bearer k-mine-123456']))
  })
})
