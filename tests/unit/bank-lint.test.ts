import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths } from '../../src/core/bank/load.js'
import { lintBank, RULES } from '../../src/core/lint/rules.js'
import { tempDir } from '../helpers/cli.js'

const root = process.cwd()
const invalid = join(root, 'tests/fixtures/banks/invalid')
const rubrics = join(root, 'rubrics')

async function issuesFor(path: string) {
  const { bank, issues } = await loadBank([rubrics, path], root)
  return [...issues, ...lintBank(bank)]
}

/** Fixture path → the rule it breaks: `invalid/<area>/<name>[--variant][.yaml]` breaks `<area>/<name>`. */
function fixtures(): { path: string; rule: string }[] {
  const out: { path: string; rule: string }[] = []
  for (const area of readdirSync(invalid))
    for (const name of readdirSync(join(invalid, area))) {
      const path = join(invalid, area, name)
      const rule = `${area}/${name.replace(/\.ya?ml$/, '').replace(/--.*$/, '')}`
      out.push({ path, rule })
    }
  return out
}

describe('invalid fixtures', () => {
  const all = fixtures()

  it('cover every lint rule', () => {
    const covered = new Set(all.map((f) => f.rule))
    for (const rule of Object.keys(RULES)) expect(covered, `no fixture for ${rule}`).toContain(rule)
  })

  it.each(all.map((f) => [f.rule, f.path.slice(root.length + 1), f.path] as const))(
    '%s: %s breaks exactly that rule',
    async (rule, _shown, path) => {
      const issues = await issuesFor(path)
      expect(issues.length, JSON.stringify(issues)).toBeGreaterThan(0)
      expect(new Set(issues.map((i) => i.rule))).toEqual(new Set([rule]))
      for (const i of issues) {
        expect(i.line).toBeGreaterThan(0)
        expect(i.message.length).toBeGreaterThan(10)
      }
    },
  )

  it('point at the offending line', async () => {
    const at = async (rel: string) => (await issuesFor(join(invalid, rel)))[0]!
    // line numbers include the one-line header comment of each fixture
    expect(await at('schema/unknown-field.yaml')).toMatchObject({ line: 8, column: 1 })
    expect(await at('schema/invalid-type.yaml')).toMatchObject({ line: 7, column: 13 })
    expect(await at('bank/unknown-rubric.yaml')).toMatchObject({ line: 8, column: 9 })
    expect(await at('bank/time-limit.yaml')).toMatchObject({ line: 7 })
    expect(await at('yaml/syntax.yaml')).toMatchObject({ rule: 'yaml/syntax', line: 7 })
    expect(await at('file/not-utf8.yaml')).toMatchObject({ line: 10, column: 11 })
    expect((await at('bank/calibration-band--inverted.yaml')).message).toMatch(/inverted/)
  })
})

describe('the valid fixture and the shipped bank', () => {
  it('the valid fixture has no issues', async () => {
    expect(await issuesFor(join(root, 'tests/fixtures/banks/valid'))).toEqual([])
  })

  it('the shipped bank has no errors and no warnings', async () => {
    const { bank, issues } = await loadBank(shippedBankPaths(), root)
    expect([...issues, ...lintBank(bank)]).toEqual([])
    expect(bank.questions.length).toBeGreaterThan(0)
    expect(bank.rubrics.has('llm-engineer')).toBe(true)
  })
})

describe("a rubric's common red flags", () => {
  it('are linted against every question graded with the rubric: undetected, false positive, unknown dimension', async () => {
    const { bank } = await loadBank(shippedBankPaths(), root)
    const lr = bank.rubricFiles.find((r) => r.rubric.id === 'llm-engineer')!
    const base = lr.rubric.red_flags[0]!
    const flags = [
      // fires on the kv-cache reference, which talks about GQA sharing K/V
      { ...base, id: 'too-broad', en: 'GQA shares K/V across query heads.', zh: 'GQA 在查询头之间共享 K/V。', terms: { en: ['gqa'], zh: ['gqa'] }, with: { en: ['query heads'], zh: ['查询头'] } },
      { ...base, id: 'never-fires', en: 'Something unrelated is claimed here.', zh: '这里说了无关的事。' },
      { ...base, id: 'bad-dimension', dimension: 'charisma' },
    ]
    const changed = { ...bank, rubricFiles: [{ ...lr, rubric: { ...lr.rubric, red_flags: flags } }] }
    const issues = lintBank(changed).filter((i) => i.file === lr.file)
    const rules = (id: string) => issues.filter((i) => i.message.includes(`"${id}"`)).map((i) => i.rule)
    expect(rules('too-broad')).toContain('bank/red-flag-false-positive')
    expect(rules('never-fires')).toContain('bank/red-flag-undetected')
    expect(rules('bad-dimension')).toEqual(['bank/red-flag-dimension'])
    for (const i of issues) expect(i.line).toBeGreaterThan(0)
  })
})

describe('bad files', () => {
  it('a missing path is one clear issue', async () => {
    const issues = await issuesFor(join(root, 'no/such/bank'))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ rule: 'file/unreadable', file: 'no/such/bank' })
  })

  it('a 50 MB file is refused without being parsed', async () => {
    const dir = tempDir()
    const big = join(dir, 'huge.yaml')
    writeFileSync(big, 'a: ' + 'x'.repeat(50 * 1024 * 1024) + '\n')
    expect(statSync(big).size).toBeGreaterThan(50_000_000)
    const issues = await issuesFor(big)
    expect(issues).toHaveLength(1)
    expect(issues[0]!.rule).toBe('file/too-large')
    expect(issues[0]!.message).toMatch(/50\.0 MB/)
  })

  it('a top-level list is reported, not crashed on', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n')
    const issues = await issuesFor(dir)
    expect(issues.map((i) => i.rule)).toEqual(['schema/invalid-type'])
  })
})
