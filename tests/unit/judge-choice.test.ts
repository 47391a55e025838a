import { describe, expect, it } from 'vitest'
import { describeJudgeChoice } from '../../src/cli/judge.js'
import { resolveConfig } from '../../src/core/config/resolve.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import type { Judge } from '../../src/core/judge/types.js'

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
    const llm = (text: string) => ({ ...judge, kind: 'openai', describe: () => text }) as Judge
    const zhLlm = resolveConfig({ flags: { lang: 'zh' }, env: { OPENAI_API_KEY: 'sk-test' }, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(zhLlm, llm('OpenAI-compatible server, model qwen2.5 at http://127.0.0.1:8000/v1'))).toMatch(
      /^评分：OpenAI 兼容服务，模型 qwen2\.5，地址 http:\/\/127\.0\.0\.1:8000\/v1 —— 加 --judge offline/,
    )
    expect(describeJudgeChoice(zhLlm, llm('Ollama, model llama3 at http://localhost:11434/v1'))).toMatch(/^评分：Ollama，模型 llama3，地址 http:\/\/localhost:11434\/v1 —— /)
    const enLlm = resolveConfig({ flags: {}, env: { OPENAI_API_KEY: 'sk-test' }, file: {}, homeDir: '/h' })
    expect(describeJudgeChoice(enLlm, llm('Ollama, model llama3 at http://localhost:11434/v1'))).toBe(
      'judge: Ollama, model llama3 at http://localhost:11434/v1 — use --judge offline for the built-in deterministic judge',
    )
  })
})
