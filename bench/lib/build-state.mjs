// Whether dist/ holds the shipped bank's validated documents for the bank as it is now. When it does not (a
// build by plain tsc, or a question, rubric or schema module edited since `npm run build`), the first run in a
// fresh $MOCKINT_HOME parses and validates those YAML files: a start-up and memory cost the built package does
// not have. The benches say so loudly rather than measure it silently.
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
