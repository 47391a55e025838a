import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ParseCache } from '../yaml-file.js'

/** Bump when the stored shape changes. */
const FORMAT = 1
/** Texts kept: the shipped bank is 73 files; room for a few versions of several banks. */
const MAX_ENTRIES = 2000

export interface StoredParseCache extends ParseCache {
  /** Writes the cache back when this run added entries. Never throws: it is only a cache. */
  save(): Promise<void>
}

/**
 * The parsed values of bank files, kept in one JSON file (`$MOCKINT_HOME/cache/bank-parse.json`) and keyed
 * by a hash of each file's text, so an edited file is parsed again whatever its timestamp says. Only texts
 * that parsed without a problem are stored; schema validation still runs on every load. A missing or
 * broken file is an empty cache.
 */
export async function openParseCache(file: string): Promise<StoredParseCache> {
  const entries = new Map<string, unknown>()
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { format?: unknown; entries?: unknown }
    if (stored?.format === FORMAT && Array.isArray(stored.entries))
      for (const e of stored.entries) if (Array.isArray(e) && typeof e[0] === 'string' && e.length === 2) entries.set(e[0], e[1])
  } catch {
    // No cache yet, or a broken one: start empty.
  }
  const used = new Set<string>()
  let added = 0
  return {
    get(hash) {
      const v = entries.get(hash)
      if (v !== undefined) used.add(hash)
      return v
    },
    set(hash, value) {
      entries.set(hash, value)
      used.add(hash)
      added++
    },
    async save() {
      if (added === 0) return
      // The texts this run read first, then the others in the order stored (most recently used first).
      const keep: [string, unknown][] = [...used].map((h) => [h, entries.get(h)])
      for (const [h, v] of entries) {
        if (keep.length >= MAX_ENTRIES) break
        if (!used.has(h)) keep.push([h, v])
      }
      try {
        await mkdir(dirname(file), { recursive: true })
        const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
        await writeFile(tmp, JSON.stringify({ format: FORMAT, entries: keep }))
        await rename(tmp, file)
      } catch {
        // A read-only home costs the next run a parse, nothing else.
      }
    },
  }
}
