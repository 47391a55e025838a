import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, packageRoot, shippedBankPaths } from '../../src/core/bank/load.js'
import { analyseAnswer, textsUnits, textUnits } from '../../src/core/judge/offline/analyse.js'
import { contentUnits, freeQuestion, scoreAgainst, scoreFree, sentencesUnits } from '../../src/core/judge/offline/free.js'

// The offline judge takes the content units of an answer's sentences from the tokens it already has instead
// of normalising and tokenising their joined text again; the two must agree on every text, or grades change.
const TRICKY = [
  '我们上线了\n然后回滚了',
  'KV cache 很重要\n显存碎片',
  '\u00a8starts with a diaeresis. \u00a8and again\n\u00a8third',
  'soft\u00adhyphen in a word. Ｆｕｌｌ－ｗｉｄｔｈ ＧＱＡ。第二句',
  'numbers 1,000. 2.5\n3,5 and 0.5x faster; p99 < 200 ms!',
  "it's the model's cache — isn't it?\n'quoted' words",
  'emoji 🚀 between words. 😀\n👍 done',
  'lone \ud800 surrogate. and \udfff another',
  'combining e\u0301 accents. café\u0301\nnaïve',
  '1. first item\n2. second item\n- dash item\n  indented continuation',
  'ends with cjk 缓存\n缓存 starts the next',
  '\u3000ideographic space\u3000。\u3000next',
  'e.g. an abbreviation, i.e. another vs. a third. Fig. 2',
]

function randomTexts(n: number): string[] {
  const alphabet = ['a', 'b', 'Q', ' ', '\n', '\t', '.', ',', "'", '-', '_', '1', '9', '缓', '存', '我', '的', '。', '，', '！', 'Ａ', '\u00a8', '\u00a0', '\u3000', '\u2014', '\u201c', '🚀', 'é', '\u0301', '(', ')', '×']
  let seed = 42
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 80) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}

let bankTexts: string[] = []
beforeAll(async () => {
  const { bank } = await loadBank(shippedBankPaths(), packageRoot())
  for (const { question: q } of bank.questions) {
    bankTexts.push(q.prompt.en, q.prompt.zh, q.reference.en, q.reference.zh)
    for (const list of Object.values(q.key_points)) for (const p of list) bankTexts.push(p.en, p.zh)
    for (const f of q.red_flags ?? []) bankTexts.push(f.en, f.zh, f.correction.en, f.correction.zh)
  }
  bankTexts = bankTexts.filter(Boolean)
})

describe('sentencesUnits', () => {
  it('equals the content units of the sentences joined by line breaks, on every bank text, tricky and random ones', () => {
    const texts = [...bankTexts, ...TRICKY, ...randomTexts(3000)]
    expect(bankTexts.length).toBeGreaterThan(1000)
    let multi = 0
    for (const text of texts) {
      const sentences = analyseAnswer(text)
      if (sentences.length > 1) multi++
      expect(sentencesUnits(sentences.map((s) => s.tokens)), text).toEqual(contentUnits(sentences.map((s) => s.text).join('\n')))
    }
    // The comparison is only worth something over texts of several sentences.
    expect(multi).toBeGreaterThan(1000)
  })

  it('joins a CJK bigram across two sentences, as the joined text does', () => {
    const sentences = analyseAnswer('我们上线了\n然后回滚了')
    expect(sentences).toHaveLength(2)
    expect(sentencesUnits(sentences.map((s) => s.tokens))).toContain('了然')
  })
})

describe('freeQuestion', () => {
  it('scores like scoreFree on the answer text, and past its bound of remembered questions', () => {
    const answer = 'A deadlock needs mutual exclusion, hold and wait, no preemption and a circular wait.'
    const reference = 'Four conditions: mutual exclusion, hold and wait, no preemption, circular wait.'
    const first = scoreFree('What is a deadlock?', reference, answer)
    for (let i = 0; i < 600; i++) {
      const prompt = `What is a deadlock? (${i})`
      expect(scoreAgainst(freeQuestion(prompt, reference), contentUnits(answer))).toEqual(scoreFree(prompt, reference, answer))
    }
    expect(scoreFree('What is a deadlock?', reference, answer)).toEqual(first)
    expect(first.score).toBeGreaterThan(0.5)
  })
})

describe('textsUnits', () => {
  it('equals the units of the texts joined by line breaks, on runs of bank texts, tricky and random ones', () => {
    const texts = [...bankTexts, ...TRICKY, ...randomTexts(3000)]
    let seed = 7
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return texts[seed % texts.length]!
    }
    let differ = 0
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: 1 + (i % 5) }, pick)
      const joined = textUnits(parts.join('\n'))
      // The comparison is only worth something where units of the parts alone would differ from running text.
      if (parts.length > 1 && joined.length > 0) differ++
      expect(textsUnits(parts), JSON.stringify(parts)).toEqual(joined)
    }
    expect(differ).toBeGreaterThan(1000)
    // A CJK bigram never forms across the line break between two texts.
    expect(textsUnits(['缓存', '显存'])).toEqual(textUnits('缓存\n显存'))
  })

  it('hands out a fresh array each time (callers may change it)', () => {
    const a = textUnits('KV cache grows with context length')
    a.push('x')
    expect(textUnits('KV cache grows with context length')).not.toContain('x')
  })
})
