import type { Usage } from '../judge/types.js'

/** USD per million tokens. `cached_input` defaults to `input` when a provider gives no cache discount. */
export interface Price {
  input: number
  output: number
  cached_input?: number
}

/**
 * List prices (USD per million tokens, standard tier) of common judge models. Users add or override models
 * with the config file's `prices` key; a model with no price gives no cost estimate, never a guess.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4.1': { input: 2.0, cached_input: 0.5, output: 8.0 },
  'gpt-4.1-mini': { input: 0.4, cached_input: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cached_input: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cached_input: 1.25, output: 10.0 },
  'gpt-4o-mini': { input: 0.15, cached_input: 0.075, output: 0.6 },
  'o4-mini': { input: 1.1, cached_input: 0.275, output: 4.4 },
  'o3': { input: 2.0, cached_input: 0.5, output: 8.0 },
  'gpt-5': { input: 1.25, cached_input: 0.125, output: 10.0 },
  'gpt-5-mini': { input: 0.25, cached_input: 0.025, output: 2.0 },
  'gpt-5-nano': { input: 0.05, cached_input: 0.005, output: 0.4 },
  'deepseek-chat': { input: 0.27, cached_input: 0.07, output: 1.1 },
}

export interface CostEstimate {
  /** null when the model has no price (see `note`). */
  usd: number | null
  model: string | null
  note?: string
}

/**
 * Estimates what `usage` cost with `model`: uncached input, cached input and output tokens at their prices;
 * the Batch API halves it. Looks the model up exactly, then by its name without a date suffix.
 */
export function estimateCost(
  usage: Usage,
  model: string | undefined,
  prices: Readonly<Record<string, Price>> = DEFAULT_PRICES,
  opts: { batch?: boolean; offline?: boolean } = {},
): CostEstimate {
  if (opts.offline) return { usd: 0, model: model ?? null, note: 'offline judge: no API cost' }
  if (!model) return { usd: null, model: null, note: 'no model configured' }
  const price = prices[model] ?? prices[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')]
  if (!price)
    return { usd: null, model, note: `no price for "${model}"; add it under \`prices\` in the config file (USD per million tokens)` }
  const cached = Math.min(usage.cached_tokens, usage.prompt_tokens)
  const usd =
    ((usage.prompt_tokens - cached) * price.input + cached * (price.cached_input ?? price.input) + usage.completion_tokens * price.output) /
    1_000_000
  return { usd: opts.batch ? usd / 2 : usd, model, ...(opts.batch ? { note: 'Batch API: half price' } : {}) }
}
