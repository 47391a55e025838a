// Part of `npm run build` (after tsc): validates the shipped bank's questions and rubrics once and keeps
// them under dist/bank-valid/, so a first run of `mockint grade` (a fresh $MOCKINT_HOME) parses no YAML.
// Keyed by each file's text and the schemas' code: an edited or user bank is still parsed and validated.
import { writeShippedDocuments, shippedDocumentsDir } from '../dist/core/bank/shipped.js'

const r = await writeShippedDocuments()
for (const file of r.skipped) console.error(`bank-cache: not kept (it has problems; \`mockint check\` lists them): ${file}`)
if (r.written > 0 || r.removed > 0)
  console.log(`bank-cache: ${r.documents} validated documents in ${shippedDocumentsDir()} (${r.written} written, ${r.removed} removed)`)
