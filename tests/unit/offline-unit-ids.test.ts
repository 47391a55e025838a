/**
 * The offline judge matches answers against compiled questions by unit ids (units.ts): the table of ids is
 * filled by compiling bank texts, never by answers, and a sentence's ids always reflect the table as it is.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, packageRoot, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { analyseAnswer, compileTerm, findTerm, NO_UNIT, sentenceIds, textUnits, UNKNOWN_UNIT, unknownUnit } from '../../src/core/judge/offline/analyse.js'
import { overlap, questionTexts, questionVocabulary } from '../../src/core/judge/offline/common.js'
import { contentUnits } from '../../src/core/judge/offline/free.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import { IdMap, Marks, unitCount, unitId, unitText } from '../../src/core/judge/offline/units.js'

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank(shippedBankPaths(), packageRoot())).bank
})

describe('unit ids', () => {
  it('read each content unit of a sentence as its id, or as unknown with its text, in token order', () => {
    const [s] = analyseAnswer('The zqxwv cache grows 缓存碎片 quickly.')
    compileTerm('zqxwv-free words cache grows') // ids for the test's known words
    sentenceIds(s!)
    const units = s!.unitIds!.flatMap((id, i) => (id === NO_UNIT ? [] : [id === UNKNOWN_UNIT ? `?${unknownUnit(s!, i)}` : unitText(id)]))
    const expected = textUnits('The zqxwv cache grows 缓存碎片 quickly.')
    expect(units.map((u) => u.replace(/^\?/, ''))).toEqual(expected)
    // The latin words the term compiled are known; a bigram no compiled text uses keeps its text.
    expect(units).toContain(unitText(unitId('cach')))
    expect(units.filter((u) => u.startsWith('?')).length).toBeGreaterThan(0)
  })

  it('are read again when compiling adds units after a sentence was first read', () => {
    const [s] = analyseAnswer('A brand new plorfquux term appears here.')
    expect(findTerm(compileTerm('cache')!, s!)).toEqual([])
    sentenceIds(s!)
    expect(s!.keyIds![3]).toBe(-1)
    // Compiling a term with the unknown word gives it an id: the sentence's stale ids must not hide it.
    const term = compileTerm('plorfquux term')!
    expect(findTerm(term, s!)).toEqual([3, 4])
    expect(s!.keyIds![3]).toBe(unitId('plorfquux'))
  })

  it('do not grow with the answers graded: numbers and unknown words keep their text', async () => {
    const judge = createOfflineJudge()
    const rubric = [...bank.rubrics.values()][0]!.rubric
    const questions = bank.questions.slice(0, 3).map((x) => x.question)
    await judge.prepare?.(questions.map((question) => ({ question, rubric })))
    const grade = (i: number) =>
      judge.grade({
        question: { kind: 'bank', question: questions[i % questions.length]! },
        rubric,
        lang: 'en',
        answer: `The KV cache stores keys and values so decoding skips recomputing them; zyx${i}qw grows with context (#${i}). 缓存${i}碎片`,
      })
    await grade(0)
    const size = unitCount()
    for (let i = 1; i < 300; i++) expect((await grade(i)).ok).toBe(true)
    expect(unitCount()).toBe(size)
  })
})

describe('overlap', () => {
  it('against a question vocabulary of unit ids equals the overlap against the same units as strings', () => {
    const questions = bank.questions.map((x) => x.question)
    // Answers: other questions' texts (on and off topic, both languages, synonyms, CJK runs across sentences).
    const answers = questions.slice(0, 20).flatMap((q) => [q.reference.en, q.reference.zh, `${q.prompt.en} 它的显存 huge memory. 缓存`])
    let offTopic = 0
    for (const q of questions.slice(0, 12)) {
      const parts = questionTexts(q)
      for (const f of q.follow_ups) parts.push(f.en, f.zh)
      const strings = new Set(contentUnits(parts.join('\n')))
      for (const a of answers) {
        const sentences = analyseAnswer(a)
        const expected = overlap(sentences, strings)
        expect(overlap(sentences, questionVocabulary(q)), a).toBe(expected)
        if (expected < 0.2) offTopic++
      }
    }
    // Both sides of the off-topic threshold were exercised.
    expect(offTopic).toBeGreaterThan(10)
    expect(offTopic).toBeLessThan(12 * answers.length)
  })
})

describe('Marks', () => {
  it('marks each number once per generation, and a new generation starts empty', () => {
    const m = new Marks()
    const g = m.next()
    expect(m.mark(5)).toBe(true)
    expect(m.mark(5)).toBe(false)
    expect(m.mark(5000)).toBe(true) // past the initial size: grows
    expect(m.marked(5, g)).toBe(true)
    const h = m.next()
    expect(m.marked(5, h)).toBe(false)
    // An earlier generation's marks read as they were until marked again.
    expect(m.marked(5, g)).toBe(true)
    expect(m.mark(5)).toBe(true)
    expect(m.marked(5, g)).toBe(false)
    expect(m.marked(6, h)).toBe(false)
  })
})

describe('IdMap', () => {
  it('finds the value of every id it holds and -1 for any other, colliding ids included', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 100_003)
    const map = new IdMap(ids.map((id, i) => [id, i] as const))
    ids.forEach((id, i) => expect(map.get(id)).toBe(i))
    const held = new Set(ids)
    for (let id = 0; id < 20_000; id++) if (!held.has(id)) expect(map.get(id)).toBe(-1)
    expect(new IdMap([]).get(0)).toBe(-1)
  })
})
