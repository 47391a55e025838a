import { describe, expect, it } from 'vitest'
import { isCjkCodePoint } from '../../src/core/text/cjk.js'
import { hasCjk } from '../../src/core/text/normalise.js'

describe('hasCjk (a regex scan) agrees with the one table of CJK code points', () => {
  it('on every BMP code point and the supplementary ideographs', () => {
    const wrong: number[] = []
    const check = (cp: number) => {
      if (cp >= 0xd800 && cp <= 0xdfff) return // lone surrogates are not characters
      if (hasCjk(`ab${String.fromCodePoint(cp)}cd`) !== isCjkCodePoint(cp)) wrong.push(cp)
    }
    for (let cp = 0; cp <= 0xffff; cp++) check(cp)
    for (let cp = 0x1ff00; cp <= 0x2a7ff; cp++) check(cp)
    expect(wrong.map((cp) => cp.toString(16))).toEqual([])
  })
})
