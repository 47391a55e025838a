import { describe, expect, it } from 'vitest'
import { controlCharsIn, escapeControlChars, escapeControlCharsDeep } from '../../src/core/text/control.js'

describe('escapeControlChars', () => {
  it('makes escape sequences visible: an OSC title change and a screen clear cannot act', () => {
    expect(escapeControlChars('a\u001b]0;pwned\u0007b')).toBe('a\\x1b]0;pwned\\x07b')
    expect(escapeControlChars('\u001b[2J\u001b[H')).toBe('\\x1b[2J\\x1b[H')
    expect(escapeControlChars('over\rwrite')).toBe('over\\x0dwrite')
  })

  it('escapes every C0 control but line feed and tab, DEL, the C1 controls and bidirectional overrides', () => {
    for (let c = 0; c < 0x20; c++) {
      const ch = String.fromCharCode(c)
      if (ch === '\n' || ch === '\t') expect(escapeControlChars(ch)).toBe(ch)
      else expect(escapeControlChars(ch), `U+${c.toString(16)}`).toBe(`\\x${c.toString(16).padStart(2, '0')}`)
    }
    expect(escapeControlChars('\u007f\u0080\u009b\u009d')).toBe('\\x7f\\x80\\x9b\\x9d')
    // "Trojan Source": the terminal would show `txt.exe` as `exe.txt`.
    expect(escapeControlChars('invoice\u202Etxt.exe')).toBe('invoice\\u202etxt.exe')
    expect(escapeControlChars('\u2066x\u2069')).toBe('\\u2066x\\u2069')
  })

  it('leaves ordinary text alone, the same string: Chinese, emoji, quotes, line breaks, NBSP', () => {
    const text = 'KV 缓存 “quoted” — ok 🎉\n\tnext\u00a0line é'
    expect(escapeControlChars(text)).toBe(text)
  })

  it('lists the control characters a text holds, once each', () => {
    expect(controlCharsIn('a\u001b[2J\u001b]0;x\u0007')).toEqual(['\\x1b', '\\x07'])
    expect(controlCharsIn('plain\ntext')).toEqual([])
  })

  it('escapes every string of a plain value, keys included, and keeps other values', () => {
    const out = escapeControlCharsDeep({ id: '\u001b[31mx', n: 3, ok: null, list: ['\u0007', { '\u001bk': 'v' }] })
    expect(out).toEqual({ id: '\\x1b[31mx', n: 3, ok: null, list: ['\\x07', { '\\x1bk': 'v' }] })
  })
})
