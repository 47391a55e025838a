// Whether dist/ holds the shipped bank's validated documents for the bank as it is now. When it does not (a
// build by plain tsc, or a question, rubric or schema module edited since `npm run build`), the first run in a
// fresh $MOCKINT_HOME parses and validates those YAML files: a start-up and memory cost the built package does
// not have. The benches say so loudly rather than measure it silently.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { staleShippedDocuments } from '../../dist/core/bank/shipped.js'

/** Prints a warning naming the stale files (a few) and returns their number. */
export async function warnIfBankCacheStale(root) {
  const stale = await staleShippedDocuments(root)
  if (stale.length > 0)
    console.error(
      `WARNING: dist/bank-valid/ is stale for ${stale.length} bank file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}): ` +
        'the first run of each fresh $MOCKINT_HOME parses their YAML. Run `npm run build` to measure the package as shipped.',
    )
  return stale.length
}

/**
 * Why bin/mockint.js would not run a bundle made from the compiled code as it is now, or null when it would:
 * dist/bundle/ missing (bin then runs dist/cli/, ~100 modules, a slower start), or a compiled module it was
 * made from changed since (a build by plain tsc: the bundle runs the older code).
 */
export function bundleProblem(root) {
  const dir = join(root, 'dist', 'bundle')
  let inputs
  try {
    inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')).inputs
  } catch {
    return 'dist/bundle/ is missing: bin/mockint.js runs dist/cli/ instead'
  }
  const built = statSync(join(dir, 'main.js')).mtimeMs
  const newer = inputs.filter((p) => {
    try {
      return statSync(join(root, p)).mtimeMs > built
    } catch {
      return true
    }
  })
  return newer.length ? `dist/bundle/ is older than ${newer.length} compiled module(s) (${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ', …' : ''})` : null
}

/** Prints a warning when the bundle is missing or stale (see {@link bundleProblem}); returns the problem or null. */
export function warnIfBundleStale(root) {
  const problem = bundleProblem(root)
  if (problem) console.error(`WARNING: ${problem}. Run \`npm run build\` to measure the package as shipped.`)
  return problem
}
