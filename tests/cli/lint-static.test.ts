import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'

describe('mockint check --no-calibrate (static)', () => {
  it('passes on the shipped bank', async () => {
    const r = await runCli(['check', '--no-calibrate'])
    expect(r.stdout).toMatch(/checked \d+ questions and 1 rubric: static 0 errors, 0 warnings · calibration off \(--no-calibrate\) — passed/)
    expect(r.code).toBe(0)
  })

  it('fails with exit 1 and file:line:column  severity  rule  message', async () => {
    const r = await runCli(['check', '--no-calibrate', 'tests/fixtures/banks/invalid/bank/unknown-rubric.yaml'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /^tests\/fixtures\/banks\/invalid\/bank\/unknown-rubric\.yaml:8:9 {2}error {2}bank\/unknown-rubric {2}unknown rubric "llm-engineer-v2" \(loaded rubrics: llm-engineer\)$/m,
    )
  })

  it('a warning alone does not fail', async () => {
    const r = await runCli(['check', '--no-calibrate', 'tests/fixtures/banks/invalid/bank/key-point-count.yaml'])
    expect(r.stdout).toMatch(/warning {2}bank\/key-point-count/)
    expect(r.code).toBe(0)
  })

  it('--format json is pure JSON with the issues', async () => {
    const r = await runCli(['check', '--no-calibrate', '--format', 'json', 'tests/fixtures/banks/invalid/bank/time-limit.yaml'])
    const out = JSON.parse(r.stdout) as { ok: boolean; errors: number; issues: { rule: string; line: number }[] }
    expect(out.ok).toBe(false)
    expect(out.errors).toBe(1)
    expect(out.issues[0]).toMatchObject({ rule: 'bank/time-limit', line: 7 })
  })

  it('--junit writes one failing test case per error', async () => {
    const dir = tempDir()
    const file = join(dir, 'check.xml')
    const r = await runCli(['check', '--no-calibrate', '--junit', file, 'tests/fixtures/banks/invalid/bank/duplicate-id'])
    expect(r.code).toBe(1)
    const xml = readFileSync(file, 'utf8')
    expect(xml).toMatch(/<testsuites name="mockint check" tests="1" failures="1" errors="0"/)
    expect(xml).toMatch(/<failure message="question id &quot;fixture\/prompt-caching&quot; is already used by/)
  })

  it('prints GitHub annotations under GitHub Actions', async () => {
    const r = await runCli(['check', '--no-calibrate', 'tests/fixtures/banks/invalid/bank/time-limit.yaml'], {
      env: { GITHUB_ACTIONS: 'true' },
    })
    expect(r.stdout).toMatch(/^::error file=tests\/fixtures\/banks\/invalid\/bank\/time-limit\.yaml,line=7,col=13,title=bank\/time-limit::time limit 20 s/m)
  })

  it('a missing path and an empty folder are exit 1 with one line each', async () => {
    const r = await runCli(['check', '--no-calibrate', 'no/such/dir', 'tests/fixtures/banks/invalid/file/empty-folder'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^no\/such\/dir:1:1 {2}error {2}file\/unreadable/m)
    expect(r.stdout).toMatch(/empty-folder:1:1 {2}error {2}file\/empty-folder/m)
  })

  it('the shipped JSON Schemas are up to date with the zod schemas', async () => {
    for (const kind of ['question', 'rubric']) {
      const r = await runCli(['schema', kind])
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(`schemas/${kind}.schema.json`, 'utf8')))
    }
  })
})
