import { describe, expect, it } from 'vitest'
import { escapeHtml, escapeMarkdown, escapeMarkdownCell, escapeXml } from '../../src/cli/ui/escape.js'
import { countWords as screenWords } from '../../src/cli/ui/interview-screen.js'
import { charWidth, displayWidth, truncate } from '../../src/cli/ui/text.js'
import { median, round1 } from '../../src/core/metrics/median.js'
import { HAN_PAIR } from '../../src/core/text/cjk.js'
import { includesTerm, mentionsTerm } from '../../src/core/text/mentions.js'
import { CJK_CHAR_WEIGHT, countWords, tokenise, wordCount } from '../../src/core/text/tokenise.js'

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, unrounded; callers round', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([1, 2, 3, 4])).toBe(2.5)
    expect(median([70, 71.25])).toBe(70.625)
    expect(round1(median([70, 71.25]))).toBe(70.6)
    expect(() => median([])).toThrow(RangeError)
  })
})

describe('the word counter', () => {
  it('counts latin words and numbers one, CJK characters one half (the documented weight), symbols nothing', () => {
    expect(CJK_CHAR_WEIGHT).toBe(0.5)
    expect(countWords('KV cache 很重要')).toBe(3.5)
    expect(countWords('batch 32 → 64')).toBe(3)
    expect(countWords('batch 32 → 64', { numbers: false })).toBe(1)
    expect(wordCount(tokenise('grouped-query attention'))).toBe(3)
  })
  it('the interview screen counts a CJK character as one (its Chinese label counts characters, 字)', () => {
    expect(screenWords('KV cache 很重要')).toBe(5)
    expect(screenWords('')).toBe(0)
  })
  it('counts a word with accented letters as one word, on the screen and in the judge', () => {
    expect(screenWords('a naïve café')).toBe(3)
    expect(countWords('Schrödinger’s café is naïve')).toBe(4)
    expect(tokenise('naïve').map((t) => t.text)).toEqual(['naïve'])
  })
})

describe('whether a text names a term', () => {
  it('hints: anywhere, case and width folded', () => {
    expect(includesTerm('We DRAG the slider', 'rag')).toBe(true)
    expect(includesTerm('ＫＶ cache', 'kv')).toBe(true)
  })
  it('calibration: at word boundaries for latin terms, anywhere for Han', () => {
    expect(mentionsTerm('we drag the slider', 'rag')).toBe(false)
    expect(mentionsTerm('use rag, then rerank', 'rag')).toBe(true)
    expect(mentionsTerm('我们用键值缓存加速', '缓存')).toBe(true)
    expect(mentionsTerm('anything', '')).toBe(false)
  })
  it('a CJK bigram unit is exactly two Han characters', () => {
    expect(HAN_PAIR.test('缓存')).toBe(true)
    expect(HAN_PAIR.test('缓存区')).toBe(false)
    expect(HAN_PAIR.test('かな')).toBe(false)
  })
})

describe('escaping', () => {
  const nasty = `a & b < c > d "e" 'f'`
  it('HTML: all five special characters', () => {
    expect(escapeHtml(nasty)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;')
  })
  it('XML (JUnit): four, and no control characters XML forbids', () => {
    expect(escapeXml(`${nasty}\x1b[31m\x07`)).toBe(`a &amp; b &lt; c &gt; d &quot;e&quot; 'f'[31m`)
  })
  it('Markdown prose escapes markup; a table cell escapes only the bar and folds lines', () => {
    expect(escapeMarkdown('a *b* _c_ [d] <e> | `f` \\')).toBe('a \\*b\\* \\_c\\_ \\[d\\] \\<e\\> \\| \\`f\\` \\\\')
    expect(escapeMarkdownCell('a | b\r\nc *d*')).toBe('a \\| b c *d*')
  })
})

describe('display width (get-east-asian-width)', () => {
  it('wide and fullwidth take two columns; controls, combining marks and invisible characters none', () => {
    expect(['中', '한', 'Ａ', '。', '😀'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([2, 2, 2, 2, 2])
    expect(['a', '…', '—', 'é'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([1, 1, 1, 1])
    expect(['\x1b', '\u0301', '\u200d', '\ufe0f', '\u00ad', '\x85'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([0, 0, 0, 0, 0, 0])
    expect(displayWidth('\x1b[1m中文\x1b[0m ok')).toBe(7)
  })
  it('truncate cuts to the width, with an ellipsis or none, never splitting a wide character', () => {
    expect(truncate('中文中文', 5)).toBe('中文…')
    expect(truncate('中文中文', 5, '')).toBe('中文')
    expect(truncate('abcdef', 4, '')).toBe('abcd')
    expect(truncate('abc', 4)).toBe('abc')
  })
})
