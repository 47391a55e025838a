import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import type { Issue } from '../issue.js'
import { PACKAGE_ROOT_URL } from '../package-root.js'
import type { Question, LoadedQuestion } from './schema.js'
import type { Rubric } from '../rubric/schema.js'
import type { Bank, LoadedRubric } from './load.js'

/** Question ids and rubric ids as the schemas allow them: each names one file of the bank layout. */
const QUESTION_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/
const RUBRIC_ID = /^[a-z][a-z0-9-]*$/

export interface LazyBankOptions {
  /** The folder holding `questions/<category>/<slug>.yaml` and `rubrics/<id>.yaml` (the shipped bank). */
  root: string
  /** Paths in issues and `file` fields are relative to this. */
  cwd: string
  /** Keeps validated documents by text (and schema) between runs; without one every file is validated. */
  cache?: DocumentCache
  /**
   * Loads the whole bank the usual way. Called once, when the layout cannot answer: an id with no file of
   * its name, or a file whose id is not its name. Its result replaces what was loaded file by file.
   */
  loadAll(): Promise<Bank>
  /** Called with the errors of a file that was read and could not be used (it should throw). */
  onErrors(errors: Issue[]): void
  /** What is kept of each question loaded (default: all of it). */
  keep?(question: Question): Question
}

/** Validated documents by key, kept between runs. Never throws: it is only a cache. */
export interface DocumentCache {
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
}

/**
 * A {@link DocumentCache} with one JSON file per document in `dir`: a run reads only the documents it uses
 * (the shipped bank's parse cache is one 2 MB file, longer to read than a small batch takes to grade).
 * Entries are never stale (the key holds the text's hash); an edited bank leaves its old entries behind,
 * a few kilobytes each.
 */
export function openDocumentCache(dir: string): DocumentCache & { fileName(key: string): string } {
  const fileName = (key: string) => `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`
  const path = (key: string) => join(dir, fileName(key))
  return {
    fileName,
    async get(key) {
      try {
        const stored = JSON.parse(await readFile(path(key), 'utf8')) as { key?: unknown; value?: unknown }
        return stored.key === key ? stored.value : undefined
      } catch {
        return undefined
      }
    },
    async set(key, value) {
      try {
        await mkdir(dir, { recursive: true })
        const tmp = `${path(key)}.${randomBytes(4).toString('hex')}.tmp`
        await writeFile(tmp, JSON.stringify({ key, value }))
        await rename(tmp, path(key))
      } catch {
        // A read-only home costs the next run a parse, nothing else.
      }
    },
  }
}

/** A bank that reads a question or rubric file only when a record names it. */
export interface LazyBank {
  /** What is loaded so far; after {@link LazyBank.complete}, the whole bank. */
  readonly bank: Bank
  /** True once the whole bank is loaded. */
  readonly complete: boolean
  /**
   * Loads question `questionId` (when given) and rubric `rubricId`, or when none is given the question's
   * rubric. Returns undefined when nothing was left to load, so a caller in a hot loop need not await.
   */
  need(questionId: string | undefined, rubricId: string | undefined): Promise<void> | undefined
  /** Loads the whole bank (for messages that list what it holds, or an id the layout did not find). */
  loadAll(): Promise<void>
}

/**
 * Opens the shipped bank lazily: question `category/slug` is `questions/category/slug.yaml`, rubric `id`
 * is `rubrics/id.yaml`, and only those files are read, as records name them. A document that validated
 * once is kept in the cache (keyed by its text and the schema's code), so a later run needs neither the
 * YAML parser nor zod for it. Anything the layout cannot answer falls back to {@link LazyBankOptions.loadAll}.
 */
