/** The judges `--judge` and the config file's `judge` accept. Its own module: the config schema and the resolver both need it. */
export const JUDGE_CHOICES = ['auto', 'openai', 'offline'] as const
export type JudgeChoice = (typeof JUDGE_CHOICES)[number]
