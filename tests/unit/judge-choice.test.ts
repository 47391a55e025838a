import { describe, expect, it } from 'vitest'
import { describeJudgeChoice } from '../../src/cli/judge.js'
import { resolveConfig, withDiscovery } from '../../src/core/config/resolve.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import { createOpenAIJudge } from '../../src/providers/openai/index.js'

describe('describeJudgeChoice', () => {
  const judge = createOfflineJudge()
  it('says which judge grades and how to switch, in English', () => {
    const config = resolveConfig({ flags: {}, env: {}, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(config, judge)).toMatch(/^judge: offline .* — set OPENAI_API_KEY .* --judge openai/)
  })
  it('and in Chinese under --lang zh', () => {
    const config = resolveConfig({ flags: { lang: 'zh' }, env: {}, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(config, judge)).toMatch(/^评分：offline .* —— 设置 OPENAI_API_KEY.*--judge openai 即可改用大模型评分$/)
  })
  it('tells an LLM-judge user how to go back to the offline judge', () => {
    const config = resolveConfig({ flags: { lang: 'zh' }, env: { OPENAI_API_KEY: 'sk-test' }, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(config, judge)).toMatch(/--judge offline/)
    expect(describeJudgeChoice(config, judge)).not.toMatch(/sk-test/)
  })
  it('describes the judge itself in Chinese too, leaving names and URLs as they are', () => {
    const zh = resolveConfig({ flags: { lang: 'zh' }, env: {}, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(zh, judge)).toMatch(/^评分：offline 评分器（内置、确定性，offline-v2） —— /)
    // Real judges, as `grade` builds them (no request is sent): the line comes from what they say of themselves.
    const llm = (o: { provider?: string; baseUrl: string; model: string }) => createOpenAIJudge({ ...o, apiKey: 'sk-test', home: '/nonexistent' })
    const zhLlm = resolveConfig({ flags: { lang: 'zh' }, env: { OPENAI_API_KEY: 'sk-test' }, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(zhLlm, llm({ baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen2.5' }))).toMatch(
      /^评分：OpenAI 兼容服务，模型 qwen2\.5，地址 http:\/\/127\.0\.0\.1:8000\/v1 —— 加 --judge offline/,
    )
    expect(describeJudgeChoice(zhLlm, llm({ provider: 'ollama', baseUrl: 'http://localhost:11434/v1', model: 'llama3' }))).toMatch(/^评分：Ollama，模型 llama3，地址 http:\/\/localhost:11434\/v1 —— /)
    const enLlm = resolveConfig({ flags: {}, env: { OPENAI_API_KEY: 'sk-test' }, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(enLlm, llm({ provider: 'ollama', baseUrl: 'http://localhost:11434/v1', model: 'llama3' }))).toBe(
      'judge: Ollama, model llama3 at http://localhost:11434/v1 — use --judge offline for the built-in deterministic judge',
    )
  })

  it('a server found on a local port: which, where, which model and why, and how to turn it off', () => {
    const probed = [{ name: 'ollama', port: 11434 }, { name: 'vllm', port: 8000 }]
    const found = { name: 'ollama', port: 11434, baseUrl: 'http://127.0.0.1:11434/v1', models: ['qwen2.5:7b'], model: 'qwen2.5:7b', modelWhy: 'first' as const }
    const llm = createOpenAIJudge({ provider: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', home: '/nonexistent' })
    const en = withDiscovery(resolveConfig({ flags: {}, env: {}, file: {}, homeDir: '/h' }), { probed, cached: false, found })
    expect(describeJudgeChoice(en, llm)).toBe(
      'judge: ollama at http://127.0.0.1:11434/v1, model qwen2.5:7b (found on port 11434; the first model it lists; --judge offline to turn off)',
    )
    const missing = withDiscovery(resolveConfig({ flags: {}, env: { MOCKINT_MODEL: 'llama3' }, file: {}, homeDir: '/h' }), {
      probed,
      cached: true,
      found: { ...found, modelWhy: 'configured-missing', configuredModel: 'llama3' },
    })
    expect(describeJudgeChoice(missing, llm)).toContain('llama3 (MOCKINT_MODEL) is not listed there, so the first it lists')
    const zh = withDiscovery(resolveConfig({ flags: { lang: 'zh' }, env: {}, file: {}, homeDir: '/h' }), { probed, cached: false, found })
    expect(describeJudgeChoice(zh, llm)).toMatch(/^评分：ollama，地址 http:\/\/127\.0\.0\.1:11434\/v1，模型 qwen2\.5:7b（在端口 11434 上发现；.*--judge offline/)
  })
  it('nothing found: the offline judge, the ports looked at, and how to get an LLM judge', () => {
    const none = withDiscovery(resolveConfig({ flags: {}, env: {}, file: {}, homeDir: '/h' }), { probed: [{ name: 'ollama', port: 11434 }, { port: 8000 }], cached: true })
    expect(describeJudgeChoice(none, judge)).toMatch(/^judge: offline .* — no API key or base URL configured and no OpenAI-compatible server on the local default ports \(11434, 8000\); set OPENAI_API_KEY or start a local server/)
  })
})
