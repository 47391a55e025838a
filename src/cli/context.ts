import { join } from 'node:path'
import { openDocumentCache, openLazyBank, type LazyBank } from '../core/bank/lazy.js'
import type { Bank } from '../core/bank/load.js'
import { openParseCache } from '../core/bank/parse-cache.js'
import { packageRoot, shippedBankPaths } from '../core/bank/paths.js'
import { loadConfigFile, resolveConfig, type Config, type ConfigFlags } from '../core/config/resolve.js'
import { InputError } from '../core/errors.js'
import { sortIssues, type Issue } from '../core/issue.js'
import type { CliDeps } from './deps.js'
import { providerKeyEnv } from '../providers/openai/presets.js'
import { renderIssue } from './ui/issues.js'

/** Reads the config file and resolves flags > env > file > defaults. */
export async function loadCliConfig(deps: CliDeps, flags: ConfigFlags): Promise<Config> {
  const probe = resolveConfig({ flags: {}, env: deps.env, file: {}, homeDir: deps.homeDir })
  const file = await loadConfigFile(probe.configPath)
  return resolveConfig({ flags, env: deps.env, file, homeDir: deps.homeDir, providerKeyEnv })
}

/**
 * Loads the shipped bank plus the configured and given extra banks. Errors in them stop the command with
 * exit 2 after every problem is printed; warnings are left to `mockint check`.
 */
export async function loadCliBank(deps: CliDeps, config: Config, extra: readonly string[] = []): Promise<Bank> {
  const paths = [...shippedBankPaths(), ...config.banks, ...extra]
  // Parsed bank files are cached by content under $MOCKINT_HOME: the YAML parse is most of a command's
  // start-up. `mockint check`, the gate, always parses afresh.
  const cache = await openParseCache(join(config.home, 'cache', 'bank-parse.json'))
  const { loadBank } = await import('../core/bank/load.js')
  const { bank, issues } = await loadBank(paths, deps.cwd, { cache })
  await cache.save()
  stopOnBankErrors(deps, issues.filter((i) => i.severity === 'error'))
  return bank
}

/**
 * The bank for `grade`: with only the shipped bank, a lazy one that reads the files records name (one
 * answer to grade must not cost the whole bank); with extra banks, all of it, as {@link loadCliBank}.
 * `slim` turns a fully loaded bank into what grading keeps of it.
 */
export async function openGradeBank(deps: CliDeps, config: Config, extra: readonly string[], slim: (bank: Bank) => Bank): Promise<LazyBank> {
  const loadAll = async () => slim(await loadCliBank(deps, config, extra))
  if (config.banks.length > 0 || extra.length > 0) {
    const bank = await loadAll()
    return { bank, complete: true, need: () => undefined, loadAll: async () => undefined }
  }
  return openLazyBank({
    root: packageRoot(),
    cwd: deps.cwd,
    cache: openDocumentCache(join(config.home, 'cache', 'bank-valid')),
    loadAll,
    onErrors: (errors) => stopOnBankErrors(deps, errors),
  })
}

/** Errors in the banks stop the command with exit 2 after every problem is printed; warnings are left to `mockint check`. */
function stopOnBankErrors(deps: CliDeps, errors: readonly Issue[]): void {
  if (errors.length === 0) return
  for (const i of sortIssues([...errors]).slice(0, 20)) deps.stderr.write(renderIssue(i) + '\n')
  const first = errors[0]!
  throw new InputError(
    `${errors.length} problem${errors.length === 1 ? '' : 's'} in the question banks; fix them (\`mockint check --no-calibrate\` lists them all)`,
    { file: first.file, line: first.line, column: first.column },
  )
}

export function splitIssues(issues: Issue[]): { errors: Issue[]; warnings: Issue[] } {
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
  }
}
