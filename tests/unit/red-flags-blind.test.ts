/**
 * The shipped red flags on answers written blind to them (bench/data/fluent-wrong, see its README): none fires on
 * the 249 correct answers, and the fluent-but-wrong answers they were mined from stay caught. A flag edited too
 * broadly, or a matcher change that stops reading negations, fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, type Bank } from '../../src/core/bank/load.js'
import { detectInjection } from '../../src/core/judge/injection.js'
import { analyseAnswer } from '../../src/core/judge/offline/analyse.js'
import { findRedFlags } from '../../src/core/judge/offline/red-flags.js'

const root = join(import.meta.dirname, '../..')
let bank: Bank

beforeAll(async () => {
  bank = (await loadBank([join(root, 'rubrics'), join(root, 'questions')], root)).bank
})

interface Written {
  question_id: string
  style: string
  answer: string
}

function read(kind: 'answers' | 'correct'): Written[] {
  return [1, 2, 3, 4].flatMap((g) =>
    readFileSync(join(root, `bench/data/fluent-wrong/${kind}-${g}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Written),
  )
}

function flags(r: Written): string[] {
  const q = bank.byId.get(r.question_id)?.question
  if (!q) throw new Error(`unknown question ${r.question_id}`)
  const sentences = analyseAnswer(r.answer, detectInjection(r.answer).spans)
  return findRedFlags(q, sentences, bank.rubrics.get(q.rubric)!.rubric.red_flags).map((h) => `${r.question_id} ${r.style} ${h.flag.id}: ${h.evidence}`)
}

describe('red flags on answers written blind to them', () => {
  it('fire on none of the correct answers', () => {
    const correct = read('correct')
    expect(correct.length).toBeGreaterThanOrEqual(240)
    expect(correct.flatMap(flags)).toEqual([])
  })

  it('still catch at least 95% of the fluent-but-wrong answers they were mined from', () => {
    const wrong = read('answers')
    expect(wrong.length).toBe(332)
    const caught = wrong.filter((r) => flags(r).length > 0).length
    expect(caught / wrong.length).toBeGreaterThanOrEqual(0.95)
  })
})
