import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'

describe('mockint bank list', () => {
  it('--format json prints exactly the contract fields for every question', async () => {
    const r = await runCli(['bank', 'list', '--format', 'json'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[]
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows)
      expect(Object.keys(row).sort()).toEqual(
        ['calibration', 'category', 'difficulty', 'follow_ups', 'id', 'key_points', 'languages', 'rubric'].sort(),
      )
    const kv = rows.find((x) => x.id === 'llm-fundamentals/kv-cache')
    expect(kv).toMatchObject({
      category: 'llm-fundamentals',
      languages: ['en', 'zh'],
      rubric: 'llm-engineer',
      key_points: { principle: expect.any(Number), scenario: expect.any(Number), engineering: expect.any(Number), observability: expect.any(Number) },
    })
  })

  it('filters by category and includes banks given with --bank', async () => {
    const r = await runCli(['bank', 'list', '--format', 'json', '--category', 'fixture', '--bank', 'tests/fixtures/banks/valid'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['fixture/prompt-caching'])
  })

  it('prints a table in the chosen language', async () => {
    const en = await runCli(['bank', 'list', '--category', 'fixture', '--bank', 'tests/fixtures/banks/valid'])
    expect(en.stdout).toMatch(/fixture\/prompt-caching\s+mid\s+5m\s+How does provider-side prompt caching work/)
    const zh = await runCli(['bank', 'list', '--lang', 'zh', '--category', 'fixture', '--bank', 'tests/fixtures/banks/valid'])
    expect(zh.stdout).toMatch(/服务商侧的提示词缓存如何工作/)
  })

  it('a broken --bank stops with exit 2 naming file and line, without a stack trace', async () => {
    const r = await runCli(['bank', 'list', '--bank', 'tests/fixtures/banks/invalid/schema/invalid-type.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/invalid-type\.yaml:7:13 {2}error {2}schema\/invalid-type {2}time_limit: expected number/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('mockint bank show', () => {
  it('shows prompt, key points, reference and follow-ups in English and Chinese', async () => {
    const en = await runCli(['bank', 'show', 'llm-fundamentals/kv-cache'])
    expect(en.code).toBe(0)
    expect(en.stdout).toMatch(/KV cache cut decoding latency/)
    expect(en.stdout).toMatch(/Key points:/)
    expect(en.stdout).toMatch(/Observability & evaluation/)
    expect(en.stdout).toMatch(/Reference outline:/)
    expect(en.stdout).toMatch(/Follow-ups:/)
    const zh = await runCli(['bank', 'show', 'llm-fundamentals/kv-cache', '--lang', 'zh'])
    expect(zh.stdout).toMatch(/为什么 KV Cache 能降低/)
    expect(zh.stdout).toMatch(/参考答案提纲/)
  })

  it('--format json prints the whole question', async () => {
    const r = await runCli(['bank', 'show', 'llm-fundamentals/kv-cache', '--format', 'json'])
    const q = JSON.parse(r.stdout) as { id: string; key_points: Record<string, unknown[]>; file: string }
    expect(q.id).toBe('llm-fundamentals/kv-cache')
    expect(Object.keys(q.key_points)).toEqual(['principle', 'scenario', 'engineering', 'observability'])
    expect(q.file).toMatch(/questions\/llm-fundamentals\/kv-cache\.yaml$/)
  })

  it('an unknown id exits 2 and suggests close ids', async () => {
    const r = await runCli(['bank', 'show', 'kv-cache'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no question "kv-cache"; did you mean llm-fundamentals\/kv-cache/)
  })

  it('takes the language from MOCKINT_LANG', async () => {
    const r = await runCli(['bank', 'show', 'llm-fundamentals/kv-cache'], { env: { MOCKINT_LANG: 'zh' } })
    expect(r.stdout).toMatch(/要点/)
  })
})

describe('usage errors', () => {
  it('an unknown option exits 2', async () => {
    const r = await runCli(['bank', 'list', '--colour'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown option '--colour'/)
  })

  it('a bad choice exits 2', async () => {
    const r = await runCli(['bank', 'list', '--difficulty', 'expert'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Allowed choices are mid, senior, staff/)
  })
})

describe('the parsed-bank cache', () => {
  it('sees an edit to a bank file at once, and a broken edit is reported, not served from the cache', async () => {
    const dir = tempDir()
    const home = join(dir, 'home')
    const file = join(dir, 'bank', 'q.yaml')
    const original = readFileSync('tests/fixtures/banks/valid/base.yaml', 'utf8')
    mkdirSync(join(dir, 'bank'))
    writeFileSync(file, original)
    const show = () => runCli(['bank', 'show', 'fixture/prompt-caching', '--bank', file], { env: { MOCKINT_HOME: home } })
    const first = await show()
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/How does provider-side prompt caching work/)
    expect(existsSync(join(home, 'cache', 'bank-parse.json'))).toBe(true)
    // Same size, same second: only the content tells the two versions apart.
    writeFileSync(file, original.replace('How does provider-side', 'How does provider side'))
    const edited = await show()
    expect(edited.stdout).toMatch(/How does provider side prompt caching work/)
    writeFileSync(file, original.replace('difficulty: mid', 'difficulty: [mid'))
    const broken = await show()
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/q\.yaml:\d+:\d+ {2}error {2}yaml\/syntax/)
    writeFileSync(file, original)
    expect((await show()).stdout).toBe(first.stdout)
  })
})
