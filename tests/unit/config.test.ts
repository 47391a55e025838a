import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configPath, dataHome, loadConfigFile, resolveConfig } from '../../src/core/config/resolve.js'
import { providerKeyEnv } from '../../src/providers/openai/presets.js'
import { ConfigError, InputError } from '../../src/core/errors.js'
import { tempDir } from '../helpers/cli.js'

const home = '/home/u'

describe('resolveConfig: flags > environment > config file > defaults', () => {
  it('uses defaults when nothing is set, and auto resolves to offline', () => {
    const c = resolveConfig({ flags: {}, env: {}, file: {}, homeDir: home })
    expect(c).toMatchObject({ judge: 'auto', effectiveJudge: 'offline', lang: 'en' })
    expect(c.sources).toMatchObject({ judge: 'default', lang: 'default' })
    expect(c.home).toBe('/home/u/.local/share/mockint')
    expect(c.configPath).toBe('/home/u/.config/mockint/config.yaml')
  })

  it('prefers the flag over env over file', () => {
    const file = { model: 'from-file', lang: 'zh' as const, judge: 'offline' as const }
    const env = { MOCKINT_MODEL: 'from-env', MOCKINT_JUDGE: 'openai' }
    expect(resolveConfig({ flags: { model: 'from-flag' }, env, file, homeDir: home })).toMatchObject({
      model: 'from-flag',
      judge: 'openai',
      lang: 'zh',
      sources: { model: 'flag', judge: 'env', lang: 'file' },
    })
    expect(resolveConfig({ flags: {}, env, file, homeDir: home }).model).toBe('from-env')
    expect(resolveConfig({ flags: {}, env: {}, file, homeDir: home }).model).toBe('from-file')
  })

  it('auto picks openai when a key or a base URL is configured', () => {
    expect(resolveConfig({ flags: {}, env: { OPENAI_API_KEY: 'sk-x' }, file: {}, homeDir: home }).effectiveJudge).toBe('openai')
    expect(resolveConfig({ flags: { baseUrl: 'http://127.0.0.1:1/v1' }, env: {}, file: {}, homeDir: home }).effectiveJudge).toBe('openai')
    expect(resolveConfig({ flags: { provider: 'ollama' }, env: {}, file: {}, homeDir: home }).effectiveJudge).toBe('openai')
    expect(resolveConfig({ flags: { judge: 'offline' }, env: { OPENAI_API_KEY: 'sk-x' }, file: {}, homeDir: home }).effectiveJudge).toBe('offline')
  })

  it('MOCKINT_HOME and XDG folders', () => {
    expect(dataHome({ MOCKINT_HOME: '/data/m' }, home)).toBe('/data/m')
    expect(dataHome({ XDG_DATA_HOME: '/x/data' }, home)).toBe('/x/data/mockint')
    expect(configPath({ XDG_CONFIG_HOME: '/x/cfg' }, home)).toBe('/x/cfg/mockint/config.yaml')
  })

  it('rejects an unknown judge or language naming where it came from', () => {
    expect(() => resolveConfig({ flags: {}, env: { MOCKINT_JUDGE: 'gpt' }, file: {}, homeDir: home })).toThrow(ConfigError)
    expect(() => resolveConfig({ flags: {}, env: { MOCKINT_JUDGE: 'gpt' }, file: {}, homeDir: home })).toThrow(/from env/)
    expect(() => resolveConfig({ flags: { lang: 'fr' }, env: {}, file: {}, homeDir: home })).toThrow(/en or zh/)
  })

  it('combines banks from the file and the flag', () => {
    const c = resolveConfig({ flags: { bank: ['b'] }, env: {}, file: { banks: ['a'] }, homeDir: home })
    expect(c.banks).toEqual(['a', 'b'])
  })
})

