import { describe, expect, it } from 'vitest'
import { normalise, normaliseWithMap } from '../../src/core/text/normalise.js'
import { splitSentences } from '../../src/core/text/sentences.js'
import { stem } from '../../src/core/text/stem.js'
import { tokenise } from '../../src/core/text/tokenise.js'

describe('normalise', () => {
  it('folds full-width, case, quotes, dashes and whitespace', () => {
    expect(normalise('  ＧＱＡ\u3000“KV”  cache —\tfast ')).toBe('gqa "kv" cache - fast')
  })
  it('keeps a map from every normalised index back to the original', () => {
    const text = 'ＡＢ  c'
    const { text: n, map } = normaliseWithMap(text)
    expect(n).toBe('ab c')
    expect(map.slice(0, 4)).toEqual([0, 1, 2, 4])
  })
})

describe('stem', () => {
  it.each([
    ['quantize', 'quantized', 'quantizing', 'quantization', 'quantise', 'quantisation'],
    ['layer', 'layers'],
    ['recompute', 'recomputing', 'recomputation', 'recomputed'],
    ['cache', 'caches', 'cached', 'caching'],
    ['query', 'queries'],
    ['swap', 'swapping', 'swapped'],
    ['preempt', 'preempted', 'preemption'],
  ])('brings %s and its forms together', (...forms) => {
    expect(new Set(forms.map(stem)).size).toBe(1)
  })
  it('leaves short words and words with digits alone', () => {
    expect(stem('gqa')).toBe('gqa')
    expect(stem('int8s')).toBe('int8s')
  })
})

describe('tokenise', () => {
  it('splits letters from digits and drops hyphens, keeping decimals and symbols', () => {
    expect(tokenise('128kb fp8 grouped-query 0.5 o(n^2) 2 × head_dim').map((t) => t.text)).toEqual(
      ['128', 'kb', 'fp', '8', 'grouped', 'query', '0.5', 'o', '(', 'n', '^', '2', ')', '2', '×', 'head', 'dim'],
    )
  })
  it('makes one token per CJK character', () => {
    expect(tokenise('显存gqa').map((t) => `${t.kind}:${t.text}`)).toEqual(['cjk:显', 'cjk:存', 'word:gqa'])
  })
})

describe('splitSentences', () => {
  it('splits at sentence punctuation but not inside numbers, abbreviations or names', () => {
    const s = splitSentences('Use 0.5 here, e.g. in vllm.ai. Next one! 第二句。第三句；done')
    expect(s.map((x) => x.text)).toEqual(['Use 0.5 here, e.g. in vllm.ai.', 'Next one!', '第二句。', '第三句；', 'done'])
  })
  it('joins prose wrapped over lines and splits list items and paragraphs', () => {
    const text = 'the keys and values of all\nprevious tokens are cached.\n- GQA shares heads\n- FP8 halves it\nNew line Starts'
    expect(splitSentences(text).map((x) => x.text)).toEqual([
      'the keys and values of all\nprevious tokens are cached.',
      '- GQA shares heads',
      '- FP8 halves it',
      'New line Starts',
    ])
  })
  it('returns offsets into the original text', () => {
    const text = '  One two.  Three four.'
    const sentences = splitSentences(text)
    expect(sentences.map((s) => s.text)).toEqual(['One two.', 'Three four.'])
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text)
  })
})

describe('the CJK table', () => {
  it('classifies Han (BMP, extension A and B, compatibility), kana and Hangul, and nothing latin', async () => {
    const { isHan, isCjkCodePoint, HAN } = await import('../../src/core/text/cjk.js')
    for (const ch of ['中', '㐀', '𠀀', '豈']) {
      expect(isHan(ch.codePointAt(0)!)).toBe(true)
      expect(HAN.test(ch)).toBe(true)
    }
    for (const ch of ['あ', 'カ', '한']) {
      expect(isHan(ch.codePointAt(0)!)).toBe(false)
      expect(isCjkCodePoint(ch.codePointAt(0)!)).toBe(true)
    }
    for (const ch of ['a', 'é', '，', '1']) expect(isCjkCodePoint(ch.codePointAt(0)!)).toBe(false)
  })
})
