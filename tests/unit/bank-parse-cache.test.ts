import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths } from '../../src/core/bank/load.js'
import { openParseCache } from '../../src/core/bank/parse-cache.js'
import { loadYamlFile, type ParseCache } from '../../src/core/yaml-file.js'
import { tempDir } from '../helpers/temp.js'

const tmp = () => tempDir('mockint-parse-cache-')

/** A cache that counts what it is asked. */
function counting(inner: ParseCache) {
  const n = { hits: 0, misses: 0, sets: 0 }
  const cache: ParseCache = {
    get(h) {
      const v = inner.get(h)
      if (v === undefined) n.misses++
      else n.hits++
      return v
    },
    set(h, v) {
      n.sets++
      inner.set(h, v)
    },
  }
  return { cache, n }
}

describe('bank parse cache', () => {
  it('loads the shipped bank from the cache exactly as from YAML, locations included', async () => {
    const file = join(tmp(), 'bank-parse.json')
    const fresh = await loadBank(shippedBankPaths(), process.cwd())
    const first = await openParseCache(file)
    await loadBank(shippedBankPaths(), process.cwd(), { cache: first })
    await first.save()
    const stored = await openParseCache(file)
    const { cache, n } = counting(stored)
    const cached = await loadBank(shippedBankPaths(), process.cwd(), { cache })
    expect(n.misses).toBe(0)
    expect(n.hits).toBe(fresh.bank.questions.length + fresh.bank.rubricFiles.length)
    expect(cached.issues).toEqual(fresh.issues)
    expect(cached.bank.questions.map((q) => q.question)).toEqual(fresh.bank.questions.map((q) => q.question))
    expect([...cached.bank.rubrics.keys()]).toEqual([...fresh.bank.rubrics.keys()])
    // Positions are found by parsing the text on demand, so they are the same as a fresh parse's.
    for (const i of [0, 17, 40]) {
      const a = fresh.bank.questions[i]!
      const b = cached.bank.questions[i]!
      for (const path of [['id'], ['key_points', 'engineering', 1, 'terms'], ['calibration', 0, 'answer'], ['nope', 'deeper']])
        expect(b.locate(path)).toEqual(a.locate(path))
    }
  }, 30_000) // parses the whole shipped bank twice: past vitest's 5 s default on a loaded two-core CI machine

  it('parses an edited file again (keyed by content, not by name or time) and never stores a broken one', async () => {
    const dir = tmp()
    const yamlFile = join(dir, 'x.yaml')
    const { cache, n } = counting(await openParseCache(join(dir, 'c.json')))
    writeFileSync(yamlFile, 'a: 1\nb: [x, y]\n')
    expect((await loadYamlFile(yamlFile, { cache })).parsed?.value).toEqual({ a: 1, b: ['x', 'y'] })
    expect((await loadYamlFile(yamlFile, { cache })).parsed?.value).toEqual({ a: 1, b: ['x', 'y'] })
    expect(n).toEqual({ hits: 1, misses: 1, sets: 1 })
    writeFileSync(yamlFile, 'a: 2\nb: [x, y]\n')
    expect((await loadYamlFile(yamlFile, { cache })).parsed?.value).toEqual({ a: 2, b: ['x', 'y'] })
    // A syntax error is reported every time: nothing was stored for it.
    writeFileSync(yamlFile, 'a: [1\n')
    for (let i = 0; i < 2; i++) expect((await loadYamlFile(yamlFile, { cache })).issues[0]?.rule).toBe('yaml/syntax')
    // Values JSON cannot hold exactly (.inf, .nan) are parsed each time rather than stored.
    writeFileSync(yamlFile, 'x: .inf\ny: .nan\n')
    const before = n.sets
    const v = (await loadYamlFile(yamlFile, { cache })).parsed?.value as { x: number; y: number }
    expect(v.x).toBe(Infinity)
    expect(Number.isNaN(v.y)).toBe(true)
    expect(n.sets).toBe(before)
  })

  it('treats a missing or broken cache file as empty, writes only when something was added, and caps its size', async () => {
    const dir = tmp()
    const file = join(dir, 'sub', 'c.json')
    const empty = await openParseCache(file)
    expect(empty.get('h')).toBeUndefined()
    await empty.save()
    expect(() => readFileSync(file)).toThrow()
    empty.set('h1', { a: 1 })
    await empty.save()
    expect((await openParseCache(file)).get('h1')).toEqual({ a: 1 })
    writeFileSync(file, '{ not json')
    const broken = await openParseCache(file)
    expect(broken.get('h1')).toBeUndefined()
    for (let i = 0; i < 2100; i++) broken.set(`k${i}`, i)
    await broken.save()
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }
    // Everything this run used is kept, even past the cap; older entries fill what room is left.
    expect(stored.entries).toHaveLength(2100)
    const next = await openParseCache(file)
    next.set('new', 1)
    await next.save()
    const after = JSON.parse(readFileSync(file, 'utf8')) as { entries: [string, unknown][] }
    expect(after.entries).toHaveLength(2000)
    expect(after.entries[0]![0]).toBe('new')
    expect(after.entries[1]![0]).toBe('k0')
  })
})
