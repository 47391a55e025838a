import { appendFileSync } from 'node:fs'

// $IMPORT_SPY_PATTERN (a regular expression) replaces the default list of modules that count as heavy.
const HEAVY = process.env.IMPORT_SPY_PATTERN ? new RegExp(process.env.IMPORT_SPY_PATTERN) : /^(openai|@inquirer\/|ora$)/

export async function resolve(specifier, context, next) {
  if (process.env.IMPORT_SPY_LOG && HEAVY.test(specifier)) appendFileSync(process.env.IMPORT_SPY_LOG, specifier + '\n')
  return next(specifier, context)
}
