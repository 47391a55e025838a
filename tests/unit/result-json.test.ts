import { describe, expect, it } from 'vitest'
import type { ResultRecord } from '../../src/core/grading/result.js'
import { createResultLines, resultLine } from '../../src/core/grading/result-json.js'

const base = {
  id: 'a1',
  question_id: 'llm-fundamentals/kv-cache',
  status: 'graded',
  overall: 62.5,
  scores: { principle: 3, scenario: 2, engineering: 0, observability: 4 },
  feedback: 'Good — but "quote" and \\ backslash, tab\there, 中文 and an emoji 🙂.',
  missing: ['Paged attention — blocks', 'Eviction', 'Paged attention — blocks'],
  follow_up: 'Why?',
  flags: ['off_topic'],
  judge: { kind: 'offline', model: 'offline-v2', prompt_hash: '7138dc5d' },
  usage: { prompt_tokens: 0, completion_tokens: 1_000_000, cached_tokens: 1023 },
  latency_ms: 1024,
  error: null,
  rubric: 'llm-engineer',
  cached: false,
  pass: true,
} as unknown as ResultRecord

/** Records that differ from `base` in one way JSON.stringify has a rule for. */
const odd: Array<[string, Record<string, unknown>]> = [
  ['undefined fields left out, in an array written null', { spread: undefined, repeats: [undefined, 1], follow_up: undefined }],
  ['non-finite numbers, -0, fractions, negatives, large numbers', { overall: NaN, latency_ms: -0, scores: { a: Infinity, b: -1, c: 0.1 + 0.2, d: 1e21, e: 2 ** 53 } }],
  ['lone surrogates and control characters', { feedback: '\ud800 x \udfff \u0000 \u001f \u2028', missing: ['\ud83d'] }],
  ['an id that needs escaping', { id: 'quote " back \\ nl \n 中' }],
  ['integer-like keys first, as JSON.stringify orders them', { scores: { b: 1, 2: 2, a: 3, 1: 4 } }],
  ['a Date (toJSON) and a class instance', { judge: { kind: 'x', at: new Date(0) }, error: new (class E { message = 'm' })() }],
  ['functions and symbols left out', { extra: () => 1, sym: Symbol('s'), list: [() => 1, Symbol('t')] }],
  ['a null-prototype object', { scores: Object.assign(Object.create(null) as object, { z: 1 }) }],
  ['nested arrays and objects', { repeats: [{ repeat: 0, overall: 1, scores: { a: 1 }, cached: false }, [[], {}]] }],
]

describe('results lines', () => {
  it('are JSON.stringify(result) + "\\n", byte for byte, for every kind of value', () => {
    expect(resultLine(base)).toBe(JSON.stringify(base) + '\n')
    for (const [what, change] of odd) {
      const r = { ...base, ...change } as unknown as ResultRecord
      expect(resultLine(r), what).toBe(JSON.stringify(r) + '\n')
    }
  })

  it('as bytes: many lines in one buffer, the same strings written again from the cache, a huge line', () => {
    const lines = createResultLines()
    const records = [base, { ...base, id: 'a2', feedback: 'x'.repeat(300_000) }, { ...base, id: 'a3' }, ...odd.map(([, c]) => ({ ...base, ...c }))] as unknown as ResultRecord[]
    for (const r of records) lines.add(r)
    expect(lines.take().toString('utf8')).toBe(records.map((r) => JSON.stringify(r) + '\n').join(''))
    // Taken: the next group starts empty.
    lines.add(base)
    expect(lines.take().toString('utf8')).toBe(JSON.stringify(base) + '\n')
  })

  it('a value JSON.stringify refuses throws as it does', () => {
    expect(() => resultLine({ ...base, overall: 1n } as unknown as ResultRecord)).toThrow(TypeError)
    // The writer is still usable afterwards.
    expect(resultLine(base)).toBe(JSON.stringify(base) + '\n')
  })
})
