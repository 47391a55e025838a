import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { GradeInput, GradeOutcome } from '../judge/types.js'

/** Bump when the shape of a cached entry or the key recipe changes. */
export const CACHE_FORMAT = 2

/**
 * What identifies the judge in a cache key: everything about it that can change a grade. The cli fills it
 * from the configuration and the prompt template version. `output_mode` is the structured-output mode: the
 * Batch API path fixes it up front; the direct path looks a grade up under the mode the judge will start
 * in and stores it under the mode that actually produced it (see `gradeBatch`).
 */
export interface JudgeIdentity {
  kind: 'openai' | 'offline'
  provider?: string
  model?: string
  base_url?: string
  output_mode?: string
  prompt_version?: string
}

/**
 * The cache key of one grade: a SHA-256 over the judge identity, the rubric (id, version and content), the
 * question (bank question content, or free text and reference), the answer, the language and the repeat index.
 */
export function cacheKey(judge: JudgeIdentity, input: GradeInput): string {
  const q = input.question
  const parts = {
    f: CACHE_FORMAT,
    judge,
    rubric: { id: input.rubric.id, version: input.rubric.version, hash: hashJson(input.rubric) },
    question: q.kind === 'bank' ? { id: q.question.id, hash: hashJson(q.question) } : { prompt: q.prompt, reference: q.reference ?? null },
    prompt: input.prompt ?? null,
    parent: input.parent ?? null,
    answer: input.answer,
    lang: input.lang,
    repeat: input.repeat ?? 0,
  }
  return hashJson(parts)
}

function hashJson(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex')
}

/** A store of successful grades. Failures are never cached: a failure is not a grade. */
export interface GradeCache {
  get(key: string): Promise<GradeOutcome | undefined>
  set(key: string, outcome: GradeOutcome): Promise<void>
}

/**
 * A cache of one JSON file per grade under `dir` (sharded by the first two hex digits of the key).
 * Writes go to a temporary file renamed into place, so a crash never leaves a torn entry; an unreadable
 * entry is a miss.
 */
export function createFileCache(dir: string): GradeCache {
  const made = new Set<string>()
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`)
  return {
    async get(key) {
      try {
        const v = JSON.parse(await readFile(pathOf(key), 'utf8')) as { f: number; outcome: GradeOutcome }
        return v.f === CACHE_FORMAT && v.outcome?.ok === true ? v.outcome : undefined
      } catch {
        return undefined
      }
    },
    async set(key, outcome) {
      if (!outcome.ok) return
      const shard = join(dir, key.slice(0, 2))
      if (!made.has(shard)) {
        await mkdir(shard, { recursive: true })
        made.add(shard)
      }
      const tmp = `${pathOf(key)}.${randomBytes(4).toString('hex')}.tmp`
      await writeFile(tmp, JSON.stringify({ f: CACHE_FORMAT, outcome }))
      await rename(tmp, pathOf(key))
    },
  }
}
