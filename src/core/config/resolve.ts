import { join } from 'node:path'
import { ConfigError, InputError } from '../errors.js'
import { fsCodeNote, MAX_YAML_BYTES, readRegularFile } from '../file-access.js'
import { isLang, type Lang } from '../lang.js'
import type { ConfigFile } from './file-schema.js'

import { JUDGE_CHOICES, type JudgeChoice } from './choices.js'

export { JUDGE_CHOICES, type JudgeChoice }

export type { ConfigFile } from './file-schema.js'

export interface ConfigFlags {
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  lang?: string
  bank?: string[]
}

/** Resolved configuration. `apiKey` is a secret: never print, log or write it. */
export interface Config {
  judge: JudgeChoice
  /** What `auto` resolved to. */
  effectiveJudge: 'openai' | 'offline'
  provider?: string
  model?: string
  baseUrl?: string
  apiKey?: string
  /** Where the key came from (for messages), e.g. `OPENAI_API_KEY`; undefined when no key was found. */
  apiKeySource?: string
  /**
   * The one environment variable a key may be read from for this endpoint, set or not (named in messages
   * when it is unset); undefined when the endpoint takes no key (e.g. a local Ollama).
   */
  apiKeyEnv?: string
  lang: Lang
  banks: string[]
  home: string
  configPath: string
  file: ConfigFile
  /** Which layer set each field, e.g. `{judge: "flag", model: "env"}`. */
  sources: Record<string, 'flag' | 'env' | 'file' | 'default'>
  /** Set when `auto` looked for a local server (nothing configured): what it probed and found. */
  discovery?: LocalDiscovery
}

/** What `auto` found on the default local ports (see `withDiscovery`). */
export interface LocalDiscovery {
  /** The ports probed, in order of preference; `name` is the server kind (a provider preset) when known. */
  probed: { name?: string; port: number }[]
  /** The answer came from the cache under `$MOCKINT_HOME/cache` (a probe in the last 10 minutes). */
  cached: boolean
  found?: {
    name?: string
    port: number
    baseUrl: string
    models: string[]
    /** The model the judge uses. */
    model: string
    /** Why this model: the configured one is listed; nothing configured, so the first; or the configured one is not listed. */
    modelWhy: 'configured' | 'first' | 'configured-missing'
    /** The configured model the server does not list (with `configured-missing`). */
    configuredModel?: string
  }
}

/**
 * The configuration with what `auto` discovered: a found server becomes the LLM judge (its preset, its base
 * URL, the chosen model, and no key: a server found on a port is never sent one); nothing found leaves the
 * offline judge. Only for `auto` with nothing configured; any other config is returned as it is.
 */
export function withDiscovery(config: Config, discovery: LocalDiscovery): Config {
  if (config.judge !== 'auto' || config.effectiveJudge !== 'offline') return config
  const found = discovery.found
  if (!found) return { ...config, discovery }
  return {
    ...config,
    discovery,
    effectiveJudge: 'openai',
    provider: found.name,
    baseUrl: found.baseUrl,
    model: found.model,
    apiKey: undefined,
    apiKeySource: undefined,
    apiKeyEnv: undefined,
  }
}

export interface ConfigEnv {
  [name: string]: string | undefined
}

/** `$XDG_CONFIG_HOME/mockint/config.yaml`, else `~/.config/mockint/config.yaml`. */
export function configPath(env: ConfigEnv, homeDir: string): string {
  const base = env.XDG_CONFIG_HOME || join(homeDir, '.config')
  return join(base, 'mockint', 'config.yaml')
}

/** `$MOCKINT_HOME`, else `$XDG_DATA_HOME/mockint`, else `~/.local/share/mockint`. */
export function dataHome(env: ConfigEnv, homeDir: string): string {
  if (env.MOCKINT_HOME) return env.MOCKINT_HOME
  const base = env.XDG_DATA_HOME || join(homeDir, '.local', 'share')
  return join(base, 'mockint')
}

/** Reads the config file; a missing file is an empty config, a broken one an InputError naming the line. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  const read = await readRegularFile(path, MAX_YAML_BYTES)
  if (!read.ok) {
    const f = read.failure
    if (f.kind === 'missing') return {}
    if (f.kind === 'error') throw new InputError(`cannot read config file ${fsCodeNote(f.code)}`, { file: path })
    throw new InputError(
      f.kind === 'not-regular'
        ? `the config file is ${f.what}, not a file; replace it with a YAML file (or remove it)`
        : `the config file is over the ${MAX_YAML_BYTES / 1024 / 1024} MB limit; a config file holds a few settings`,
      { file: path },
    )
  }
  const text = read.bytes.toString('utf8')
  // Only a config file that exists costs the YAML parser and its schema at start-up.
  const [{ parseYamlText }, { ConfigFileSchema }, { zodToIssues }] = await Promise.all([
    import('../yaml-file.js'),
    import('./file-schema.js'),
    import('../zod-issues.js'),
  ])
  const { parsed, issues } = parseYamlText(text, path)
  const first = issues[0]
  if (first) throw new InputError(first.message, { file: path, line: first.line, column: first.column })
  if (parsed?.value == null) return {}
  const r = ConfigFileSchema.safeParse(parsed.value, { reportInput: true })
  if (!r.success) {
    const i = zodToIssues(r.error, path, parsed.locate)[0]!
    throw new InputError(`${i.message} [${i.rule}]`, { file: path, line: i.line, column: i.column })
  }
  return r.data
}

const OPENAI_API_BASE = 'https://api.openai.com/v1'

/**
 * The environment variable that holds the key for the configured endpoint. A key is only ever sent to the
 * provider it belongs to:
 * - `api_key_env` in the config file names it explicitly, for whatever endpoint is configured;
 * - a `--provider` preset uses its own variable (`DEEPSEEK_API_KEY` for deepseek; none for ollama or
 *   lmstudio): never `OPENAI_API_KEY` for another vendor;
 * - without a provider, `OPENAI_API_KEY` goes to OpenAI's own endpoint, or to the base URL given in
 *   `OPENAI_BASE_URL` (the SDK's own pair: whoever set both meant them together), but not to a base URL
 *   given by `--base-url` or the config file.
 */
