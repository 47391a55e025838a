import { describe, expect, it } from 'vitest'
import type { CalibrationReport, CheckResult, QuestionCalibration } from '../../src/core/calibration/calibrate.js'
import { renderCalibrationSummary, renderCalibrationTable } from '../../src/cli/ui/check-table.js'
import { displayWidth } from '../../src/cli/ui/text.js'

const check = (status: CheckResult['status'], detail: string): CheckResult => ({ status, detail, issues: [], errors: [] })

function question(id: string, status: QuestionCalibration['status'], bands: CheckResult): QuestionCalibration {
  return {
    id,
    file: `questions/${id}.yaml`,
    rubric: 'llm-engineer',
    margin_required: 30,
    status,
    answers: [],
    probes: [],
    discrimination: [],
    checks: { bands, order: check('pass', 'ok'), margin: check('pass', '+62.5/30'), probes: check('fail', '6/7'), stability: check('skip', '—') },
    issues: [],
  }
}

const report = (qs: QuestionCalibration[]): CalibrationReport => ({
  judge: { kind: 'offline', description: 'offline (built-in)' },
  repeat: 1,
  strict: false,
  max_spread: 10,
  questions: qs,
  issues: [],
  gradings: 22,
  judge_failures: 0,
  usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 },
  summary: { questions: qs.length, passed: 1, failed: 1, errored: 0 },
  ms: 1234,
})

describe('renderCalibrationTable', () => {
  it('aligns one row per question with marks and details, and a legend', () => {
    const out = renderCalibrationTable(report([question('rag/chunking', 'pass', check('pass', '4/4')), question('llm-fundamentals/kv-cache-sizing', 'error', check('error', '3/4'))]))
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^question\s+bands\s+order\s+margin\s+probes\s+stability\s+result$/)
    expect(lines[1]).toMatch(/^rag\/chunking\s+✓ 4\/4\s+✓ ok\s+✓ \+62\.5\/30\s+✗ 6\/7\s+–\s+pass$/)
    expect(lines[2]).toMatch(/^llm-fundamentals\/kv-cache-sizing\s+E 3\/4 .* ERROR$/)
    // columns line up: "bands" starts where every row's first cell ends
    const col = lines[0]!.indexOf('bands')
    expect(lines[1]!.indexOf('✓ 4/4')).toBe(col)
    expect(lines[2]!.indexOf('E 3/4')).toBe(col)
    expect(lines[3]).toMatch(/^\(✓ pass {2}✗ fail/)
  })

  it('truncates long question ids to fit a narrow terminal', () => {
    const out = renderCalibrationTable(report([question('system-design/a-very-long-question-id-that-goes-on-and-on', 'fail', check('fail', '3/4'))]), 80)
    const row = out.split('\n')[1]!
    expect(row).toContain('…')
    expect(displayWidth(row)).toBeLessThanOrEqual(80)
  })
})

describe('renderCalibrationSummary', () => {
  it('says how many passed, by which judge, and tokens only when there are any', () => {
    const r = report([question('a/b', 'pass', check('pass', '4/4'))])
    expect(renderCalibrationSummary(r)).toBe('calibration: 1 question, 1 passed, 1 failed — 22 gradings by offline (built-in) in 1.2 s\n')
    r.issues = [{ file: 'f', line: 1, column: 1, severity: 'warning', rule: 'calibration/band-edge', message: 'm' }]
    expect(renderCalibrationSummary(r)).toContain('1 passed, 1 failed, 1 warning — ')
    r.usage = { prompt_tokens: 1000, completion_tokens: 200, cached_tokens: 800 }
    r.repeat = 3
    expect(renderCalibrationSummary(r)).toContain(', repeat 3 in 1.2 s (1000 prompt tokens, 800 cached; 200 completion tokens)')
  })
})
