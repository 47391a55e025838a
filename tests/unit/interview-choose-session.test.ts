import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readKey } from '../../src/cli/interview/ask.js'
import { newSession, resumedBanks, resumedSession, resumeTarget } from '../../src/cli/interview/choose-session.js'
import { readLastChoices, writeLastChoices } from '../../src/cli/interview/menu.js'
import type { InterviewOptions } from '../../src/cli/interview/options.js'
import { cliMessages } from '../../src/cli/messages/index.js'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { Config } from '../../src/core/config/resolve.js'
import { InputError } from '../../src/core/errors.js'
import { INTERVIEW_FIXTURES, writeSession } from '../helpers/sessions.js'

let bank: Bank
const homes: string[] = []
const home = () => {
  const h = mkdtempSync(join(tmpdir(), 'mockint-choose-'))
  homes.push(h)
  return h
}
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})
beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), INTERVIEW_FIXTURES], process.cwd())).bank
})

const t = cliMessages('en').app
const opts = (over: Partial<InterviewOptions> = {}): InterviewOptions => ({ count: 2, followUps: 1, ...over })
const config = { judge: 'auto', effectiveJudge: 'offline' } as Config
const T0 = Date.UTC(2026, 11, 1, 9)

function collect() {
  const said: string[] = []
  return { said, say: (s: string) => void said.push(s), warn: (s: string) => `!${s}` }
}

describe('resumeTarget', () => {
  it('is null without --resume, the latest unfinished session for a bare --resume, and the named one otherwise', async () => {
    const h = home()
    await writeSession({ home: h, bank, id: '2026-12-01-0900-aaaa', startedAt: T0, answers: null })
    await writeSession({ home: h, bank, id: '2026-12-01-1000-bbbb', startedAt: T0 + 3_600_000, answers: ['one', 'two'] })
    expect(resumeTarget(undefined, h)).toBeNull()
    expect(resumeTarget(false, h)).toBeNull()
    const latest = resumeTarget(true, h)!
    expect(latest.id).toBe('2026-12-01-0900-aaaa')
    expect(latest.loaded?.events[0]?.type).toBe('session_start')
    expect(resumeTarget('2026-12-01-1000-bbbb', h)!.loaded?.id).toBe('2026-12-01-1000-bbbb')
    expect(resumedBanks(latest)).toEqual([INTERVIEW_FIXTURES])
  })
})

describe('resumedSession', () => {
  it('continues an unfinished session with its own options and questions', async () => {
    const h = home()
    await writeSession({ home: h, bank, id: '2026-12-01-0900-aaaa', startedAt: T0, answers: null, options: { lang: 'zh' } })
    const out = collect()
    const s = resumedSession(resumeTarget(true, h)!, { home: h, bank, config, judgeFlag: undefined, ...out, t })
    expect(s).not.toBe('finished')
    if (s === 'finished') return
    expect(s.id).toBe('2026-12-01-0900-aaaa')
    expect(s.options.lang).toBe('zh')
    expect(s.questions.map((q) => q.id)).toEqual(['fixture/tokenizer', 'fixture/batching'])
    expect(s.prior.map((e) => e.type)).toEqual(['session_start'])
    expect(out.said).toEqual([])
  })

  it('says a finished session is finished and where its report is', async () => {
    const h = home()
    await writeSession({ home: h, bank, id: '2026-12-01-0900-aaaa', startedAt: T0, answers: ['one', 'two'] })
    const out = collect()
    expect(resumedSession(resumeTarget('2026-12-01-0900-aaaa', h)!, { home: h, bank, config, judgeFlag: undefined, ...out, t })).toBe('finished')
    expect(out.said).toEqual([t.finished('2026-12-01-0900-aaaa')])
  })

  it('names the latest sessions when the one asked for does not exist, and says when there is none to resume', async () => {
    const h = home()
    await writeSession({ home: h, bank, id: '2026-12-01-0900-aaaa', startedAt: T0, answers: ['one', 'two'] })
    const ctx = { home: h, bank, config, judgeFlag: undefined, ...collect(), t }
    expect(() => resumedSession(resumeTarget('2026-12-02-0900-zzzz', h)!, ctx)).toThrow('no session "2026-12-02-0900-zzzz" (latest: 2026-12-01-0900-aaaa)')
    expect(() => resumedSession(resumeTarget(true, h)!, ctx)).toThrow(InputError)
    expect(() => resumedSession(resumeTarget(true, h)!, ctx)).toThrow(/no unfinished session to resume/)
  })

  it('refuses a file without a start line, naming it', async () => {
    const h = home()
    mkdirSync(join(h, 'sessions'), { recursive: true })
    writeFileSync(join(h, 'sessions', '2026-12-01-0900-aaaa.jsonl'), '{"type":"skip","at":"2026-12-01T09:00:00.000Z","key":"q1"}\n')
    try {
      resumedSession(resumeTarget('2026-12-01-0900-aaaa', h)!, { home: h, bank, config, judgeFlag: undefined, ...collect(), t })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(InputError)
      expect((e as Error).message).toMatch(/no readable start line/)
    }
  })
})

