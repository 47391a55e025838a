import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { layeredDocumentCache, openDocumentCache, openLazyBank } from '../../src/core/bank/lazy.js'
import { loadBank, packageRoot } from '../../src/core/bank/load.js'
import { openShippedDocuments, staleShippedDocuments, writeShippedDocuments } from '../../src/core/bank/shipped.js'
import { tempDir } from '../helpers/cli.js'

const SHIPPED = packageRoot()
const KV = 'questions/llm-fundamentals/kv-cache.yaml'

/** A bank folder in the shipped layout: two questions and the rubric, copied from the shipped bank. */
function smallBank(): string {
  const root = tempDir()
  mkdirSync(join(root, 'questions', 'llm-fundamentals'), { recursive: true })
  mkdirSync(join(root, 'rubrics'))
  for (const f of [KV, 'questions/llm-fundamentals/attention-variants.yaml', 'rubrics/llm-engineer.yaml']) cpSync(join(SHIPPED, f), join(root, f))
  return root
}

/** A lazy bank over `root` reading the documents in `shipped` first, storing in `own`; loadAll is not expected. */
function open(root: string, shipped: string, own: string) {
  return openLazyBank({
    root,
    cwd: root,
    cache: layeredDocumentCache(openShippedDocuments(shipped), openDocumentCache(own)),
    loadAll: async () => {
      throw new Error('loadAll was not expected')
    },
    onErrors: (errors) => {
      throw new Error(`bank errors: ${errors.map((e) => `${e.file}:${e.line} ${e.message}`).join(', ')}`)
    },
  })
}

describe('the validated documents shipped with the build', () => {
  it('are written for every question and rubric, and rewritten only when a file changed', async () => {
    const root = smallBank()
    const dir = join(tempDir(), 'bank-valid')
    const first = await writeShippedDocuments(root, dir)
    expect(first).toMatchObject({ documents: 3, written: 3, removed: 0, skipped: [] })
    expect(readdirSync(dir)).toHaveLength(3)
    // Up to date: nothing validated again.
    expect(await writeShippedDocuments(root, dir)).toMatchObject({ documents: 3, written: 0, removed: 0 })
    expect(await staleShippedDocuments(root, dir)).toEqual([])
    // An edited file: said stale until the build writes its new document and removes the old one.
    writeFileSync(join(root, KV), readFileSync(join(root, KV), 'utf8') + '\n# edited\n')
    expect(await staleShippedDocuments(root, dir)).toEqual([join(root, KV)])
    expect(await writeShippedDocuments(root, dir)).toMatchObject({ documents: 3, written: 1, removed: 1 })
    expect(await staleShippedDocuments(root, dir)).toEqual([])
    expect(readdirSync(dir)).toHaveLength(3)
  })

  it('leave out a file with problems (the run that reads it reports them)', async () => {
    const root = smallBank()
    writeFileSync(join(root, KV), readFileSync(join(root, KV), 'utf8').replace(/^difficulty: .*$/m, 'difficulty: impossible'))
    const dir = join(tempDir(), 'bank-valid')
    const r = await writeShippedDocuments(root, dir)
    expect(r).toMatchObject({ documents: 2, written: 2 })
    expect(r.skipped).toEqual([join(root, KV)])
    await expect(open(root, dir, join(tempDir(), 'own')).need('llm-fundamentals/kv-cache', undefined)).rejects.toThrow(/bank errors: questions\/llm-fundamentals\/kv-cache\.yaml:\d+/)
  })

  it('serve a first run: the values of the full loader, nothing validated or written to the home cache', async () => {
    const root = smallBank()
    const dir = join(tempDir(), 'bank-valid')
    await writeShippedDocuments(root, dir)
    // Marked copies in the shipped folder show where the lazy bank took its documents from.
    for (const f of readdirSync(dir)) {
      const stored = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { key: string; value: { id: string; time_limit?: number } }
      if (stored.value.id !== 'llm-fundamentals/kv-cache') continue
      stored.value.time_limit = 4242
      writeFileSync(join(dir, f), JSON.stringify(stored))
    }
    const own = join(tempDir(), 'own')
    const lazy = open(root, dir, own)
    await lazy.need('llm-fundamentals/kv-cache', undefined)
    await lazy.need('llm-fundamentals/attention-variants', undefined)
    expect(lazy.bank.byId.get('llm-fundamentals/kv-cache')!.question.time_limit).toBe(4242)
    const full = (await loadBank([join(root, 'rubrics'), join(root, 'questions')], root)).bank
    expect(lazy.bank.byId.get('llm-fundamentals/attention-variants')!.question).toEqual(full.byId.get('llm-fundamentals/attention-variants')!.question)
    expect(lazy.bank.rubrics.get('llm-engineer')!.rubric).toEqual(full.rubrics.get('llm-engineer')!.rubric)
    expect(() => readdirSync(own)).toThrow(/ENOENT/)
  })

  it('do not serve an edited file: it is validated from its text and kept in the home cache', async () => {
    const root = smallBank()
    const dir = join(tempDir(), 'bank-valid')
    await writeShippedDocuments(root, dir)
    writeFileSync(join(root, KV), readFileSync(join(root, KV), 'utf8').replace(/^time_limit: .*$/m, 'time_limit: 321'))
    const own = join(tempDir(), 'own')
    const lazy = open(root, dir, own)
    await lazy.need('llm-fundamentals/kv-cache', undefined)
    expect(lazy.bank.byId.get('llm-fundamentals/kv-cache')!.question.time_limit).toBe(321)
    expect(readdirSync(own)).toHaveLength(1)
    // The shipped folder is never written by a run.
    expect(readdirSync(dir)).toHaveLength(3)
  })
})
