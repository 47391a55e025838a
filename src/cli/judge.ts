import type { Config } from '../core/config/resolve.js'
import type { Judge } from '../core/judge/types.js'

export interface CreateJudgeOptions {
  /** Called on each retry of the LLM judge (for progress lines). */
  onRetry?(info: { attempt: number; delayMs: number; reason: string }): void
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
    home: config.home,
    onRetry: opts.onRetry,
  })
}

/** One line for the user, in the configured language: which judge grades, and how to switch. */
export function describeJudgeChoice(config: Config, judge: Judge): string {
  const offline = config.effectiveJudge === 'offline'
  if (config.lang === 'zh')
    return `评分：${judge.describe()} —— ${
      offline
        ? '设置 OPENAI_API_KEY（本地服务用 --base-url）并加 --judge openai 即可改用大模型评分'
        : '加 --judge offline 可改用内置的确定性离线评分'
    }`
  const how = offline
    ? 'set OPENAI_API_KEY (or --base-url for a local server) and --judge openai to grade with an LLM'
    : 'use --judge offline for the built-in deterministic judge'
  return `judge: ${judge.describe()} — ${how}`
}
