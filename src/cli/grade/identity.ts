import type { Config } from '../../core/config/resolve.js'
import type { JudgeIdentity } from '../../core/grading/cache.js'

/** The judge's identity for cache keys: everything about it that can change a grade. */
export async function judgeIdentity(config: Config, kind: 'openai' | 'offline'): Promise<JudgeIdentity> {
  if (kind === 'offline') return { kind, prompt_version: 'offline' }
  // The prompt module brings zod and the verdict schema: only the LLM judge needs it.
  const { JUDGE_PROMPT_VERSION } = await import('../../core/judge/prompt.js')
  return {
    kind,
    provider: config.provider ?? 'openai',
    model: config.model,
    base_url: config.baseUrl,
    prompt_version: JUDGE_PROMPT_VERSION,
  }
}
