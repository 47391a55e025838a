import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { documentKey, openDocumentCache, validateDocument, type DocumentCache, type DocumentKind } from './lazy.js'
import { packageRoot } from './paths.js'

/**
 * Where the build keeps the shipped bank's validated documents: `dist/bank-valid/` of the package, in the
 * layout of {@link openDocumentCache} (one JSON file per document, named by a hash of its key).
 */
export function shippedDocumentsDir(root: string = packageRoot()): string {
  return join(root, 'dist', 'bank-valid')
}

/**
 * The shipped bank's documents as validated at build time, read-only: a first run (a fresh $MOCKINT_HOME)
 * needs neither the YAML parser nor zod for them. Keys hold each file's text hash and the schemas'
 * fingerprint, so an edited file, another bank or a changed schema finds nothing here and is validated.
 * A package built without them (plain `tsc`) simply misses.
 */
export function openShippedDocuments(dir: string = shippedDocumentsDir()): DocumentCache {
  const cache = openDocumentCache(dir)
  return { get: (key) => cache.get(key), set: async () => undefined }
}

/**
 * Validates every question and rubric of the bank at `root` (`questions/<category>/<slug>.yaml`,
 * `rubrics/<id>.yaml`) and stores those that may be cached in `dir`, keyed as the lazy bank looks them up;
 * files there that no longer match a document are removed. Run by `npm run build`. Returns the counts.
 */
export async function writeShippedDocuments(
  root: string = packageRoot(),
  dir: string = shippedDocumentsDir(root),
): Promise<{ documents: number; written: number; removed: number; skipped: string[] }> {
  const cache = openDocumentCache(dir)
  const files = await bankFiles(root)
  await mkdir(dir, { recursive: true })
  const before = new Set(await readdir(dir))
  const keep = new Set<string>()
  const skipped: string[] = []
  let written = 0
  for (const { file, kind } of files) {
    const key = await documentKey(kind, await readFile(file, 'utf8'))
    const name = cache.fileName(key)
    if (before.has(name) && (await cache.get(key)) !== undefined) {
      keep.add(name)
      continue
    }
    const { doc, cacheable } = await validateDocument(file, kind, root)
    // A file with problems is left to the run that reads it, which reports them as usual.
    if (!cacheable) {
      skipped.push(file)
      continue
    }
    await cache.set(key, doc)
    if ((await cache.get(key)) === undefined) throw new Error(`could not write the validated ${kind} of ${file} to ${dir}`)
    keep.add(name)
    written++
  }
  let removed = 0
  for (const name of before)
    if (!keep.has(name)) {
      await rm(join(dir, name), { force: true })
      removed++
    }
  return { documents: keep.size, written, removed, skipped }
}

/** The question and rubric files of the bank at `root`, in directory order. */
async function bankFiles(root: string): Promise<Array<{ file: string; kind: DocumentKind }>> {
  const files: Array<{ file: string; kind: DocumentKind }> = []
  for (const category of await readdir(join(root, 'questions'), { withFileTypes: true }).catch(() => [])) {
    if (!category.isDirectory()) continue
    for (const f of await readdir(join(root, 'questions', category.name)))
      if (f.endsWith('.yaml')) files.push({ file: join(root, 'questions', category.name, f), kind: 'question' })
  }
  for (const f of await readdir(join(root, 'rubrics')).catch(() => []))
    if (f.endsWith('.yaml')) files.push({ file: join(root, 'rubrics', f), kind: 'rubric' })
  return files
}

/**
 * The bank files at `root` whose validated document is not in `dir` (empty when the build's documents are
 * current): after an edit to a file, or to the schema code its key holds, without `npm run build`, a first run
 * parses and validates those files again. Read by the benchmarks, which would otherwise measure that parse.
 */
export async function staleShippedDocuments(root: string = packageRoot(), dir: string = shippedDocumentsDir(root)): Promise<string[]> {
  const cache = openShippedDocuments(dir)
  const stale: string[] = []
  for (const { file, kind } of await bankFiles(root))
    if ((await cache.get(await documentKey(kind, await readFile(file, 'utf8')))) === undefined) stale.push(file)
  return stale
}
