import { describe, expect, it } from 'vitest'
import { FOLD, normalise, normaliseWithMap } from '../../src/core/text/normalise.js'

// normaliseText() copies stretches of characters that are their own normal form as slices and skips the
// cache for CJK ideographs. This is the character-by-character reading it replaced: the specification it is
// held to, text and index map alike (with the module's own fold table: the table is data, not the reading).

function charByChar(text: string): { text: string; map: number[] } {
  const map: number[] = []
  let out = ''
  let i = 0
  let lastSpace = false
  for (const ch of text) {
    const folded = FOLD[ch]
    const nf = ch.normalize('NFKC').toLowerCase()
    const n = folded ?? FOLD[nf] ?? nf
    const space = /^\s+$/u.test(n)
    if (space) {
      if (!lastSpace) {
        out += n.includes('\n') ? '\n' : ' '
        map.push(i)
        lastSpace = true
      } else if (n.includes('\n') && out.endsWith(' ')) out = `${out.slice(0, -1)}\n`
    } else {
      for (let k = 0; k < n.length; k++) map.push(i)
      out += n
      if (n.length > 0) lastSpace = false
    }
    i += ch.length
  }
  map.push(text.length)
  return { text: out, map }
}

const TRICKY = [
  '',
  ' ',
  '\n',
  '  \n \t\n  x',
  'Hello  World\n\n  again\tand\r\nagain ',
  '  ＧＱＡ\u3000“KV”  cache —\tfast ',
  '我们会用分页注意力来减少显存碎片，并监控缓存命中率。 I would measure p99 latency',
  'combining e\u0301 accents. café naïve Schrödinger ß ÿ ĀŒ ɏ ɐ Ω ΣΑΣ',
  'emoji 🚀 between words. 😀\n👍 done 𠀀𠀁 ext-b 丽 ① ½ ² ﬁ ㎏ ㍻',
  'lone \ud800 surrogate. and \udfff another \ud800\ud800\udc00 end\ud800',
  '\u00a0nbsp\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u180e\u200b\v\f\r x \u00a8 \u1fed y',
  'ⅠⅡ Ⅻ ｶﾞ ﾊﾟ ＡＢＣ ａｂｃ ０１２ <tag> [a]^_`{|}~ \x7f \x00 \x1c',
  'İ ẞ ǅ ǈ ﬀ Ω K Å',
]

function randomTexts(n: number): string[] {
  const alphabet = [
    'a', 'Z', 'é', 'E\u0301', '\u0301', 'ß', 'İ', 'Σ', ' ', ' ', '\n', '\t', '\r', '\u00a0', '\u3000', '\u2028', '.', ',', '<', '_',
    '0', '缓', '存', '丽', '，', '。', 'Ａ', 'ｶ', 'ﾞ', '①', '½', '🚀', '𠀀', '\ud800', '\udc00', '—', '“', '\u00a8', 'ﬁ', '㎏',
  ]
  let seed = 11
  const rand = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed % k
  }
  return Array.from({ length: n }, () => Array.from({ length: 1 + rand(40) }, () => alphabet[rand(alphabet.length)]).join(''))
}

describe('normaliseText', () => {
  it('gives the character-by-character text and index map on tricky inputs', () => {
    for (const text of TRICKY) {
      expect(normaliseWithMap(text), JSON.stringify(text)).toEqual(charByChar(text))
      expect(normalise(text), JSON.stringify(text)).toBe(charByChar(text).text.trim())
    }
  })

  it('gives the character-by-character text and index map on random inputs', () => {
    for (const text of randomTexts(3000)) {
      expect(normaliseWithMap(text), JSON.stringify(text)).toEqual(charByChar(text))
      expect(normalise(text), JSON.stringify(text)).toBe(charByChar(text).text.trim())
    }
  })

  it('reads every CJK unified ideograph as its own normal form (the uncached fast path)', () => {
    for (let cp = 0x4e00; cp <= 0x9fff; cp++) {
      const ch = String.fromCodePoint(cp)
      expect(charByChar(ch).text).toBe(ch)
    }
  })

  it('reads every ASCII character, alone, doubled and between others, as before', () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c)
      for (const text of [ch, ch + ch, `A${ch}b`, ` ${ch}\n`, `\n${ch}${ch} `, `é${ch}缓`]) expect(normaliseWithMap(text)).toEqual(charByChar(text))
    }
  })
})
