import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT_URL } from '../package-root.js'

// Apart from load.ts (which brings the schemas, zod and the YAML parser) for callers that only need the places.

/** The folder holding the shipped `questions/` and `rubrics/` (the package root). */
export function packageRoot(): string {
  return fileURLToPath(PACKAGE_ROOT_URL)
}

/** The shipped bank: `rubrics/` and `questions/` of the package. */
export function shippedBankPaths(): string[] {
  const root = packageRoot()
  return [join(root, 'rubrics'), join(root, 'questions')]
}
