import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDocumentCache, openLazyBank } from '../../src/core/bank/lazy.js'
import { loadBank, packageRoot, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { Issue } from '../../src/core/issue.js'
import { tempDir } from '../helpers/cli.js'

const SHIPPED = packageRoot()

/** A bank folder in the shipped layout with one question and the rubric, copied from the shipped bank. */
function smallBank(): string {
  const root = tempDir()
  mkdirSync(join(root, 'questions', 'llm-fundamentals'), { recursive: true })
  mkdirSync(join(root, 'rubrics'))
  cpSync(join(SHIPPED, 'questions/llm-fundamentals/kv-cache.yaml'), join(root, 'questions/llm-fundamentals/kv-cache.yaml'))
  cpSync(join(SHIPPED, 'rubrics/llm-engineer.yaml'), join(root, 'rubrics/llm-engineer.yaml'))
  return root
}

function open(root: string, cacheDir?: string) {
  const calls = { loadAll: 0, errors: [] as Issue[][] }
  const lazy = openLazyBank({
    root,
    cwd: root,
    cache: cacheDir ? openDocumentCache(cacheDir) : undefined,
    loadAll: async () => {
      calls.loadAll++
      return (await loadBank([join(root, 'rubrics'), join(root, 'questions')], root)).bank
    },
    onErrors: (errors) => {
      calls.errors.push(errors)
      throw new Error(`bank errors: ${errors.map((e) => `${e.file}:${e.line}`).join(', ')}`)
    },
  })
  return { lazy, calls }
}

describe('openLazyBank', () => {
  it('reads only the question a record names and its rubric, with the values the full loader gives', async () => {
    const { lazy, calls } = open(SHIPPED)
    await lazy.need('llm-fundamentals/kv-cache', undefined)
    expect(lazy.bank.questions.map((q) => q.question.id)).toEqual(['llm-fundamentals/kv-cache'])
    expect([...lazy.bank.rubrics.keys()]).toEqual(['llm-engineer'])
    expect(calls.loadAll).toBe(0)
    expect(lazy.complete).toBe(false)
    const full: Bank = (await loadBank(shippedBankPaths(), SHIPPED)).bank
    expect(lazy.bank.byId.get('llm-fundamentals/kv-cache')!.question).toEqual(full.byId.get('llm-fundamentals/kv-cache')!.question)
    expect(lazy.bank.rubrics.get('llm-engineer')!.rubric).toEqual(full.rubrics.get('llm-engineer')!.rubric)
    // Asked again: nothing left to load, nothing to await.
    expect(lazy.need('llm-fundamentals/kv-cache', undefined)).toBeUndefined()
  })

  it('keeps validated documents in the cache, keyed by their text: an edited file is validated again', async () => {
    const root = smallBank()
    const cacheDir = join(tempDir(), 'valid')
    await open(root, cacheDir).lazy.need('llm-fundamentals/kv-cache', undefined)
    const files = readdirSync(cacheDir)
    expect(files).toHaveLength(2)
    // A second run takes the question from the cache (shown by a marked copy there), not from the YAML.
    for (const f of files) {
      const stored = JSON.parse(readFileSync(join(cacheDir, f), 'utf8')) as { key: string; value: { id: string; time_limit?: number } }
      if (stored.value.id !== 'llm-fundamentals/kv-cache') continue
      stored.value.time_limit = 4242
      writeFileSync(join(cacheDir, f), JSON.stringify(stored))
    }
    const second = open(root, cacheDir).lazy
    await second.need('llm-fundamentals/kv-cache', undefined)
    expect(second.bank.byId.get('llm-fundamentals/kv-cache')!.question.time_limit).toBe(4242)
    // Edit the YAML: a new text, a new key, validated from the file again.
    const file = join(root, 'questions/llm-fundamentals/kv-cache.yaml')
    writeFileSync(file, readFileSync(file, 'utf8') + '\n# edited\n')
    const third = open(root, cacheDir).lazy
    await third.need('llm-fundamentals/kv-cache', undefined)
    expect(third.bank.byId.get('llm-fundamentals/kv-cache')!.question.time_limit).not.toBe(4242)
    expect(readdirSync(cacheDir)).toHaveLength(3)
  })

  it('loads the whole bank once for an id the layout cannot answer: no such file, or a file holding another id', async () => {
    const root = smallBank()
    const { lazy, calls } = open(root)
    await lazy.need('llm-fundamentals/no-such-question', undefined)
    expect(calls.loadAll).toBe(1)
    expect(lazy.complete).toBe(true)
    expect(lazy.bank.byId.has('llm-fundamentals/kv-cache')).toBe(true)
    expect(lazy.need('other/thing', undefined)).toBeUndefined()
    expect(calls.loadAll).toBe(1)

    // A question filed under another name is still found, by the full load.
    const moved = smallBank()
    const text = readFileSync(join(moved, 'questions/llm-fundamentals/kv-cache.yaml'), 'utf8')
    writeFileSync(join(moved, 'questions/llm-fundamentals/kv-cache.yaml'), text.replace(/^id: .*$/m, 'id: llm-fundamentals/kv-cache-renamed'))
    const m = open(moved)
    await m.lazy.need('llm-fundamentals/kv-cache', undefined)
    expect(m.calls.loadAll).toBe(1)
    expect(m.lazy.bank.byId.has('llm-fundamentals/kv-cache-renamed')).toBe(true)
  })

  it('never reads outside the bank for an id that is not category/slug', async () => {
    const root = smallBank()
    writeFileSync(join(root, 'secret.yaml'), 'id: x\n')
    const { lazy, calls } = open(join(root, 'questions'))
    await lazy.need("../secret", undefined)?.catch(() => undefined)
    expect(calls.loadAll).toBe(1)
    expect(lazy.bank.questions).toHaveLength(0)
  })

  it('a named file that does not validate stops with its problems (file:line), as the full loader would', async () => {
    const root = smallBank()
    const file = join(root, 'questions/llm-fundamentals/kv-cache.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^difficulty: .*$/m, 'difficulty: impossible'))
    const { lazy, calls } = open(root)
    await expect(lazy.need('llm-fundamentals/kv-cache', undefined)).rejects.toThrow(/bank errors: questions\/llm-fundamentals\/kv-cache\.yaml:\d+/)
    expect(calls.errors[0]![0]!.rule).toMatch(/^schema\//)
  })
})
