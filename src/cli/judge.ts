import type { Config } from '../core/config/resolve.js'
import type { Judge, RetryInfo } from '../core/judge/types.js'

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
    apiKeyEnvExplicit: Boolean(config.file.api_key_env),
    home: config.home,
    onRetry: opts.onRetry,
  })
}

/** One line for the user, in the configured language: which judge grades, and how to switch. */
export function describeJudgeChoice(config: Config, judge: Judge): string {
  const offline = config.effectiveJudge === 'offline'
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
 * `judge.describe()` in Chinese. The judges describe themselves in English (calibration files record that
 * text), so the two shapes they use are rewritten here; anything else is shown as it is.
 */
function describeJudgeZh(judge: Judge): string {
  const text = judge.describe()
  const offline = /^offline \(built-in, deterministic, (.+)\)$/.exec(text)
  if (offline) return `offline 评分器（内置、确定性，${offline[1]}）`
  const llm = /^(.+), model (.+) at (\S+)$/.exec(text)
  if (llm) return `${LABEL_ZH[llm[1]!] ?? llm[1]}，模型 ${llm[2]}，地址 ${llm[3]}`
  return text
}

/** The provider labels that are words rather than names. */
const LABEL_ZH: Record<string, string> = {
  'OpenAI-compatible server': 'OpenAI 兼容服务',
  'llama.cpp server': 'llama.cpp 服务',
}
