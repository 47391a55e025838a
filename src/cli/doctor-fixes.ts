import type { Config } from '../core/config/resolve.js'
import { chooseModel } from '../providers/local-discovery.js'
import { PRESETS, type ProviderPreset } from '../providers/openai/presets.js'

/**
 * The one-line fixes `mockint doctor` prints, one function per kind of failure. Each names what to set, start
 * or pass; none quotes a secret.
 */

const LOCAL = new Set(['ollama', 'lmstudio', 'llamacpp', 'vllm'])
const START: Record<string, string> = {
  ollama: 'start Ollama: `ollama serve`',
  lmstudio: "start LM Studio's server: `lms server start` (or Developer → Start Server)",
  llamacpp: 'start llama.cpp: `llama-server -m <model.gguf>`',
  vllm: 'start vLLM: `vllm serve <model>`',
}

/** A server on this machine (a local preset, or a loopback base URL): no API price. */
export function isLocal(preset: ProviderPreset, baseUrl: string): boolean {
  if (LOCAL.has(preset.id)) return true
  try {
    const host = new URL(baseUrl).hostname
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.')
  } catch {
    return false
  }
}

export function setKey(variable: string, preset: ProviderPreset): string {
  return `set ${variable} (export ${variable}=<your ${preset.label} key>), or use --judge offline`
}

/** Nothing listens at the base URL: start the server, or correct the URL (named with where it came from). */
export function startServer(preset: ProviderPreset, config: Config, url: string): string {
  const from = { flag: '--base-url', env: 'OPENAI_BASE_URL', file: 'base_url in the config file' }[config.sources.baseUrl as 'flag' | 'env' | 'file']
  const check = `check ${from ?? (config.provider ? `--provider ${preset.id}` : '--base-url')} (now ${url})`
  const start = START[preset.id] ?? (isLocal(preset, url) ? 'start the server' : undefined)
  return start ? `${start}, or ${check}` : check
}

export function slowServer(url: string): string {
  return `check that the server at ${url} is up and not overloaded (a local model may still be loading: try again in a minute)`
}

export function serverError(url: string): string {
  return `the server at ${url} is failing: see its logs, then run \`mockint doctor\` again`
}

/** The server refused the key (or its absence): name the variable, or the preset that would send the right one. */
export function badKey(config: Config, preset: ProviderPreset, baseUrl: string): string {
  const owner = presetForHost(baseUrl)
  if (owner && owner.id !== preset.id && owner.keyEnv)
    return `pass --provider ${owner.id} and set ${owner.keyEnv}: a key is only sent to the provider it belongs to`
  if (config.apiKeySource) return `check the key in ${config.apiKeySource}: ${preset.label} refused it`
  const variable = config.apiKeyEnv ?? preset.keyEnv
  if (variable) return `set ${variable} to a valid ${preset.label} key`
  return 'this server wants a key: name its variable with api_key_env in the config file, or pass --provider <name>'
}

export function noModels(preset: ProviderPreset, model: string | undefined): string {
  if (preset.id === 'ollama') return `pull a model: \`ollama pull ${model ?? 'qwen2.5:7b'}\``
  if (preset.id === 'lmstudio') return `load a model: \`lms load ${model ?? '<model>'}\``
  return 'load a model into the server'
}

export function missingModel(preset: ProviderPreset, model: string, listed: readonly string[]): string {
  const pick = listed.length ? chooseModel(listed, undefined).model : undefined
  const other = pick ? `, or pass --model ${pick}` : ''
  if (preset.id === 'ollama') return `pull the model: \`ollama pull ${model}\`${other}`
  if (preset.id === 'lmstudio') return `load the model: \`lms load ${model}\`${other}`
  return pick ? `pass --model with one the server lists (e.g. --model ${pick})` : 'check --model (or MOCKINT_MODEL)'
}

export function rejected(config: Config, baseUrl: string): string {
  const owner = presetForHost(baseUrl)
  if (owner && !config.provider) return `pass --provider ${owner.id}: it knows what ${owner.label} accepts`
  return "the server's message above says what it did not accept; pass --provider <name> for a known server"
}

export function gradeFailed(reason: string, url: string): string {
  if (/authentication|401|403/.test(reason)) return 'check the API key named above'
  if (/did not validate|repair|invalid|malformed/i.test(reason)) return 'the model does not follow the verdict format: try a larger or instruction-tuned model (--model)'
  return serverError(url)
}

/** With the offline judge: how to get an LLM judge, naming a vendor key that is set but not used. */
export function howToGetLlm(env: Record<string, string | undefined>, offlineBy: string | undefined): string {
  const unused = Object.values(PRESETS).find((p) => p.keyEnv && p.keyEnv !== 'OPENAI_API_KEY' && env[p.keyEnv])
  const pre = offlineBy ? `drop ${offlineBy} and ` : ''
  if (unused) return `${pre}pass --provider ${unused.id}: ${unused.keyEnv} is set`
  return `${pre}set OPENAI_API_KEY, or start a local server (Ollama: \`ollama serve\` and \`ollama pull qwen2.5:7b\`), or pass --base-url <url> --model <name>`
}

/** The preset whose default base URL has this URL's host (api.deepseek.com → deepseek). */
function presetForHost(baseUrl: string): ProviderPreset | undefined {
  let host: string
  try {
    host = new URL(baseUrl).host
  } catch {
    return undefined
  }
  return Object.values(PRESETS).find((p) => p.baseUrl && !LOCAL.has(p.id) && new URL(p.baseUrl).host === host)
}
