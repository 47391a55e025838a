import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/core/config/resolve.js'
import { badKey, howToGetLlm, isLocal, missingModel, rejected, startServer } from '../../src/cli/doctor-fixes.js'
import { GENERIC_PRESET, PRESETS, providerKeyEnv } from '../../src/providers/openai/presets.js'

const config = (flags: Record<string, string>, env: Record<string, string> = {}) => resolveConfig({ flags, env, file: {}, homeDir: '/h', providerKeyEnv })

describe("doctor's one-line fixes", () => {
  it("DeepSeek's URL without --provider: the key was withheld, so the fix is --provider deepseek and its variable", () => {
    const c = config({ baseUrl: 'https://api.deepseek.com/v1' }, { OPENAI_API_KEY: 'sk-openai' })
    expect(c.apiKey).toBeUndefined()
    expect(badKey(c, GENERIC_PRESET, 'https://api.deepseek.com/v1')).toBe('pass --provider deepseek and set DEEPSEEK_API_KEY: a key is only sent to the provider it belongs to')
    expect(rejected(c, 'https://api.deepseek.com/v1')).toMatch(/^pass --provider deepseek/)
  })
  it('a refused key names the variable it came from; a missing one the variable to set', () => {
    const withKey = config({ provider: 'deepseek' }, { DEEPSEEK_API_KEY: 'sk-ds' })
    expect(badKey(withKey, PRESETS.deepseek!, PRESETS.deepseek!.baseUrl!)).toBe('check the key in DEEPSEEK_API_KEY: DeepSeek refused it')
    const vllm = config({ provider: 'vllm' })
    expect(badKey(vllm, PRESETS.vllm!, 'http://localhost:8000/v1')).toBe('set VLLM_API_KEY to a valid vLLM key')
  })
  it('starting the server names the command for each local server, and the setting that holds the URL', () => {
    expect(startServer(PRESETS.ollama!, config({ provider: 'ollama' }), 'http://localhost:11434/v1')).toBe('start Ollama: `ollama serve`, or check --provider ollama (now http://localhost:11434/v1)')
    expect(startServer(GENERIC_PRESET, config({}, { OPENAI_BASE_URL: 'http://10.0.0.5:9000/v1' }), 'http://10.0.0.5:9000/v1')).toBe('check OPENAI_BASE_URL (now http://10.0.0.5:9000/v1)')
  })
  it('a missing model: pull it on Ollama, else pick a listed chat model', () => {
    expect(missingModel(PRESETS.ollama!, 'llama3', ['nomic-embed-text', 'qwen2.5:7b'])).toBe('pull the model: `ollama pull llama3`, or pass --model qwen2.5:7b')
    expect(missingModel(GENERIC_PRESET, 'x', ['a'])).toBe('pass --model with one the server lists (e.g. --model a)')
  })
  it('how to get an LLM judge names a vendor key that is set but unused', () => {
    expect(howToGetLlm({ DASHSCOPE_API_KEY: 'k' }, undefined)).toBe('pass --provider dashscope: DASHSCOPE_API_KEY is set')
    expect(howToGetLlm({}, '--judge offline')).toMatch(/^drop --judge offline and set OPENAI_API_KEY, or start a local server/)
  })
  it('local servers cost nothing', () => {
    expect(isLocal(GENERIC_PRESET, 'http://127.0.0.1:8000/v1')).toBe(true)
    expect(isLocal(PRESETS.openai!, 'https://api.openai.com/v1')).toBe(false)
  })
})
