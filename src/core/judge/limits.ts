/**
 * Answers longer than this are cut before any judge reads them: the LLM judge's cost guard, and the
 * offline judge's time and memory guard. The cut is marked in the prompt, flagged `truncated` offline.
 */
export const MAX_ANSWER_CHARS = 20_000
