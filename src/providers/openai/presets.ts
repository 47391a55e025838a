/**
 * What differs between OpenAI-compatible servers, by `--provider` name. Sources: each vendor's
 * Chat Completions docs as of 2026 — DeepSeek answers 400 to `json_schema`; LM Studio rejects `json_object`
 * but takes `json_schema`; OpenAI's o-series and gpt-5 reject `temperature` and `max_tokens`; Ollama applies
 * its own default temperature unless one is sent; DashScope's Qwen3 models refuse non-streaming calls unless
 * thinking is off. This module is light (no SDK import) so config code may use `providerKeyEnv`.
 */
export type OutputMode = 'json_schema' | 'json_object' | 'text'
export const OUTPUT_MODES: readonly OutputMode[] = ['json_schema', 'json_object', 'text']

export interface ProviderPreset {
  id: string
  label: string
  /** Default base URL; undefined when the user must give one (Azure). */
  baseUrl?: string
  /** Environment variable holding the key. */
  keyEnv?: string
  /** Hosted APIs need a key; local servers accept anything. */
  needsKey: boolean
  /** Model used when none is configured; undefined when the user must name one. */
  defaultModel?: string
  /** The structured-output mode tried first. */
  startMode: OutputMode
  maxTokensParam: 'max_tokens' | 'max_completion_tokens'
  /** `send`: always send temperature 0; `auto`: omit it for reasoning models, which reject it. */
  temperature: 'send' | 'auto'
  seed: boolean
  promptCacheKey: boolean
  /** Extra body fields sent on every call. */
  extraBody?: Record<string, unknown>
  /** Extra headers (Azure's `api-key`). `{key}` is replaced by the API key. */
  keyHeader?: string
  /** Default per-call deadline, ms: local models are slow. */
  deadlineMs: number
}

const HOSTED_DEADLINE = 180_000
const LOCAL_DEADLINE = 900_000

export const PRESETS: Record<string, ProviderPreset> = {
  openai: {
    id: 'openai',
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    keyEnv: 'OPENAI_API_KEY',
    needsKey: true,
    defaultModel: 'gpt-4.1-mini',
    startMode: 'json_schema',
    maxTokensParam: 'max_completion_tokens',
    temperature: 'auto',
    seed: true,
    promptCacheKey: true,
    deadlineMs: HOSTED_DEADLINE,
  },
  azure: {
    id: 'azure',
    label: 'Azure OpenAI (v1 API: https://<resource>.openai.azure.com/openai/v1)',
    keyEnv: 'AZURE_OPENAI_API_KEY',
    needsKey: true,
    startMode: 'json_schema',
    maxTokensParam: 'max_completion_tokens',
    temperature: 'auto',
    seed: true,
    promptCacheKey: false,
    keyHeader: 'api-key',
    deadlineMs: HOSTED_DEADLINE,
  },
  // Ollama's OpenAI endpoint cannot set num_ctx; the judge prompt is ~3k tokens plus the answer and the
  // verdict, so the server needs OLLAMA_CONTEXT_LENGTH=8192 or more, or it silently drops the prompt's start.
  ollama: {
    id: 'ollama',
    label: 'Ollama',
    baseUrl: 'http://localhost:11434/v1',
    needsKey: false,
    startMode: 'json_schema',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: true,
    promptCacheKey: false,
    deadlineMs: LOCAL_DEADLINE,
  },
  vllm: {
    id: 'vllm',
    label: 'vLLM',
    baseUrl: 'http://localhost:8000/v1',
    keyEnv: 'VLLM_API_KEY',
    needsKey: false,
    startMode: 'json_schema',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: true,
    promptCacheKey: false,
    deadlineMs: LOCAL_DEADLINE,
  },
  llamacpp: {
    id: 'llamacpp',
    label: 'llama.cpp server',
    baseUrl: 'http://localhost:8080/v1',
    keyEnv: 'LLAMA_API_KEY',
    needsKey: false,
    // llama-server serves whatever model it loaded and ignores the name.
    defaultModel: 'local',
    startMode: 'json_schema',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: true,
    promptCacheKey: false,
    deadlineMs: LOCAL_DEADLINE,
  },
  lmstudio: {
    id: 'lmstudio',
    label: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    needsKey: false,
    startMode: 'json_schema',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: true,
    promptCacheKey: false,
    deadlineMs: LOCAL_DEADLINE,
  },
  deepseek: {
    id: 'deepseek',
    label: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com/v1',
    keyEnv: 'DEEPSEEK_API_KEY',
    needsKey: true,
    defaultModel: 'deepseek-chat',
    startMode: 'json_object',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: false,
    promptCacheKey: false,
    deadlineMs: HOSTED_DEADLINE,
  },
  dashscope: {
    id: 'dashscope',
    label: 'Alibaba DashScope (Qwen)',
    baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    keyEnv: 'DASHSCOPE_API_KEY',
    needsKey: true,
    defaultModel: 'qwen-plus',
    startMode: 'json_object',
    maxTokensParam: 'max_tokens',
    temperature: 'send',
    seed: true,
    promptCacheKey: false,
    extraBody: { enable_thinking: false },
    deadlineMs: HOSTED_DEADLINE,
  },
  openrouter: {
    id: 'openrouter',
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    keyEnv: 'OPENROUTER_API_KEY',
    needsKey: true,
    defaultModel: 'openai/gpt-4.1-mini',
    startMode: 'json_schema',
    maxTokensParam: 'max_tokens',
    temperature: 'auto',
    seed: true,
    promptCacheKey: false,
    deadlineMs: HOSTED_DEADLINE,
  },
}

