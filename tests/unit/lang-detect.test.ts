import { describe, expect, it } from 'vitest'
import { detectLang, detectLangOf } from '../../src/core/lang.js'
import { isHan } from '../../src/core/text/cjk.js'

// The reading by code points (for…of) that detectLang's scan by UTF-16 units replaced: its specification.
function byCodePoints(text: string): 'en' | 'zh' | null {
  let cjk = 0
  let latin = 0
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0
    if (isHan(c)) cjk++
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++
  }
  if (cjk === 0 && latin === 0) return null
  return cjk * 5 >= latin ? 'zh' : 'en'
}

function randomTexts(n: number): string[] {
  const alphabet = ['a', 'Z', 'kv', ' ', '\n', '缓', '存', '豈', '𠀀', '\ud840', '\udc00', '\ud800', 'カ', '한', 'é', '1', '。', '🚀']
  let seed = 13
  const rand = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % k
  return Array.from({ length: n }, () => Array.from({ length: rand(30) }, () => alphabet[rand(alphabet.length)]).join(''))
}

describe('detectLang', () => {
  it('reads code points as for…of does, lone surrogates and extension B included', () => {
    for (const text of ['', 'KV cache', '我们用 KV 缓存', '𠀀𠀁 ab', '\ud840\udc00', '\ud840 \udc00', '\udc00\ud840', ...randomTexts(5000)])
      expect(detectLang(text), JSON.stringify(text)).toBe(byCodePoints(text))
  })

  it('reads several parts as their text joined by line breaks', () => {
    const texts = randomTexts(3000)
    for (let i = 0; i + 3 <= texts.length; i += 3) {
      const parts = texts.slice(i, i + 3)
      expect(detectLangOf(parts.map((text) => ({ text })))).toBe(byCodePoints(parts.join('\n')))
    }
  })
})
