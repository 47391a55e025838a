import { appendFileSync, readFileSync } from 'node:fs'

// $IMPORT_SPY_PATTERN (a regular expression) replaces the default list of modules that count as heavy.
const HEAVY = process.env.IMPORT_SPY_PATTERN ? new RegExp(process.env.IMPORT_SPY_PATTERN) : /^(openai|@inquirer\/|ora$)/

/**
 * The packages each chunk of the bundle holds (dist/bundle/inputs.json, written by scripts/bundle.mjs): bundled,
 * a package is never imported by name, so loading a chunk that holds one counts as importing it.
 */
const chunkPackages = new Map()
function packagesOf(url) {
  const m = /^(file:\/\/.*\/dist\/bundle\/)([^/]+\.js)$/.exec(url)
  if (!m) return []
  if (!chunkPackages.has(m[1])) chunkPackages.set(m[1], JSON.parse(readFileSync(new URL('inputs.json', m[1]), 'utf8')).chunks)
  return chunkPackages.get(m[1])[m[2]] ?? []
}

function record(name) {
  if (process.env.IMPORT_SPY_LOG && HEAVY.test(name)) appendFileSync(process.env.IMPORT_SPY_LOG, name + '\n')
}

export async function resolve(specifier, context, next) {
  record(specifier)
  const resolved = await next(specifier, context)
  for (const name of packagesOf(resolved.url)) record(name)
  return resolved
}
