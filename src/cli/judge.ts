import { withDiscovery, type Config, type ConfigFlags, type LocalDiscovery } from '../core/config/resolve.js'
import { ConfigError } from '../core/errors.js'
import type { Judge, RetryInfo } from '../core/judge/types.js'
import { loadCliConfig } from './context.js'
import type { CliDeps } from './deps.js'

/**
 * The configuration for a command that grades: `loadCliConfig`, then, for `auto` with no key, base URL or
 * provider configured, a look for a local OpenAI-compatible server on the default ports (remembered for
 * 10 minutes; `fresh` looks again). `--judge offline`/`MOCKINT_JUDGE=offline` never looks.
 */
export async function loadJudgeConfig(deps: CliDeps, flags: ConfigFlags, opts: { fresh?: boolean } = {}): Promise<Config> {
  const config = await loadCliConfig(deps, flags)
  if (config.judge !== 'auto' || config.effectiveJudge !== 'offline') return config
  const { discoverLocalServer, chooseModel } = await import('../providers/local-discovery.js')
  let found
  try {
    found = await discoverLocalServer({ home: config.home, env: deps.env, fresh: opts.fresh, now: deps.now })
  } catch (e) {
    throw new ConfigError((e as Error).message)
  }
  const discovery: LocalDiscovery = { probed: found.candidates, cached: found.cached }
  if (found.server) {
    const { model, why } = chooseModel(found.server.models, config.model)
    discovery.found = { ...found.server, model, modelWhy: why, ...(why === 'configured-missing' ? { configuredModel: config.model } : {}) }
  }
  return withDiscovery(config, discovery)
}

export interface CreateJudgeOptions {
  /** Called on each retry of the LLM judge (for progress lines). */
  onRetry?(info: RetryInfo): void
}

/**
 * Builds the judge the configuration asks for. The openai provider module (and the SDK) is imported only
 * here, lazily, so commands that never grade with an LLM do not load it.
 * Throws ConfigError when the LLM judge is asked for without a model or endpoint it can use.
 */
export async function createJudge(config: Config, opts: CreateJudgeOptions = {}): Promise<Judge> {
  if (config.effectiveJudge === 'offline') {
    const { createOfflineJudge } = await import('../core/judge/offline/index.js')
    return createOfflineJudge()
  }
  const { createOpenAIJudge } = await import('../providers/openai/index.js')
  return createOpenAIJudge({
    provider: config.provider,
    model: config.model,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    apiKeyEnv: config.apiKeyEnv,
    // A server found on a local port gets no key, whatever variable the config file names.
    apiKeyEnvExplicit: !config.discovery?.found && Boolean(config.file.api_key_env),
    home: config.home,
    onRetry: opts.onRetry,
  })
}

/** One line for the user, in the configured language: which judge grades, and how to switch. */
export function describeJudgeChoice(config: Config, judge: Judge): string {
  const offline = config.effectiveJudge === 'offline'
  const found = config.discovery?.found
  if (found && !offline) return describeFound(config, found)
  const probed = config.discovery?.probed.map((c) => c.port).join(', ')
  if (offline && probed) {
    if (config.lang === 'zh')
      return `评分：${describeJudgeZh(judge)} —— 未配置 API 密钥或地址，本机默认端口（${probed}）上也没有 OpenAI 兼容服务；设置 OPENAI_API_KEY 或启动本地模型服务（如 \`ollama serve\`）即可改用大模型评分`
    return `judge: ${judge.describe()} — no API key or base URL configured and no OpenAI-compatible server on the local default ports (${probed}); set OPENAI_API_KEY or start a local server (e.g. \`ollama serve\`) to grade with an LLM`
  }
  if (config.lang === 'zh')
    return `评分：${describeJudgeZh(judge)} —— ${
      offline
        ? '设置 OPENAI_API_KEY（本地服务用 --base-url）并加 --judge openai 即可改用大模型评分'
        : '加 --judge offline 可改用内置的确定性离线评分'
    }`
  const how = offline
    ? 'set OPENAI_API_KEY (or --base-url for a local server) and --judge openai to grade with an LLM'
    : 'use --judge offline for the built-in deterministic judge'
  return `judge: ${judge.describe()} — ${how}`
}

/**
 * The judge in Chinese, from what it says of itself as data (`about()`); names and URLs stay as they are. A
 * judge without `about` is shown by its English `describe()`.
 */
function describeJudgeZh(judge: Judge): string {
  const a = judge.about?.()
  if (!a) return judge.describe()
  if (a.kind === 'offline') return `offline 评分器（内置、确定性，${a.version}）`
  return `${LABEL_ZH[a.label] ?? a.label}，模型 ${a.model}，地址 ${a.url}`
}

/** The provider labels that are words rather than names. */
const LABEL_ZH: Record<string, string> = {
  'OpenAI-compatible server': 'OpenAI 兼容服务',
  'llama.cpp server': 'llama.cpp 服务',
}

type Found = NonNullable<LocalDiscovery['found']>

/** The line for a server found on a local port: what, where, which model and why, and how to turn it off. */
function describeFound(config: Config, found: Found): string {
  const what = found.name ?? 'OpenAI-compatible server'
  const zh = config.lang === 'zh'
  const whyEn = {
    configured: `--model ${found.model} is listed there`,
    first: 'the first model it lists',
    'configured-missing': `${found.configuredModel} (${MODEL_SOURCE[config.sources.model ?? 'flag']}) is not listed there, so the first it lists`,
  }[found.modelWhy]
  const whyZh = { configured: '配置的模型在其列表中', first: '其列出的第一个模型', 'configured-missing': '配置的模型不在其列表中，改用列出的第一个' }[found.modelWhy]
  if (zh)
    return `评分：${what === 'OpenAI-compatible server' ? 'OpenAI 兼容服务' : what}，地址 ${found.baseUrl}，模型 ${found.model}（在端口 ${found.port} 上发现；${whyZh}；加 --judge offline 可关闭）`
  return `judge: ${what} at ${found.baseUrl}, model ${found.model} (found on port ${found.port}; ${whyEn}; --judge offline to turn off)`
}

const MODEL_SOURCE: Record<string, string> = { flag: '--model', env: 'MOCKINT_MODEL', file: 'model in the config file', default: '--model' }
