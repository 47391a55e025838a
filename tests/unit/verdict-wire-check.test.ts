import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'
import { FLAGS } from '../../src/core/judge/types.js'
import { checkWireVerdict, readWireVerdict, wireVerdictSchema } from '../../src/core/judge/verdict-wire.js'
import { RubricSchema, type Rubric } from '../../src/core/rubric/schema.js'

// The hand-written check of the keyed wire verdict replaces zod on the hot path of the LLM judge: it must
// accept exactly the replies the zod schema accepts, and give the same verdict for them.
let rubric: Rubric

beforeAll(async () => {
  rubric = RubricSchema.parse(parse(await readFile('rubrics/llm-engineer.yaml', 'utf8')))
})

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function valid(): { [k: string]: Json } {
  return {
    dimensions: Object.fromEntries(
      rubric.dimensions.map((d, i) => [d.id, { evidence: [`quote ${i}`, 'another'], rationale: `meets level ${i}`, level: rubric.scale.min + (i % (rubric.scale.max - rubric.scale.min + 1)) }]),
    ),
    feedback: 'Good on mechanics; add sizing.',
    missing: ['sizing formula'],
    follow_up: 'How big is the cache for 8K tokens?',
    flags: ['off_topic'],
  }
}

/** Replies one edit away from `valid()` (and a few further), valid and invalid alike, as JSON text. */
function variants(): string[] {
  const out: Json[] = []
  const ids = rubric.dimensions.map((d) => d.id)
  const oddValues: Json[] = [null, true, 0, -0, 1.5, -1, 1e400 as number, '', 'x', [], ['x'], [1], {}, { a: 1 }]
  const edit = (f: (v: ReturnType<typeof valid>) => void) => {
    const v = valid()
    f(v)
    out.push(v)
  }
  out.push(valid(), null, 1, 'verdict', [], [valid()], {})
  // Top-level fields: removed, replaced by odd values, an extra key, keys in another order.
  for (const k of ['dimensions', 'feedback', 'missing', 'follow_up', 'flags']) {
    edit((v) => delete v[k])
    for (const odd of oddValues) edit((v) => (v[k] = odd))
  }
  edit((v) => (v.score = 100))
  edit((v) => (v.__proto__ = {}))
  edit((v) => (v.extra = null))
  out.push(Object.fromEntries(Object.entries(valid()).reverse()) as Json)
  // Flags: every known one, overtime (not a model's), unknown, repeats, not strings.
  for (const f of [...FLAGS, 'bogus', 'EMPTY', 1, null]) edit((v) => (v.flags = [f as Json]))
  edit((v) => (v.flags = ['empty', 'empty', 'prompt_injection']))
  edit((v) => (v.flags = []))
  // Arrays of strings with a non-string inside; empty arrays.
  edit((v) => (v.missing = ['a', 2 as Json]))
  edit((v) => (v.missing = []))
  // Dimensions: each removed, replaced, extra, renamed; each field of each; levels across and beyond the scale.
  for (const id of ids) {
    const dims = (v: ReturnType<typeof valid>) => v.dimensions as { [k: string]: { [k: string]: Json } }
    edit((v) => delete dims(v)[id])
    for (const odd of oddValues) edit((v) => (dims(v)[id] = odd as { [k: string]: Json }))
    edit((v) => (dims(v)[`${id}_x`] = dims(v)[id]!))
    edit((v) => {
      dims(v)[`${id}_x`] = dims(v)[id]!
      delete dims(v)[id]
    })
    for (const k of ['evidence', 'rationale', 'level']) {
      edit((v) => delete dims(v)[id]![k])
      for (const odd of oddValues) edit((v) => (dims(v)[id]![k] = odd))
    }
    edit((v) => (dims(v)[id]!.id = id))
    edit((v) => (dims(v)[id]!.note = ''))
    edit((v) => (dims(v)[id] = Object.fromEntries(Object.entries(dims(v)[id]!).reverse()) as { [k: string]: Json }))
    for (let level = rubric.scale.min - 2; level <= rubric.scale.max + 2; level++) edit((v) => (dims(v)[id]!.level = level))
    for (const level of [2.0000001, 9007199254740993, -9007199254740993, Number.MAX_SAFE_INTEGER]) edit((v) => (dims(v)[id]!.level = level))
  }
  edit((v) => (v.dimensions = Object.fromEntries(Object.entries(v.dimensions as object).reverse())))
  edit((v) => (v.dimensions = rubric.dimensions.map((d) => ({ id: d.id, evidence: [], rationale: '', level: 1 }))))
  // Through JSON text, as replies arrive (JSON.parse makes `__proto__` an own key, 1e400 Infinity).
  return out.map((v) => JSON.stringify(v))
}

describe('checkWireVerdict (the hand-written check of the keyed verdict)', () => {
  it('accepts exactly the replies the zod wire schema accepts, with the same verdict', () => {
    const schema = wireVerdictSchema(rubric)
    const texts = [
      ...variants(),
      // Written by hand: `__proto__` as a real JSON key, a level written as 1e400 and as 2.0, unicode.
      JSON.stringify(valid()).replace('"flags"', '"__proto__":{},"flags"'),
      JSON.stringify(valid()).replace(/"level":\d/, '"level":1e400'),
      JSON.stringify(valid()).replace(/"level":(\d)/, '"level":$1.0'),
      JSON.stringify(valid()).replace(/"level":(\d)/, '"level":-0'),
      JSON.stringify(valid()).replace('Good', 'Gut \\u2028 好 \\ud800'),
    ]
    let accepted = 0
    let rejected = 0
    for (const text of texts) {
      const value: unknown = JSON.parse(text)
      const fast = checkWireVerdict(value, rubric)
      const slow = schema.safeParse(value)
      expect({ text, accepted: fast !== undefined }).toEqual({ text, accepted: slow.success })
      if (fast && slow.success) {
        accepted++
        const { dimensions, ...rest } = slow.data
        const viaZod = { dimensions: rubric.dimensions.map((d) => ({ id: d.id, ...dimensions[d.id]! })), ...rest }
        // Same values and the same key order (result records and caches are written from it).
        expect(JSON.stringify(fast)).toBe(JSON.stringify(viaZod))
        expect(Object.is(fast.dimensions[0]!.level, viaZod.dimensions[0]!.level)).toBe(true)
      } else rejected++
    }
    // Both kinds were exercised in numbers.
    expect(accepted).toBeGreaterThan(20)
    expect(rejected).toBeGreaterThan(150)
  })

  it('leaves the wording of a rejected reply to zod, for the repair turn', () => {
    const v = valid()
    ;(v.dimensions as { [k: string]: { level: number } })[rubric.dimensions[0]!.id]!.level = rubric.scale.max + 3
    const r = readWireVerdict(JSON.parse(JSON.stringify(v)), rubric)
    expect(r).toEqual({ ok: false, error: `dimensions.${rubric.dimensions[0]!.id}.level: Too big: expected number to be <=${rubric.scale.max}` })
  })
})
