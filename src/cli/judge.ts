import { withDiscovery, type Config, type ConfigFlags, type LocalDiscovery } from '../core/config/resolve.js'
import { ConfigError } from '../core/errors.js'
import type { Judge, RetryInfo } from '../core/judge/types.js'
import { loadCliConfig } from './context.js'
import type { CliDeps } from './deps.js'
import { cliMessages, type CliMessages } from './messages/index.js'

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
  const t = cliMessages(config.lang).judge
  const offline = config.effectiveJudge === 'offline'
  const found = config.discovery?.found
  if (found && !offline) {
    const why = t.foundWhy(found.modelWhy, found.model, found.configuredModel, config.sources.model ?? 'flag')
    return t.found(found.name, found.baseUrl, found.model, found.port, why)
  }
  const probed = config.discovery?.probed.map((c) => c.port).join(', ')
  if (offline && probed) return t.line(judgeName(judge, t), t.nothingFound(probed))
  return t.line(judgeName(judge, t), offline ? t.toLlm : t.toOffline)
}

/**
 * The judge in the user's language, from what it says of itself as data (`about()`); names and URLs stay as
 * they are. A judge without `about` is shown by its English `describe()`.
 */
function judgeName(judge: Judge, t: CliMessages['judge']): string {
  const a = judge.about?.()
  if (!a) return judge.describe()
  return a.kind === 'offline' ? t.offline(a.version) : t.server(a.label, a.model, a.url)
}
