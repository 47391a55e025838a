import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import { selectQuestions } from '../../src/core/session/select.js'

let all: Question[]
beforeAll(async () => {
  const { bank } = await loadBank([shippedBankPaths()[0]!, resolve(__dirname, '../fixtures/banks/interview')], process.cwd())
  const base = bank.questions.map((q) => q.question)
  // Two categories of three questions each, from the fixture questions.
  all = [...base, ...base.map((q) => ({ ...q, id: q.id.replace('fixture/', 'other/'), category: 'other' }))]
})

describe('selectQuestions', () => {
  it('is reproducible with a seed and differs across seeds', () => {
    const a = selectQuestions(all, { count: 4, seed: 7 }).map((q) => q.id)
    expect(selectQuestions(all, { count: 4, seed: 7 }).map((q) => q.id)).toEqual(a)
    const others = [1, 2, 3, 4, 5].map((seed) => selectQuestions(all, { count: 4, seed }).map((q) => q.id).join())
    expect(new Set([a.join(), ...others]).size).toBeGreaterThan(1)
  })

  it('filters by category and difficulty and spreads across categories', () => {
    expect(selectQuestions(all, { count: 10, categories: ['other'] }).every((q) => q.category === 'other')).toBe(true)
    expect(selectQuestions(all, { count: 10, difficulty: 'senior' }).map((q) => q.id).sort()).toEqual(['fixture/eval-drift', 'other/eval-drift'])
    const two = selectQuestions(all, { count: 2, seed: 3 })
    expect(new Set(two.map((q) => q.category)).size).toBe(2)
  })

  it('follows the adaptive ranking when given', () => {
    const ranked = ['other/tokenizer', 'fixture/batching']
    expect(selectQuestions(all, { count: 2, ranked }).map((q) => q.id)).toEqual(ranked)
  })
})