/** Any other OpenAI-compatible server, named only by `--base-url`. */
export const GENERIC_PRESET: ProviderPreset = {
  id: 'openai-compatible',
  label: 'OpenAI-compatible server',
  needsKey: false,
  startMode: 'json_schema',
  maxTokensParam: 'max_tokens',
  temperature: 'send',
  seed: true,
  promptCacheKey: false,
  deadlineMs: LOCAL_DEADLINE,
}

export const PROVIDER_NAMES = Object.keys(PRESETS)

/**
 * The preset for `--provider` (case-insensitive); with no provider, OpenAI when no base URL is given, else
 * the generic OpenAI-compatible preset. Undefined for an unknown name.
 */
export function findPreset(provider: string | undefined, baseUrl: string | undefined): ProviderPreset | undefined {
  if (!provider) return baseUrl && normaliseUrl(baseUrl) !== PRESETS.openai!.baseUrl ? GENERIC_PRESET : PRESETS.openai
  return PRESETS[provider.toLowerCase()]
}

/** The environment variable holding the key for a provider (for config resolution). */
export function providerKeyEnv(provider: string | undefined): string | undefined {
  return provider ? PRESETS[provider.toLowerCase()]?.keyEnv : undefined
}

/** Reasoning models reject `temperature` (and take `max_completion_tokens`): o1/o3/o4…, gpt-5 (not gpt-5-chat). */
export function isReasoningModel(model: string): boolean {
  const m = model.toLowerCase().replace(/^[a-z0-9-]+\//, '')
  return /^o\d/.test(m) || (/^gpt-5/.test(m) && !/^gpt-5(\.\d+)?-chat/.test(m))
}

/** Where the key for an endpoint comes from, as resolved from the configuration (never the key itself in messages). */
export interface KeyOptions {
  apiKey?: string
  /** The variable the key is read from for this endpoint (set or not); undefined: the endpoint takes none. */
  apiKeyEnv?: string
  /** The user named the variable (`api_key_env`): an unset one is an error even for servers that need no key. */
  apiKeyEnvExplicit?: boolean
}

/**
 * The message for a key that is needed and missing, naming the one variable to set; undefined when the key
 * is there or not needed. Another vendor's key (OPENAI_API_KEY for DeepSeek) is never used in its place.
 */
export function missingKeyMessage(preset: ProviderPreset, key: KeyOptions): string | undefined {
  if (key.apiKey || !(preset.needsKey || key.apiKeyEnvExplicit)) return undefined
  const name = key.apiKeyEnv ?? preset.keyEnv ?? 'OPENAI_API_KEY'
  const where = key.apiKeyEnvExplicit ? ' (named by api_key_env in the config file)' : ''
  const notOther = !key.apiKeyEnvExplicit && name !== 'OPENAI_API_KEY' ? `; a key is only sent to the provider it belongs to, so OPENAI_API_KEY is not used for ${preset.label}` : ''
  return `no API key for ${preset.label}: set ${name}${where}${notOther}, or use --judge offline`
}

export function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, '')
}
