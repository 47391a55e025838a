import { appendFileSync } from 'node:fs'

const HEAVY = /^(openai|@inquirer\/|ora$)/

export async function resolve(specifier, context, next) {
  if (process.env.IMPORT_SPY_LOG && HEAVY.test(specifier)) appendFileSync(process.env.IMPORT_SPY_LOG, specifier + '\n')
  return next(specifier, context)
}
