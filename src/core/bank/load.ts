import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import type { Issue } from '../issue.js'
import { RubricSchema, type Rubric } from '../rubric/schema.js'
import { fileKind } from '../file-access.js'
import { loadYamlFile, unreadableMessage, type Locate, type ParseCache } from '../yaml-file.js'
import { zodToIssues } from '../zod-issues.js'
import { QuestionSchema, type LoadedQuestion } from './schema.js'

export interface LoadedRubric {
  rubric: Rubric
  file: string
  locate: Locate
}

/** Questions and rubrics loaded from one or more folders or files. */
export interface Bank {
  rubrics: Map<string, LoadedRubric>
  questions: LoadedQuestion[]
  byId: Map<string, LoadedQuestion>
  /** Every rubric file read, including any whose id another file already took (for the lint rules). */
  rubricFiles: LoadedRubric[]
}

export { packageRoot, shippedBankPaths } from './paths.js'

/**
 * Loads every `*.yaml`/`*.yml` under the given files and folders. A file whose top level has `dimensions`
 * is a rubric; any other is a question. Schema problems become issues; valid documents are kept even when
 * others fail, so one broken file does not hide the rest. Paths in issues are relative to `cwd`. With a
 * parse cache, files whose text was parsed before are not parsed again (the result is the same).
 */
export async function loadBank(
  paths: readonly string[],
  cwd: string,
  opts: { cache?: ParseCache } = {},
): Promise<{ bank: Bank; issues: Issue[] }> {
  const issues: Issue[] = []
  const files: string[] = []
  for (const p of paths) {
    const abs = resolve(cwd, p)
    const shown = display(abs, cwd)
    let st
    try {
      st = await stat(abs)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      const message =
        code === 'ENOENT' || code === 'ENOTDIR' || code === undefined
          ? 'no such file or folder; check the path'
          : unreadableMessage(code, 'file or folder')
      issues.push(fileIssue(shown, 'file/unreadable', message))
      continue
    }
    if (st.isDirectory()) {
      let found: string[]
      try {
        found = await walkYaml(abs)
      } catch (e) {
        issues.push(fileIssue(shown, 'file/unreadable', unreadableMessage((e as NodeJS.ErrnoException).code ?? 'EIO', 'file or folder')))
        continue
      }
      if (found.length === 0)
        issues.push(fileIssue(shown, 'file/empty-folder', 'holds no .yaml or .yml files; point at a bank folder'))
      files.push(...found)
    } else if (!st.isFile())
      // Reading a device or a FIFO would never end (/dev/zero) or block until someone writes.
      issues.push(fileIssue(shown, 'file/not-regular', `is ${fileKind(st)}, not a file; a bank is .yaml files or folders of them`))
    else files.push(abs)
  }

  const bank: Bank = { rubrics: new Map(), questions: [], byId: new Map(), rubricFiles: [] }
  const seen = new Set<string>()
  for (const abs of files) {
    if (seen.has(abs)) continue
    seen.add(abs)
    const file = display(abs, cwd)
    const { parsed, issues: fileIssues } = await loadYamlFile(abs, { cache: opts.cache })
    for (const i of fileIssues) issues.push({ ...i, file })
    if (!parsed) continue
    const value = parsed.value
    if (value === null || value === undefined) {
      issues.push(fileIssue(file, 'file/empty', 'is empty; a bank file holds one question or one rubric'))
      continue
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      issues.push(
        fileIssue(file, 'schema/invalid-type', 'expected a mapping (one question or one rubric per file)'),
      )
      continue
    }
    if ('dimensions' in value) {
      const r = RubricSchema.safeParse(value, { reportInput: true })
      if (!r.success) {
        issues.push(...zodToIssues(r.error, file, parsed.locate))
        continue
      }
      const loaded: LoadedRubric = { rubric: r.data, file, locate: parsed.locate }
      bank.rubricFiles.push(loaded)
      // A duplicate rubric id is reported by the lint rules, which see both files; the first one wins.
      if (!bank.rubrics.has(r.data.id)) bank.rubrics.set(r.data.id, loaded)
    } else {
      const q = QuestionSchema.safeParse(value, { reportInput: true })
      if (!q.success) {
        issues.push(...zodToIssues(q.error, file, parsed.locate))
        continue
      }
      const loaded: LoadedQuestion = { question: q.data, file, locate: parsed.locate }
      bank.questions.push(loaded)
      if (!bank.byId.has(q.data.id)) bank.byId.set(q.data.id, loaded)
    }
  }
  return { bank, issues }
}

async function walkYaml(dir: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  for (const e of entries) {
    if (!e.isFile()) continue
    if (!/\.ya?ml$/i.test(e.name)) continue
    out.push(join(e.parentPath, e.name))
  }
  return out.sort()
}

function display(abs: string, cwd: string): string {
  const rel = relative(cwd, abs)
  return rel.startsWith('..') ? abs : rel || '.'
}

function fileIssue(file: string, rule: string, message: string): Issue {
  return { file, line: 1, column: 1, severity: 'error', rule, message }
}
