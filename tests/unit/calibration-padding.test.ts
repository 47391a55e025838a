import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadBank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import { pickOffTopic } from '../../src/core/calibration/off-topic.js'
import { echoWithBuzzwords, promptWords, weaveClaim } from '../../src/core/calibration/padding.js'
import { jaccard } from '../../src/core/text/similarity.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

let loaded: Promise<Question[]> | undefined
/** The shipped bank's questions, loaded once for the file. */
function shipped(): Promise<Question[]> {
  loaded ??= loadBank(['rubrics', 'questions'], root).then(({ bank }) => bank.questions.map((q) => q.question))
  return loaded
}

describe('padding', () => {
  it('prompt words: latin content words of 4+ letters without stop words; Han runs split at function characters', async () => {
    const q = (await shipped()).find((x) => x.id === 'llm-fundamentals/kv-cache')!
    const en = promptWords({ ...q, prompt: { en: 'Explain why the KV cache makes decoding faster, and what it costs', zh: '' } }, 'en')
    expect(en).toEqual(['cache', 'makes', 'decoding', 'faster', 'costs'])
    // 㐀 (U+3400, extension A) is a Han character like the rest: it stays inside its run.
    const zh = promptWords({ ...q, prompt: { en: '', zh: '解释键值缓存的作用和㐀㐁代价' } }, 'zh')
    expect(zh).toEqual(['解释键值缓存', '作用', '㐀㐁代价'])
  })

  it('echo padding restates the question around each key point, one sentence per key point', async () => {
    const q = (await shipped()).find((x) => x.id === 'llm-fundamentals/kv-cache')!
    const { answer, woven } = echoWithBuzzwords(q, 'A weak answer.', 'en')
    expect(woven).toHaveLength(Object.values(q.key_points).flat().length)
    expect(answer.startsWith('A weak answer.\n\n')).toBe(true)
    for (const w of woven) expect(answer).toContain(w.sentence)
  })

  it('a wrong claim goes in the middle of the strong answer, ending with a full stop', () => {
    expect(weaveClaim('One. Two. Three. Four.', 'A wrong claim', 'en')).toBe('One. Two. A wrong claim. Three. Four.')
    expect(weaveClaim('一。二。三。', '错误说法', 'zh')).toBe('一。二。错误说法。三。')
  })
})

describe('off-topic pick', () => {
  it('is another category, never the question itself, and the same every time', async () => {
    const qs = await shipped()
    const q = qs[0]!
    const a = pickOffTopic(q, qs)!
    expect(a.id).not.toBe(q.id)
    expect(a.category).not.toBe(q.category)
    expect(pickOffTopic(q, [...qs].reverse())!.id).toBe(a.id)
    expect(pickOffTopic(q, [q])).toBeUndefined()
  })
})

describe('jaccard', () => {
  it('is shared over union, and 0 for an empty set', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5)
    expect(jaccard(new Set(['a']), new Set(['a']))).toBe(1)
    expect(jaccard(new Set(), new Set(['a']))).toBe(0)
  })
})
