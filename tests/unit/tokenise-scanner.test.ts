import { describe, expect, it } from 'vitest'
import { isCjk, normalise } from '../../src/core/text/normalise.js'
import { stem } from '../../src/core/text/stem.js'
import { tokenise, type Token } from '../../src/core/text/tokenise.js'

// tokenise() scans by hand what this pattern matches; the pattern is the specification it is held to.
const TOKEN = /(\d+(?:[.,]\d+)*)|([a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+(?:'[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+)*)|(\s+)|([-_])|(.)/gsu

function byPattern(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0
    const s = m[0]
    const end = start + s.length
    if (m[1] !== undefined) out.push({ kind: 'num', text: s, key: s.includes(',') ? s.replace(/,/g, '') : s, start, end })
    else if (m[2] !== undefined) out.push({ kind: 'word', text: s, key: stem(s.includes("'") ? s.replace(/'/g, '') : s), start, end })
    else if (m[5] !== undefined) {
      if (isCjk(s)) out.push({ kind: 'cjk', text: s, key: s, start, end })
      else if (/[\p{L}\p{N}]/u.test(s)) out.push({ kind: 'word', text: s, key: s, start, end })
      else out.push({ kind: 'sym', text: s, key: s, start, end })
    }
  }
  return out
}

const TRICKY = [
  '',
  'numbers 1,000. 2.5\n3,5 and 0.5x faster; p99 < 200 ms! 1.2.3, 4,, 5.. 6,a 7.',
  "it's the model's cache — isn't it?\n'quoted' words' ''x y''",
  'fp8 128kb grouped-query snake_case a/b ① ½ ²',
  'emoji 🚀 between words. 😀\n👍 done 𠀀𠀁 ext-b',
  'lone \ud800 surrogate. and \udfff another \ud800\ud800\udc00 end\ud800',
  'combining e\u0301 accents. café naïve Schrödinger ß ÿ ĀŒ ɏ ɐ Ω',
  'UPPER Case Ａ \u00a0nbsp\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u180e\u200b\v\f\r',
  '我们上线了，然后回滚了。KV 缓存很重要 カタカナ 한국어',
  '\u00d7 \u00f7 \u00b5 \u00aa \u00ba \u00c0 \u0660\u0661 ٣ x\u00d7y',
]

function randomTexts(n: number): string[] {
  const alphabet = ['a', 'z', 'é', 'ß', 'ö', '÷', 'ø', 'ÿ', 'Ā', 'ɏ', 'ɐ', 'Q', ' ', '\n', '\t', '.', ',', "'", '-', '_', '0', '9', '缓', '存', '。', '，', 'Ａ', '\u00a0', '\u3000', '\u2028', '🚀', '\ud800', '\udc00', '\u0301', '(', '×', '①', '٣']
  let seed = 7
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}

describe('tokenise (scanner)', () => {
  it('gives the pattern’s tokens on tricky texts, raw and normalised', () => {
    for (const text of TRICKY) {
      expect(tokenise(text)).toEqual(byPattern(text))
      expect(tokenise(normalise(text))).toEqual(byPattern(normalise(text)))
    }
  })
  it('gives the pattern’s tokens for every ASCII character, alone and between others', () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c)
      for (const text of [ch, `a${ch}b`, `1${ch}2`, `${ch}${ch} 缓${ch}`]) expect(tokenise(text), JSON.stringify(text)).toEqual(byPattern(text))
    }
  })
  it('gives the pattern’s tokens on 5,000 random texts', () => {
    for (const text of randomTexts(5000)) expect(tokenise(text)).toEqual(byPattern(text))
  })
})
