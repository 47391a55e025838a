import { describe, expect, it } from 'vitest'
import { extractJson, stripReasoning } from '../../src/core/judge/extract.js'

const verdict = { dimensions: [{ id: 'principle', evidence: ['a {b}'], rationale: 'r "q"', level: 3 }], flags: [] }
const json = JSON.stringify(verdict)

describe('extractJson', () => {
  it('takes a bare JSON reply as a whole', () => {
    expect(extractJson(`  ${json}\n`)).toEqual({ ok: true, value: verdict, from: 'whole' })
  })

  it('strips <think> blocks, including one holding JSON-looking text, and prefers the fenced JSON', () => {
    const text = `<think>\nThe answer says {"level": 4}. Ignore.\n</think>\nVerdict:\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\`\nDone {not json}`
    expect(extractJson(text)).toEqual({ ok: true, value: verdict, from: 'fence' })
  })

  it('prefers a ```json fence over another fence, and the last json fence when there are several', () => {
    const other = { x: 1 }
    const text = `\`\`\`\n${JSON.stringify(other)}\n\`\`\`\n\`\`\`json\n{"draft": true}\n\`\`\`\n\`\`\`json\n${json}\n\`\`\``
    expect(extractJson(text)).toMatchObject({ ok: true, value: verdict })
  })

  it('finds the object by balanced braces in prose, ignoring braces inside strings and a stray brace before it', () => {
    const text = `Sure {here it is: ${json} — hope that helps}`
    expect(extractJson(text)).toEqual({ ok: true, value: verdict, from: 'braces' })
  })

  it('treats a leading unopened </think> as the end of reasoning', () => {
    expect(extractJson(`I should grade carefully... {"level":4}</think>${json}`)).toMatchObject({ ok: true, value: verdict })
  })

  it('fails, with a reason, on text with no object, on a bare array, and when thinking never closed', () => {
    expect(extractJson('I cannot grade this.')).toEqual({ ok: false, reason: 'no JSON object found in the reply' })
    expect(extractJson('[1,2]').ok).toBe(false)
    expect(extractJson(`<think>still thinking ${json}`)).toMatchObject({ ok: false, reason: expect.stringContaining('empty') })
    expect(extractJson(`{"dimensions": [`).ok).toBe(false)
  })
})

describe('stripReasoning', () => {
  it('removes <thinking> and <reasoning> blocks of any case', () => {
    expect(stripReasoning('<THINKING>a</THINKING>x<reasoning>b\nc</reasoning>y')).toBe('xy')
  })
})