function keyEnvFor(args: {
  provider: string | undefined
  baseUrl: string | undefined
  baseUrlSource: string | undefined
  file: ConfigFile
  providerKeyEnv?: (provider: string | undefined) => string | undefined
}): string | undefined {
  if (args.file.api_key_env) return args.file.api_key_env
  if (args.provider) return args.providerKeyEnv?.(args.provider)
  const openaiEndpoint = !args.baseUrl || args.baseUrl.replace(/\/+$/, '') === OPENAI_API_BASE || args.baseUrlSource === 'env'
  return openaiEndpoint ? 'OPENAI_API_KEY' : undefined
}

/**
 * Resolves configuration: flags > environment > config file > defaults. `auto` becomes `openai` when an
 * API key, a base URL or a provider preset is configured, else `offline` (which the cli may still turn
 * into a local server it finds: `withDiscovery`). Throws ConfigError for a bad judge or language.
 */
export function resolveConfig(args: {
  flags: ConfigFlags
  env: ConfigEnv
  file: ConfigFile
  homeDir: string
  /** Env var holding the key for a provider preset (undefined: the preset takes no key). */
  providerKeyEnv?: (provider: string | undefined) => string | undefined
}): Config {
  const { flags, env, file, homeDir } = args
  const sources: Config['sources'] = {}
  function layer<T>(name: string, flag: T | undefined, envVal: T | undefined, fileVal: T | undefined, dflt: T): T
  function layer<T>(name: string, flag: T | undefined, envVal: T | undefined, fileVal: T | undefined): T | undefined
  function layer<T>(name: string, flag: T | undefined, envVal: T | undefined, fileVal: T | undefined, dflt?: T) {
    if (flag !== undefined && flag !== '') return (sources[name] = 'flag'), flag
    if (envVal !== undefined && envVal !== '') return (sources[name] = 'env'), envVal
    if (fileVal !== undefined) return (sources[name] = 'file'), fileVal
    if (dflt !== undefined) sources[name] = 'default'
    return dflt
  }
  const judge = layer<string>('judge', flags.judge, env.MOCKINT_JUDGE, file.judge, 'auto')
  if (!(JUDGE_CHOICES as readonly string[]).includes(judge))
    throw new ConfigError(`unknown judge "${judge}" (from ${sources.judge}); use one of: ${JUDGE_CHOICES.join(', ')}`)
  const lang = layer<string>('lang', flags.lang, env.MOCKINT_LANG, file.lang, 'en')
  if (!isLang(lang))
    throw new ConfigError(`unknown language "${lang}" (from ${sources.lang}); use en or zh`)
  const provider = layer('provider', flags.provider, env.MOCKINT_PROVIDER, file.provider)
  const model = layer('model', flags.model, env.MOCKINT_MODEL, file.model)
  const baseUrl = layer('baseUrl', flags.baseUrl, env.OPENAI_BASE_URL, file.base_url)
  const apiKeyEnv = keyEnvFor({ provider, baseUrl, baseUrlSource: sources.baseUrl, file, providerKeyEnv: args.providerKeyEnv })
  const apiKey = (apiKeyEnv && env[apiKeyEnv]) || undefined
  const apiKeySource = apiKey ? apiKeyEnv : undefined
  // A provider preset names an endpoint (e.g. ollama → localhost:11434), so it counts as a configured base URL.
  const endpointConfigured = Boolean(apiKey || baseUrl || provider)
  const effectiveJudge = judge === 'auto' ? (endpointConfigured ? 'openai' : 'offline') : (judge as 'openai' | 'offline')
  return {
    judge: judge as JudgeChoice,
    effectiveJudge,
    provider,
    model,
    baseUrl,
    apiKey,
    apiKeySource,
    apiKeyEnv,
    lang: lang as Lang,
    banks: [...(file.banks ?? []), ...(flags.bank ?? [])],
    home: dataHome(env, homeDir),
    configPath: configPath(env, homeDir),
    file,
    sources,
  }
}
