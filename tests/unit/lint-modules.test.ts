import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadBank, type Bank } from '../../src/core/bank/load.js'
import type { Issue } from '../../src/core/issue.js'
import { lintControlCharacters, lintDuplicateQuestionIds, lintNearDuplicates, shingleSet, type Report } from '../../src/core/lint/bank-rules.js'
import { lintQuestion } from '../../src/core/lint/question-rules.js'
import { lintRubric } from '../../src/core/lint/rubric-rules.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const invalid = (rel: string) => join(root, 'tests/fixtures/banks/invalid', rel)

async function bankOf(...paths: string[]): Promise<Bank> {
  return (await loadBank([join(root, 'rubrics'), ...paths], root)).bank
}
function collect(): { issues: Issue[]; report: Report } {
  const issues: Issue[] = []
  return { issues, report: ({ path, locate, ...rest }) => void issues.push({ ...rest, ...locate(path ?? []) }) }
}
/** The issues lintQuestion raises for the one question of a fixture file. */
async function questionIssues(rel: string): Promise<Issue[]> {
  const bank = await bankOf(invalid(rel))
  const lq = bank.questions.find((q) => q.file.endsWith(rel.split('/').pop()!))!
  const out: Issue[] = []
  lintQuestion(lq, bank.rubrics.get(lq.question.rubric)?.rubric, [...bank.rubrics.keys()].join(', '), (path, severity, rule, message) =>
    out.push({ file: lq.file, ...lq.locate(path), severity, rule, message }),
  )
  return out
}

describe('rubric rules', () => {
  it('weights that do not add up to 1 are one error at the dimensions', async () => {
    const bank = await loadBank([invalid('rubric/weights.yaml')], root)
    const r = bank.bank.rubricFiles[0]!
    const out: Issue[] = []
    lintRubric(r, (i) => out.push(i))
    expect(out.map((i) => i.rule)).toEqual(['rubric/weights'])
    expect(out[0]!.message).toMatch(/^dimension weights add up to [\d.]+, not 1; adjust the weights$/)
  })
  it('the shipped rubric breaks none', async () => {
    const bank = await bankOf()
    const out: Issue[] = []
    for (const r of bank.rubricFiles) lintRubric(r, (i) => out.push(i))
    expect(out).toEqual([])
  })
})

describe('question rules', () => {
  it.each([
    ['bank/time-limit.yaml', 'bank/time-limit'],
    ['bank/id-category.yaml', 'bank/id-category'],
    ['bank/unknown-rubric.yaml', 'bank/unknown-rubric'],
    ['bank/follow-ups-missing.yaml', 'bank/follow-ups-missing'],
    ['bank/duplicate-key-point.yaml', 'bank/duplicate-key-point'],
    ['bank/calibration-band--inverted.yaml', 'bank/calibration-band'],
    ['bank/calibration-band--overlap.yaml', 'bank/calibration-band'],
  ])('%s breaks only %s', async (file, rule) => {
    const found = await questionIssues(file)
    expect(found.length).toBeGreaterThan(0)
    expect(new Set(found.map((i) => i.rule))).toEqual(new Set([rule]))
  })
  it('a shipped question breaks none', async () => {
    expect(await questionIssues('../../../../questions/llm-fundamentals/kv-cache.yaml')).toEqual([])
  })
})

describe('bank rules', () => {
  it('a question id used twice is reported at the later file', async () => {
    const bank = await bankOf(invalid('bank/duplicate-id'))
    const { issues, report } = collect()
    lintDuplicateQuestionIds(bank, report)
    expect(issues).toHaveLength(1)
    expect(issues[0]!.message).toMatch(/^question id ".+" is already used by .+; ids must be unique$/)
  })
  it('near-duplicate prompts are a warning naming the other question', async () => {
    const bank = await bankOf(invalid('bank/near-duplicate'))
    const { issues, report } = collect()
    lintNearDuplicates(bank, report)
    expect(issues.map((i) => [i.rule, i.severity])).toEqual([['bank/near-duplicate', 'warning']])
  })
  it('control characters are named by the field that holds them', async () => {
    const bank = await bankOf(invalid('bank/control-characters.yaml'))
    const { issues, report } = collect()
    lintControlCharacters(bank, report)
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]!.message).toMatch(/^[a-z_]+(\.[a-z_]+|\[\d+\])* holds control character/)
  })
  it('shingles are consecutive word pairs, a single word standing alone', () => {
    expect([...shingleSet('The KV cache, the cache')]).toEqual(['the kv', 'kv cache', 'cache the', 'the cache'])
    expect([...shingleSet('Hello')]).toEqual(['hello'])
  })
})
