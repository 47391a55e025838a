import { describe, expect, it } from 'vitest'
import { cliMessages, type CliMessages } from '../../src/cli/messages/index.js'
import type { SameArity } from '../../src/core/messages/catalogue.js'
import { coreMessages, type CoreMessages } from '../../src/core/messages/index.js'

/** Every key path of a catalogue with what is there: `fn/<arity>`, `string`, `array/<length>`, `regexp`. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path} fn/${value.length}`]
  if (typeof value === 'string') return [`${path} string`]
  if (value instanceof RegExp) return [`${path} regexp`]
  if (Array.isArray(value)) return [`${path} array/${value.length}`, ...value.flatMap((v, i) => shape(v, `${path}[${i}]`))]
  return Object.entries(value as object).flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k))
}

/** Every string of a catalogue by key path (functions and patterns left out). */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]]
  if (typeof value !== 'object' || value === null || value instanceof RegExp) return []
  return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k))
}

describe('message catalogues', () => {
  it('zh has exactly the keys of en, each message taking as many parameters (core and cli)', () => {
    for (const get of [coreMessages, cliMessages] as ((lang: 'en' | 'zh') => object)[]) {
      const en = shape(get('en'))
      expect(en.length).toBeGreaterThan(30)
      expect(shape(get('zh'))).toEqual(en)
    }
  })

  it('no zh string is left in English or empty', () => {
    // Kept English on purpose: `file:line:` warnings stay grep-able in every language.
    const english = new Set(['grade.invalidUtf8Line'])
    for (const get of [coreMessages, cliMessages] as ((lang: 'en' | 'zh') => object)[]) {
      const en = new Map(strings(get('en')))
      const zh = strings(get('zh'))
      expect(zh.filter(([k, s]) => s === '' && k !== 'text.sentenceJoin')).toEqual([])
      expect(zh.filter(([k, s]) => s === en.get(k) && /[a-z]{3}/.test(s) && !english.has(k))).toEqual([])
    }
  })

  it('renders today\'s texts', () => {
    expect(coreMessages('en').offline.made(2, 5)).toBe('Makes 2 of 5 key points:')
    expect(coreMessages('zh').offline.made(2, 5)).toBe('覆盖 5 个要点中的 2 个：')
    expect(coreMessages('en').offline.cut(12000)).toBe('Only the first 12,000 characters were graded (the same limit as the LLM judge).')
    expect(coreMessages('zh').hint('原理', '为什么？', 'KV 缓存')).toBe('原理：为什么？ 可以从「KV 缓存」想起。')
    expect(coreMessages('en').report.practice('rag')).toBe('Practice more rag questions and time yourself.')
    expect(cliMessages('en').screen.words(1)).toBe('1 word')
    expect(cliMessages('en').screen.words(2)).toBe('2 words')
    expect(cliMessages('zh').screen.question(2, 5)).toBe('第 2/5 题')
    expect(cliMessages('en').app.banner(1, 2, '5:00', 'abc')).toBe('mockint interview · 1 question · 2 follow-ups each · time budget 5:00 · resuming abc')
    expect(cliMessages('zh').app.banner(3, 1, '15:00', null)).toBe('mockint 模拟面试 · 3 道题 · 每题 1 个追问 · 总时长 15:00')
    expect(cliMessages('zh').grade.concurrency(2, 8, 'rate limited')).toBe('并发 2/8（被限流）')
    expect(cliMessages('en').history.resume('s1')).toBe('\nResume the latest unfinished one: mockint interview --resume s1\n')
    expect(cliMessages('zh').judge.server('llama.cpp server', 'q', 'http://h/v1')).toBe('llama.cpp 服务，模型 q，地址 http://h/v1')
    expect(cliMessages('en').judge.foundWhy('configured-missing', 'a', 'b', 'file')).toBe('b (model in the config file) is not listed there, so the first it lists')
  })

  it('a translation that drops a key or a parameter does not compile', () => {
    const { hint: _dropped, ...withoutHint } = coreMessages('zh')
    // @ts-expect-error a catalogue without `hint` is not CoreMessages
    const missing: CoreMessages = withoutHint
    const fewer = { ...cliMessages('zh'), history: { ...cliMessages('zh').history, resume: () => '' } }
    // A message that ignores its parameter is still assignable, so the arity check is what catches it:
    const assignable: CliMessages = fewer
    // @ts-expect-error `history.resume` takes no parameter where en's takes one
    const arity: SameArity<typeof fewer, CliMessages> = true
    expect([missing, assignable, arity]).toHaveLength(3)
  })
})