describe('resolveConfig: a key only goes to the provider it belongs to', () => {
  const key = (flags: Record<string, string>, env: Record<string, string>, file: Record<string, string> = {}) => {
    const c = resolveConfig({ flags, env, file, homeDir: home, providerKeyEnv })
    return { apiKey: c.apiKey, apiKeyEnv: c.apiKeyEnv, apiKeySource: c.apiKeySource }
  }
  const openai = { OPENAI_API_KEY: 'sk-openai' }

  it.each(['deepseek', 'openrouter', 'dashscope', 'azure', 'vllm', 'llamacpp'])('never gives OPENAI_API_KEY to --provider %s', (provider) => {
    const k = key({ provider }, openai)
    expect(k.apiKey).toBeUndefined()
    expect(k.apiKeyEnv).toBe(providerKeyEnv(provider))
    expect(k.apiKeyEnv).not.toBe('OPENAI_API_KEY')
  })

  it('uses the preset variable when it is set', () => {
    expect(key({ provider: 'deepseek' }, { ...openai, DEEPSEEK_API_KEY: 'sk-ds' })).toEqual({ apiKey: 'sk-ds', apiKeyEnv: 'DEEPSEEK_API_KEY', apiKeySource: 'DEEPSEEK_API_KEY' })
  })

  it('gives local presets without a variable no key at all', () => {
    expect(key({ provider: 'ollama' }, openai)).toEqual({ apiKey: undefined, apiKeyEnv: undefined, apiKeySource: undefined })
    expect(key({ provider: 'lmstudio' }, openai).apiKey).toBeUndefined()
  })

  it('sends OPENAI_API_KEY to OpenAI, and to OPENAI_BASE_URL (the SDK pair), but not to a --base-url server', () => {
    expect(key({}, openai).apiKey).toBe('sk-openai')
    expect(key({ provider: 'openai' }, openai).apiKey).toBe('sk-openai')
    expect(key({ baseUrl: 'https://api.openai.com/v1/' }, openai).apiKey).toBe('sk-openai')
    expect(key({}, { ...openai, OPENAI_BASE_URL: 'http://10.0.0.5:8000/v1' }).apiKey).toBe('sk-openai')
    expect(key({ baseUrl: 'https://llm.example.com/v1' }, openai)).toEqual({ apiKey: undefined, apiKeyEnv: undefined, apiKeySource: undefined })
    expect(key({}, openai, { base_url: 'https://llm.example.com/v1' }).apiKey).toBeUndefined()
  })

  it('api_key_env names the variable explicitly, for any endpoint, with no fallback', () => {
    expect(key({ baseUrl: 'https://llm.example.com/v1' }, { ...openai, MY_KEY: 'k-mine' }, { api_key_env: 'MY_KEY' })).toEqual({
      apiKey: 'k-mine',
      apiKeyEnv: 'MY_KEY',
      apiKeySource: 'MY_KEY',
    })
    expect(key({ provider: 'deepseek' }, openai, { api_key_env: 'MY_KEY' })).toEqual({ apiKey: undefined, apiKeyEnv: 'MY_KEY', apiKeySource: undefined })
  })
})

describe('loadConfigFile', () => {
  it('treats a missing file as empty', async () => {
    expect(await loadConfigFile('/no/such/config.yaml')).toEqual({})
  })

  it('reads a valid file', async () => {
    const dir = tempDir()
    const p = join(dir, 'config.yaml')
    writeFileSync(p, 'judge: offline\nlang: zh\nbanks: [./my-bank]\n')
    expect(await loadConfigFile(p)).toEqual({ judge: 'offline', lang: 'zh', banks: ['./my-bank'] })
  })

  it('names file and line of an unknown field', async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const p = join(dir, 'config.yaml')
    writeFileSync(p, 'judge: offline\napi_key: sk-secret\n')
    const err = await loadConfigFile(p).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).where).toMatchObject({ file: p, line: 2 })
    expect((err as Error).message).toMatch(/unknown field "api_key"/)
    expect((err as Error).message).not.toMatch(/sk-secret/)
  })
})
