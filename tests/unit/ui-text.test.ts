import { describe, expect, it } from 'vitest'
import { displayWidth, reflowOutline, wrap } from '../../src/cli/ui/text.js'

describe('wrap', () => {
  it('counts CJK characters as two cells and never exceeds the width', () => {
    const text = '这是 lost in the middle 现象：注意力对位置有 U 形偏好，RoPE 的远程衰减导致中间被忽略。'.repeat(3)
    for (const width of [20, 33, 60]) for (const line of wrap(text, width).split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width)
  })

  it('keeps closing punctuation off the start of a line and opening brackets off its end (禁则)', () => {
    // Five wide characters fit in ten cells: the comma would start line 3, so 十 moves down with it.
    expect(wrap('一二三四五六七八九十，一二三', 10).split('\n')).toEqual(['一二三四五', '六七八九', '十，一二三'])
    expect(wrap('一二三四五六七八九「引号」', 10).split('\n')).toEqual(['一二三四五', '六七八九', '「引号」'])
    const text = '应对：重排序把最相关的文档放在开头和结尾，减少文档数量，先做压缩摘要。度量：做位置扫描，线上监控引用位置分布。'
    for (const width of [12, 17, 24, 31, 40]) {
      const lines = wrap(text, width).split('\n')
      expect(lines.join('')).toBe(text)
      for (const l of lines.slice(1)) expect(l).not.toMatch(/^[，。、；：？！）」』》]/)
      for (const l of lines.slice(0, -1)) expect(l).not.toMatch(/[（「『《]$/)
    }
  })

  it('leaves latin text breaking at spaces', () => {
    expect(wrap('one two three four five', 10).split('\n')).toEqual(['one two', 'three four', 'five'])
  })
})

describe('reflowOutline', () => {
  it("joins a bullet's wrapped lines; bullets and blank lines stay breaks", () => {
    const source = [
      '- Why: decode is memory-bandwidth bound; each step reads',
      '  the whole KV cache, so the cache sets the step time.',
      '- Per token: MHA 2·n_h·d_h; MLA d_c + d_h^R = 512 + 64',
      '  + 0 = 576 (a wrapped sum is a continuation, not a bullet).',
      '',
      'A closing note written as prose,',
      'wrapped too.',
      '- Last.',
    ].join('\n')
    expect(reflowOutline(source).split('\n')).toEqual([
      '- Why: decode is memory-bandwidth bound; each step reads the whole KV cache, so the cache sets the step time.',
      '- Per token: MHA 2·n_h·d_h; MLA d_c + d_h^R = 512 + 64 + 0 = 576 (a wrapped sum is a continuation, not a bullet).',
      '',
      'A closing note written as prose, wrapped too.',
      '- Last.',
    ])
  })

  it('joins Chinese without a space between wide characters or at full-width punctuation', () => {
    expect(reflowOutline('- 原因：decode 是显存带\n  宽受限的，每步都要读\n  KV 缓存。\n- 下一条')).toBe('- 原因：decode 是显存带宽受限的，每步都要读 KV 缓存。\n- 下一条')
    expect(reflowOutline('- 地图，\n  AgentBench：8 个环境（\n  OS、数据库）')).toBe('- 地图，AgentBench：8 个环境（OS、数据库）')
  })

  it('keeps an outline without wrapped lines as it is', () => {
    const flat = '- one\n- two\n\n- three'
    expect(reflowOutline(flat)).toBe(flat)
    expect(reflowOutline('- one  \r\n- two')).toBe('- one\n- two')
  })
})
