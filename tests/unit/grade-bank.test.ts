import { describe, expect, it } from 'vitest'
import { gradingQuestion, slimBank } from '../../src/cli/grade/bank.js'
import { loadBank, packageRoot, shippedBankPaths } from '../../src/core/bank/load.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import type { GradeOutcome } from '../../src/core/judge/types.js'

const withoutLatency = (o: GradeOutcome) => ({ ...o, latency_ms: 0 })

describe('the bank as grading keeps it', () => {
  it('drops calibration answers and sources only, and the offline judge grades the same without them', async () => {
    const { bank } = await loadBank(shippedBankPaths(), packageRoot())
    const slim = slimBank(bank)
    expect(slim.questions).toHaveLength(bank.questions.length)
    const full = createOfflineJudge()
    const kept = createOfflineJudge()
    let graded = 0
    for (const { question } of bank.questions) {
      const q = slim.byId.get(question.id)!.question
      expect(q).toEqual({ ...question, calibration: [], sources: [] })
      expect(gradingQuestion(question)).toEqual(q)
      const rubric = bank.rubrics.get(question.rubric)!.rubric
      // Two of its own calibration answers.
      for (const c of question.calibration.slice(0, 2)) {
        const a = await full.grade({ question: { kind: 'bank', question }, rubric, answer: c.answer, lang: c.lang })
        const b = await kept.grade({ question: { kind: 'bank', question: q }, rubric, answer: c.answer, lang: c.lang })
        expect(withoutLatency(b), `${question.id} ${c.kind}`).toEqual(withoutLatency(a))
        graded++
      }
    }
    expect(graded).toBeGreaterThan(100)
  }, 60_000)
})
