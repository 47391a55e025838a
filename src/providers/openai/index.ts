export { createOpenAIJudge, type OpenAIJudgeOptions } from './judge.js'
export { findPreset, PRESETS, PROVIDER_NAMES, providerKeyEnv, type OutputMode, type ProviderPreset } from './presets.js'
