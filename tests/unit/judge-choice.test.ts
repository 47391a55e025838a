import { describe, expect, it } from 'vitest'
import { describeJudgeChoice } from '../../src/cli/judge.js'
import { resolveConfig } from '../../src/core/config/resolve.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'

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
})
