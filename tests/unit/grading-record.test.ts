import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseGradeRecord, RECORD_FIELDS } from '../../src/core/grading/record.js'

// The zod schema the hand-written check replaced (loading zod cost more than grading one answer), and the
// way its first issue became a message. The check must agree with both on every record.
const LangSchema = z.enum(['en', 'zh'])
const GradeRecordSchema = z.looseObject({
  id: z.string().trim().min(1, 'must not be empty'),
  answer: z.string(),
  question_id: z.string().trim().min(1).nullish(),
  question: z.string().trim().min(1).nullish(),
  reference: z.string().nullish(),
  rubric: z.string().trim().min(1).nullish(),
  lang: LangSchema.nullish(),
})

function describeValue(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string') return `a string`
  return `${typeof v} ${JSON.stringify(v)}`
}

function viaZod(value: Record<string, unknown>): { ok: true; record: unknown } | { ok: false; message: string } {
  const parsed = GradeRecordSchema.safeParse(value)
  if (parsed.success) return { ok: true, record: parsed.data }
  const zi = parsed.error.issues[0]!
  const field = zi.path.map(String).join('.')
  const input = value[String(zi.path[0])]
  if (zi.code === 'invalid_type' && input === undefined) return { ok: false, message: `missing "${field}"; every record needs "id" and "answer" (strings)` }
  if (zi.code === 'invalid_type') return { ok: false, message: `"${field}" must be a string, got ${describeValue(input)}` }
  if (field === 'lang') return { ok: false, message: `"lang" must be "en" or "zh", got ${JSON.stringify(input)}` }
  return { ok: false, message: `"${field}" ${zi.message === 'must not be empty' ? 'must not be empty' : `is invalid: ${zi.message}`}` }
}

/** Every combination of a few values per field, absent included: 6^7 is too many, so fields vary in pairs. */
function records(): Record<string, unknown>[] {
  const values: unknown[] = [undefined, null, '', '  ', ' x ', 'en', 'zh', 'fr', 5, true, [], {}]
  const base = { id: 'r1', answer: 'a' }
  const out: Record<string, unknown>[] = [{}, base, { ...base, extra: 1, note: 'kept' }]
  for (const f of RECORD_FIELDS)
    for (const g of RECORD_FIELDS)
      for (const a of values)
        for (const b of values) {
          const r: Record<string, unknown> = { ...base }
          if (a === undefined) delete r[f]
          else r[f] = a
          if (b === undefined) delete r[g]
          else r[g] = b
          out.push(r)
        }
  return out
}

describe('parseGradeRecord', () => {
  it('agrees with the zod schema it replaced: the same records pass with the same values, the same fail with the same message', () => {
    const all = records()
    expect(all.length).toBeGreaterThan(5000)
    let failures = 0
    for (const r of all) {
      const mine = parseGradeRecord(r)
      const theirs = viaZod(r)
      if (!theirs.ok) failures++
      expect(mine, JSON.stringify(r)).toEqual(theirs)
      // Key order too: the record is written back in results and reports.
      if (mine.ok && theirs.ok) expect(Object.keys(mine.record)).toEqual(Object.keys(theirs.record as object))
    }
    // The comparison covered both outcomes.
    expect(failures).toBeGreaterThan(1000)
    expect(all.length - failures).toBeGreaterThan(100)
  })

  it('keeps a "__proto__" field as a field, without changing the record\'s prototype', () => {
    const value = JSON.parse('{"id":"x","answer":"a","__proto__":{"polluted":true}}') as Record<string, unknown>
    const r = parseGradeRecord(value)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Object.getPrototypeOf(r.record)).toBe(Object.prototype)
    expect((r.record as Record<string, unknown>).polluted).toBeUndefined()
  })
})
