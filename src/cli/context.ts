import { join } from 'node:path'
import { layeredDocumentCache, openDocumentCache, openLazyBank, type LazyBank } from '../core/bank/lazy.js'
import type { Bank } from '../core/bank/load.js'
import type { Question } from '../core/bank/schema.js'
import { openParseCache } from '../core/bank/parse-cache.js'
import { packageRoot, shippedBankPaths } from '../core/bank/paths.js'
import { openShippedDocuments } from '../core/bank/shipped.js'
import { loadConfigFile, resolveConfig, type Config, type ConfigFlags } from '../core/config/resolve.js'
import { EnvironmentError, InputError } from '../core/errors.js'
import { fsCodeNote, unwritableFolder } from '../core/file-access.js'
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
 * What to do about a data folder (`$MOCKINT_HOME` or its default) that cannot be written: names the
 * variable and what it is now, e.g. `set MOCKINT_HOME to a folder you can write (it is now /x/home)`.
 */
export function homeAdvice(deps: CliDeps, config: Config): string {
  return deps.env.MOCKINT_HOME
    ? `set MOCKINT_HOME to a folder you can write (it is now ${deps.env.MOCKINT_HOME})`
    : `set MOCKINT_HOME to a folder you can write (it is unset, so ${config.home} is used)`
}

/**
 * Whether the judge cache under the data folder can be written. When it cannot (MOCKINT_HOME under a file,
 * read-only), grading goes on without the cache and this writes one warning naming the folder: a cache
 * that silently never fills costs every rerun its judge calls. Creates nothing.
 */
export async function cacheFolderWritable(deps: CliDeps, config: Config): Promise<boolean> {
  const dir = join(config.home, 'cache')
  const code = await unwritableFolder(dir)
  if (!code) return true
  deps.stderr.write(`mockint: warning: cannot write the cache folder ${dir} ${fsCodeNote(code)}; grading without the cache — ${homeAdvice(deps, config)}\n`)
  return false
}

/**
 * `grade --batch-api` without `--out` keeps the batch id under the data folder so an interrupted run can
 * resume the batch it paid for. Checked before anything is sent: a batch whose id cannot be saved is money
 * that cannot be collected.
 *
 * @throws EnvironmentError naming the folder, MOCKINT_HOME and the way out (exit 2)
 */
export async function checkBatchStateFolder(deps: CliDeps, config: Config): Promise<void> {
  const dir = join(config.home, 'batches')
  const code = await unwritableFolder(dir)
  if (code)
    throw new EnvironmentError(
      `--batch-api keeps the batch id in ${dir} to resume it, and cannot write there ${fsCodeNote(code)}; ${homeAdvice(deps, config)}, or give --out <file.jsonl> (the id is then kept beside it)`,
    )
}

/**
 * The bank for `grade`: with only the shipped bank, a lazy one that reads the files records name (one
 * answer to grade must not cost the whole bank); with extra banks, all of it, as {@link loadCliBank}.
 * `slim` turns a fully loaded bank into what grading keeps of it, `keep` a question loaded on its own.
 */
export async function openGradeBank(
  deps: CliDeps,
  config: Config,
  extra: readonly string[],
  slim: (bank: Bank) => Bank,
  keep?: (question: Question) => Question,
): Promise<LazyBank> {
  const loadAll = async () => slim(await loadCliBank(deps, config, extra))
  if (config.banks.length > 0 || extra.length > 0) {
    const bank = await loadAll()
    return { bank, complete: true, need: () => undefined, loadAll: async () => undefined }
  }
  return openLazyBank({
    root: packageRoot(),
    cwd: deps.cwd,
    // The documents validated at build time first: a first run (a fresh $MOCKINT_HOME) parses no YAML.
    cache: layeredDocumentCache(openShippedDocuments(), openDocumentCache(join(config.home, 'cache', 'bank-valid'))),
    loadAll,
    onErrors: (errors) => stopOnBankErrors(deps, errors),
    ...(keep ? { keep } : {}),
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