export function openLazyBank(opts: LazyBankOptions): LazyBank {
  const bank: Bank = { rubrics: new Map(), questions: [], byId: new Map(), rubricFiles: [] }
  // Ids asked for, by kind (asked for once per record of a large input: no key made for each ask).
  const triedQuestions = new Set<string>()
  const triedRubrics = new Set<string>()
  let complete = false

  const loadAll = async () => {
    if (complete) return
    const full = await opts.loadAll()
    bank.questions = full.questions
    bank.byId = full.byId
    bank.rubrics = full.rubrics
    bank.rubricFiles = full.rubricFiles
    complete = true
  }

  /** The validated document in `file`, or undefined when there is no such file or it holds the other kind. */
  const read = async (file: string, kind: DocumentKind): Promise<Question | Rubric | undefined> => {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return undefined
    }
    const key = await documentKey(kind, text)
    const cached = await opts.cache?.get(key)
    if (cached !== undefined) return cached as Question | Rubric
    // First sight of this text: the full loader on this one file, so values and problems are the usual ones.
    const { doc, errors, cacheable } = await validateDocument(file, kind, opts.cwd)
    if (errors.length > 0) opts.onErrors(errors)
    if (cacheable) await opts.cache?.set(key, doc)
    return doc
  }

  const nowhere = () => ({ line: 1, column: 1 })
  const shown = (file: string) => relative(opts.cwd, file) || file

  const loadQuestion = async (id: string) => {
    if (!QUESTION_ID.test(id) || bank.byId.has(id)) return
    const file = join(opts.root, 'questions', `${id}.yaml`)
    const q = (await read(file, 'question')) as Question | undefined
    if (!q || q.id !== id) return
    const loaded: LoadedQuestion = { question: opts.keep ? opts.keep(q) : q, file: shown(file), locate: nowhere }
    bank.questions.push(loaded)
    bank.byId.set(id, loaded)
  }

  const loadRubric = async (id: string) => {
    if (!RUBRIC_ID.test(id) || bank.rubrics.has(id)) return
    const file = join(opts.root, 'rubrics', `${id}.yaml`)
    const r = (await read(file, 'rubric')) as Rubric | undefined
    if (!r || r.id !== id) return
    const loaded: LoadedRubric = { rubric: r, file: shown(file), locate: nowhere }
    bank.rubrics.set(id, loaded)
    bank.rubricFiles.push(loaded)
  }

  const need = async (questionId: string | undefined, rubricId: string | undefined) => {
    if (questionId !== undefined) {
      triedQuestions.add(questionId)
      await loadQuestion(questionId)
      if (!bank.byId.has(questionId)) return loadAll()
      rubricId ??= bank.byId.get(questionId)!.question.rubric
    }
    if (rubricId === undefined) return
    triedRubrics.add(rubricId)
    await loadRubric(rubricId)
    if (!bank.rubrics.has(rubricId)) return loadAll()
  }

  return {
    get bank() {
      return bank
    },
    get complete() {
      return complete
    },
    need(questionId, rubricId) {
      if (complete) return undefined
      const q = questionId === undefined || triedQuestions.has(questionId)
      const r = rubricId === undefined ? q : triedRubrics.has(rubricId)
      if (q && r) return undefined
      return need(questionId, rubricId)
    },
    loadAll,
  }
}

/** The two kinds of bank document, each with its own schema. */
export type DocumentKind = 'question' | 'rubric'

let fingerprint: Promise<string> | undefined

/**
 * The cache key of a validated document: its kind, the schemas' fingerprint and a hash of its text. The same
 * text under the same schema code has the same key wherever the package is installed.
 */
export async function documentKey(kind: DocumentKind, text: string): Promise<string> {
  return `valid:${kind}:${await (fingerprint ??= schemaFingerprint())}:${createHash('sha256').update(text).digest('hex')}`
}

/**
 * Validates the one bank file `file` with the full loader (values and problems are the usual ones): the
 * document (undefined when the file holds the other kind or fails), its errors, and whether it may be kept
 * in a cache (no issue at all, and JSON gives back exactly what zod made: no undefined fields, no -0).
 */
export async function validateDocument(
  file: string,
  kind: DocumentKind,
  cwd: string,
): Promise<{ doc: Question | Rubric | undefined; errors: Issue[]; cacheable: boolean }> {
  const { loadBank } = await import('./load.js')
  const { bank: one, issues } = await loadBank([file], cwd)
  const errors = issues.filter((i) => i.severity === 'error')
  const doc = kind === 'question' ? one.questions[0]?.question : one.rubricFiles[0]?.rubric
  const cacheable = doc !== undefined && issues.length === 0 && isDeepStrictEqual(JSON.parse(JSON.stringify(doc)), doc)
  return { doc, errors, cacheable }
}

/**
 * A {@link DocumentCache} that looks in `shipped` (read-only: the documents validated when the package was
 * built) before `own`, and stores only in `own`.
 */
export function layeredDocumentCache(shipped: DocumentCache, own: DocumentCache): DocumentCache {
  return {
    async get(key) {
      return (await shipped.get(key)) ?? own.get(key)
    },
    set: (key, value) => own.set(key, value),
  }
}

/**
 * What a validated document depends on besides its text: the schema modules' code and zod's version. A
 * changed schema (a new default, a stricter rule) validates every file again. Modules are named relative to
 * this one, not by absolute path, so the documents validated at build time still match once installed.
 */
async function schemaFingerprint(): Promise<string> {
  const hash = createHash('sha256')
  const zodPackage = pathToFileURL(createRequire(import.meta.url).resolve('zod/package.json'))
  // Run from source by the tests (.ts) or built by tsc (.js): the modules next to this one. Run from the
  // bundle (dist/bundle/, where this code sits in a chunk): the tsc output the bundle was made from.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  const here = /\/core\/bank\/lazy\.[jt]s$/.test(import.meta.url) ? import.meta.url : new URL('dist/core/bank/lazy.js', PACKAGE_ROOT_URL)
  const modules = ['./schema', '../rubric/schema', '../i18n', '../lang'].map((m) => m + ext)
  for (const name of modules) {
    hash.update(name)
    hash.update(await readFile(new URL(name, here)))
  }
  hash.update('zod/package.json')
  hash.update(await readFile(zodPackage))
  return hash.digest('hex').slice(0, 16)
}
