/** Tokens a grade used (what the server reported; 0 for the offline judge and cache hits). */
export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  cached_tokens: number
}

/** No tokens: what a cached grade or the offline judge used. Here, not in types.ts, so that the offline judge and the results file load without zod. */
export const ZERO_USAGE: Usage = { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }
