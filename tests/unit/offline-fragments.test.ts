/**
 * Terse answers written as notes: fragments too short to be evidence alone are read together with the ones
 * after them, so a point made over "Prevent: hard caps. Hash tool + args." counts; full sentences stay as
 * written, and a keyword list joined up is still a keyword list.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, type Bank } from '../../src/core/bank/load.js'
import { analyseAnswer, joinFragments } from '../../src/core/judge/offline/analyse.js'
import { compileKeyPoints, matchKeyPoints } from '../../src/core/judge/offline/bank.js'
import { measureAnswer } from '../../src/core/judge/offline/features.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'

const root = join(import.meta.dirname, '../..')
let bank: Bank
beforeAll(async () => {
  bank = (await loadBank([join(root, 'rubrics'), join(root, 'questions')], root)).bank
})

describe('joinFragments', () => {
  it('joins a run of short fragments with what follows until the unit is long enough, and leaves full sentences alone', () => {
    const s = analyseAnswer('Causes: no progress. Bad tool contract. Fix it. The agent keeps calling the same search tool with the same arguments over and over. Done.')
    const joined = joinFragments(s, 10)
    expect(joined.map((x) => x.text)).toEqual([
      'Causes: no progress. Bad tool contract. Fix it. The agent keeps calling the same search tool with the same arguments over and over.',
      'Done.',
    ])
    // Tokens and the CJK compact index follow the join: a term spanning the old boundary is found at the right tokens.
    const u = joined[0]!
    expect(u.tokens.length).toBe(s[0]!.tokens.length + s[1]!.tokens.length + s[2]!.tokens.length + s[3]!.tokens.length)
    expect(u.compactToken.length).toBe(u.compact.length)
    expect(u.tokens[u.compactToken[u.compact.indexOf('agent')]!]!.text).toBe('agent')
    expect(u.words).toBe(s.slice(0, 4).reduce((n, x) => n + x.words, 0))
  })

  it('keeps an answer of full sentences as it is', () => {
    const s = analyseAnswer('The cache stores keys and values for every earlier token in the sequence. Decoding then reads it once per step instead of recomputing.')
    expect(joinFragments(s, 10)).toEqual(s)
  })
})

describe('terse answers', () => {
  it('credit a key point made across note fragments that alone are too short to count', () => {
    const q = bank.byId.get('agents/agent-infinite-loops')!.question
    const notes = 'Prevent: hash tool + normalised args. Dup: return cached result. Third time: escalate to a human.'
    const written = analyseAnswer(notes)
    // Each fragment alone is under six words: no sentence can be evidence of the hashing point.
    const alone = matchKeyPoints(compileKeyPoints(q), written).matches.find((m) => m.kp.point.id === 'repeat-detection')!
    expect(alone.evidence).toBeNull()
    const f = measureAnswer(q, written)
    const point = f.dimensions.scenario!.points.find((p) => p.point.id === 'repeat-detection')!
    expect(point.strict).toBe(true)
    expect(point.evidence).toContain('hash tool + normalised args')
  })

  it('do not turn a bare keyword list into evidence', async () => {
    const q = bank.byId.get('agents/agent-infinite-loops')!.question
    const judge = createOfflineJudge()
    const g = await judge.grade({
      question: { kind: 'bank', question: q },
      rubric: bank.rubrics.get(q.rubric)!.rubric,
      answer: 'Step cap. Hashing. Fingerprint. Ledger. Backoff. Recursion limit. Cap-hit rate. Spend alert. Fault injection. Halting problem.',
      lang: 'en',
    })
    if (!g.ok) throw new Error(g.reason)
    expect(g.overall).toBeLessThan(25)
  })
})
