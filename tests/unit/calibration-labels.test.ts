import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadBank } from '../../src/core/bank/load.js'
import { gradeLabels, labelAgreement, parseLabels } from '../../src/core/calibration/labels.js'
import { InputError } from '../../src/core/errors.js'
import type { GradeInput, GradeOutcome, Judge } from '../../src/core/judge/types.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const line = (o: object) => JSON.stringify(o)

function thrown(fn: () => unknown): InputError {
  try {
    fn()
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
  throw new Error('did not throw')
}

describe('parseLabels', () => {
  const ok = { question_id: 'llm-fundamentals/kv-cache', answer: 'a', score: 3, max_score: 5 }

  it('reads JSONL, skipping blank lines, keeping each label’s line', () => {
    const text = [line(ok), '', line({ question: 'Why?', reference: 'Because.', answer: 'b', score: 0, max_score: 10, grader: 'x' })].join('\n')
    const labels = parseLabels(text, 'labels.jsonl')
    expect(labels.map((l) => l.line)).toEqual([1, 3])
    expect(labels[1]!.label).toMatchObject({ question: 'Why?', reference: 'Because.', score: 0, max_score: 10 })
  })

  it('names file and line for a bad line', () => {
    const cases: [string, number, RegExp][] = [
      [`${line(ok)}\n{"answer": `, 2, /not valid JSON/],
      [`${line({ ...ok, score: 6 })}`, 1, /score: score is above max_score/],
      [`${line(ok)}\n${line({ ...ok, max_score: 0 })}`, 2, /max_score: /],
      [`${line({ answer: 'a', score: 1, max_score: 5 })}`, 1, /either question_id .* or question/],
      [`${line({ ...ok, question: 'also free text' })}`, 1, /either question_id/],
      [`${line({ ...ok, answer: undefined })}`, 1, /answer: /],
    ]
    for (const [text, at, msg] of cases) {
      const e = thrown(() => parseLabels(text, 'l.jsonl'))
      expect(e.where).toEqual({ file: 'l.jsonl', line: at })
      expect(e.message).toMatch(msg)
    }
    expect(thrown(() => parseLabels('\n\n', 'l.jsonl')).message).toMatch(/holds no labels/)
  })

  it('checks question ids and rubrics against the bank', async () => {
    const { bank } = await loadBank(['rubrics', 'questions/llm-fundamentals/kv-cache.yaml'], root)
    expect(parseLabels(line(ok), 'l.jsonl', bank)).toHaveLength(1)
    const e = thrown(() => parseLabels(`${line(ok)}\n${line({ ...ok, question_id: 'x/nope' })}`, 'l.jsonl', bank))
    expect([e.where?.line, e.message]).toEqual([2, expect.stringContaining('unknown question_id "x/nope"')])
    const r = thrown(() => parseLabels(line({ question: 'q', answer: 'a', score: 1, max_score: 5, rubric: 'nope' }), 'l.jsonl', bank))
    expect(r.message).toContain('unknown rubric "nope" (loaded: llm-engineer)')
  })
})

describe('gradeLabels + labelAgreement', () => {
  /** A judge that returns the overall written in the answer ("=NN"), or fails for "FAIL". */
  const judge: Judge & { inputs: GradeInput[] } = {
    kind: 'offline',
    inputs: [],
    describe: () => 'echo judge',
    async grade(input): Promise<GradeOutcome> {
      this.inputs.push(input)
      if (input.answer === 'FAIL') return { ok: false, reason: 'boom', cause: 'internal', retryable: false, judge: { kind: 'offline' } }
      const overall = Number(/=(\d+)/.exec(input.answer)![1])
      return {
        ok: true,
        overall,
        scores: {},
        pass: overall >= 60,
        verdict: { dimensions: [], feedback: '', missing: [], follow_up: '', flags: [] },
        judge: { kind: 'offline' },
        usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 },
        latency_ms: 0,
      }
    },
  }

  it('grades bank and free-text labels, puts both sides on the labels’ scale, and leaves failures out', async () => {
    const { bank } = await loadBank(['rubrics', 'questions/llm-fundamentals/kv-cache.yaml'], root)
    const text = [
      line({ question_id: 'llm-fundamentals/kv-cache', answer: '=100', score: 5, max_score: 5 }),
      line({ question_id: 'llm-fundamentals/kv-cache', answer: '=60', score: 3, max_score: 5 }),
      line({ question: 'Why?', reference: 'Because.', answer: '=20', score: 1, max_score: 5, lang: 'zh' }),
      line({ question: 'Why?', answer: '=0', score: 0, max_score: 5 }),
      line({ question: 'Why?', answer: 'FAIL', score: 4, max_score: 5 }),
    ].join('\n')
    const labels = parseLabels(text, 'l.jsonl', bank)
    judge.inputs.length = 0
    const grades = await gradeLabels(labels, { bank, judge, defaultRubric: bank.rubrics.get('llm-engineer')!.rubric, repeat: 2 })
    expect(judge.inputs).toHaveLength(10)
    expect(judge.inputs[0]!.question.kind).toBe('bank')
    expect(judge.inputs.find((i) => i.answer === '=20')).toMatchObject({ lang: 'zh', question: { kind: 'free', prompt: 'Why?', reference: 'Because.' } })
    expect(grades.map((g) => [g.line, g.human, g.judge, g.error])).toEqual([
      [1, 100, 100, null],
      [2, 60, 60, null],
      [3, 20, 20, null],
      [4, 0, 0, null],
      [5, 80, null, 'boom'],
    ])
    const a = labelAgreement(labels, grades, judge, 0.9)
    expect(a).toMatchObject({ n: 4, graded: 4, failed: 1, scale: 5, pearson: 1, spearman: 1, qwk: 1, mae: 0, within_one: 1, passed: true })
    expect(labelAgreement(labels, grades, judge).passed).toBeNull()
  })

  it('fails the gate when Pearson is below the minimum, on a 0–10 scale for mixed max scores', async () => {
    const { bank } = await loadBank(['rubrics'], root)
    const text = [
      line({ question: 'q', answer: '=90', score: 1, max_score: 10 }),
      line({ question: 'q', answer: '=50', score: 2, max_score: 4 }),
      line({ question: 'q', answer: '=10', score: 9, max_score: 10 }),
    ].join('\n')
    const labels = parseLabels(text, 'l.jsonl', bank)
    const grades = await gradeLabels(labels, { bank, judge, defaultRubric: bank.rubrics.get('llm-engineer')!.rubric })
    const a = labelAgreement(labels, grades, judge, 0.5)
    expect(a.scale).toBe(10)
    expect(a.pearson!).toBeLessThan(0)
    expect(a.passed).toBe(false)
  })
})