describe('newSession', () => {
  const ctx = (h: string, out = collect()) => ({ home: h, bank, lang: 'en' as const, now: () => T0, ...out, t })

  it('picks from the flags, or from the menu when it ran', () => {
    const h = home()
    const fromFlags = newSession(opts({ category: ['fixture'], count: 1, seed: 3, strictTime: true }), undefined, ctx(h))
    expect(fromFlags.questions).toHaveLength(1)
    expect(fromFlags.questions[0]!.category).toBe('fixture')
    expect(fromFlags.options).toMatchObject({ count: 1, categories: ['fixture'], seed: 3, strict_time: true, follow_ups: 1, lang: 'en', time: null })
    expect(fromFlags.prior).toEqual([])
    const fromMenu = newSession(opts({ category: ['nonexistent'] }), { categories: ['fixture'], difficulty: null, count: 2 }, ctx(h))
    expect(fromMenu.options.categories).toEqual(['fixture'])
    expect(fromMenu.questions.every((q) => q.category === 'fixture')).toBe(true)
  })

  it('says when fewer questions match than asked for', () => {
    const out = collect()
    const s = newSession(opts({ category: ['fixture'], count: 50 }), undefined, ctx(home(), out))
    expect(out.said).toEqual([`!${t.fewer(s.questions.length)}`])
  })

  it('an unknown category is an input error naming the ones there are', () => {
    expect(() => newSession(opts({ category: ['nope'] }), undefined, ctx(home()))).toThrow(/unknown category "nope"; the banks have: .*fixture/)
  })
})

describe('menu memory', () => {
  it('remembers the last choices in the data folder; an unreadable file means none', () => {
    const h = home()
    expect(readLastChoices(h)).toEqual({})
    writeLastChoices(h, { categories: ['agents'], difficulty: 'senior', count: 3, lang: 'zh', judge: 'offline' })
    expect(readLastChoices(h)).toEqual({ categories: ['agents'], difficulty: 'senior', count: 3, lang: 'zh', judge: 'offline' })
    writeFileSync(join(h, 'last-choices.json'), '{not json')
    expect(readLastChoices(h)).toEqual({})
  })
})

describe('readKey', () => {
  it('waits for one of the keys (any case) or Ctrl+C, ignoring others', async () => {
    const stdin = new PassThrough() as unknown as Parameters<typeof readKey>[0]
    const k = readKey(stdin, ['r', 'i', 's'])
    ;(stdin as unknown as PassThrough).write('x')
    ;(stdin as unknown as PassThrough).write('S')
    expect(await k).toBe('s')
    const c = readKey(stdin, ['r'])
    ;(stdin as unknown as PassThrough).write('\x03')
    expect(await c).toBe('\x03')
  })
})
