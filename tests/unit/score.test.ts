import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { scoreVerdict } from '../../src/core/judge/score.js'
import type { Verdict } from '../../src/core/judge/types.js'
import { RubricSchema } from '../../src/core/rubric/schema.js'

const rubric = RubricSchema.parse(parse(readFileSync('rubrics/llm-engineer.yaml', 'utf8')))
const verdict = (levels: Record<string, number>): Verdict => ({
  dimensions: Object.entries(levels).map(([id, level]) => ({ id, evidence: [], rationale: '', level })),
  feedback: '',
  missing: [],
  follow_up: '',
  flags: [],
})

describe('scoreVerdict', () => {
  it('computes the weighted overall in code', () => {
    const r = scoreVerdict(verdict({ principle: 3, scenario: 3, engineering: 2, observability: 3 }), rubric)
    expect(r).toEqual({ ok: true, scores: { principle: 3, scenario: 3, engineering: 2, observability: 3 }, overall: 68.8, pass: true })
    expect(scoreVerdict(verdict({ principle: 4, scenario: 4, engineering: 4, observability: 4 }), rubric)).toMatchObject({ overall: 100 })
    expect(scoreVerdict(verdict({ principle: 0, scenario: 0, engineering: 0, observability: 0 }), rubric)).toMatchObject({ overall: 0, pass: false })
    expect(scoreVerdict(verdict({ principle: 3, scenario: 2, engineering: 2, observability: 2 }), rubric)).toMatchObject({ overall: 56.3, pass: false })
  })

  it('fails rather than guessing on a missing, unknown, repeated or out-of-scale level', () => {
    expect(scoreVerdict(verdict({ principle: 3, scenario: 3, engineering: 2 }), rubric)).toMatchObject({ ok: false, reason: expect.stringMatching(/observability/) })
    expect(scoreVerdict(verdict({ principle: 3, scenario: 3, engineering: 2, observability: 5 }), rubric)).toMatchObject({ ok: false })
    expect(scoreVerdict(verdict({ principle: 3, scenario: 3, engineering: 2, observability: -1 }), rubric)).toMatchObject({ ok: false })
    expect(scoreVerdict(verdict({ principle: 3, scenario: 3, engineering: 2, observability: 2, style: 4 }), rubric)).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown dimension/) })
    const twice = verdict({ principle: 3, scenario: 3, engineering: 2, observability: 2 })
    twice.dimensions.push({ id: 'principle', evidence: [], rationale: '', level: 4 })
    expect(scoreVerdict(twice, rubric)).toMatchObject({ ok: false, reason: expect.stringMatching(/repeats/) })
  })
})
