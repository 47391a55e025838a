import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { BIN, spawnAsync } from '../helpers/spawn.js'

// What a small `grade` imports decides how fast it starts (bench/startup.mjs: one free-text answer ≤ 2.5×
// `node -e 0`, one bank answer ≤ 3×). zod, the YAML parser, csv-parse and the openai SDK each cost more
// than grading one answer offline.
const SPY = join(process.cwd(), 'tests/helpers/import-spy.mjs')
const PATTERN = '^(zod|yaml|csv-parse|openai|@inquirer/|ora|chalk)(/|$)'

async function imported(dir: string, name: string, args: string[], home: string): Promise<{ code: number | null; loaded: string[]; stderr: string }> {
  const log = join(dir, `${name}.log`)
  const r = await spawnAsync(process.execPath, ['--import', SPY, BIN, ...args], {
    env: { IMPORT_SPY_LOG: log, IMPORT_SPY_PATTERN: PATTERN, MOCKINT_HOME: home, XDG_CONFIG_HOME: join(dir, 'config'), OPENAI_API_KEY: '' },
  })
  const loaded = existsSync(log) ? [...new Set(readFileSync(log, 'utf8').trim().split('\n'))].sort() : []
  return { code: r.code, loaded, stderr: r.stderr }
}

describe('grade imports only what the records need', () => {
  const dir = tempDir()
  const home = join(dir, 'home')
  const free = join(dir, 'free.jsonl')
  const bank = join(dir, 'bank.jsonl')
  const yaml = join(dir, 'free.yaml')
  writeFileSync(free, JSON.stringify({ id: 'f1', question: 'What is a KV cache?', reference: 'Keys and values of past tokens, kept.', answer: 'It keeps past keys and values.' }) + '\n')
  writeFileSync(bank, JSON.stringify({ id: 'b1', question_id: 'llm-fundamentals/kv-cache', answer: 'It keeps the keys and values of past tokens.' }) + '\n')
  writeFileSync(yaml, '- id: f1\n  question: What is a KV cache?\n  answer: It keeps past keys and values.\n')

  it('the spy works: a YAML input imports the YAML parser', async () => {
    const r = await imported(dir, 'control', ['grade', yaml, '--judge', 'offline'], home)
    expect(r.code, r.stderr).toBe(0)
    expect(r.loaded).toContain('yaml')
  })

  it('one free-text answer, offline: no zod, no YAML parser, no SDK (once the rubric has been validated)', async () => {
    await imported(dir, 'free-cold', ['grade', free, '--judge', 'offline'], home)
    const r = await imported(dir, 'free', ['grade', free, '--judge', 'offline'], home)
    expect(r.code, r.stderr).toBe(0)
    expect(r.loaded).toEqual([])
  })

  it('one bank answer, first run (a fresh $MOCKINT_HOME): the documents validated by the build, no YAML parser, no zod', async () => {
    // `npm run build` keeps them in dist/bank-valid; a build by plain tsc gets them here (a no-op when up to date).
    const build = await spawnAsync(process.execPath, [join(process.cwd(), 'scripts/build-bank-cache.mjs')])
    expect(build.code, build.stderr).toBe(0)
    const first = await imported(dir, 'bank-cold', ['grade', bank, '--judge', 'offline'], join(dir, 'cold'))
    expect(first.code, first.stderr).toBe(0)
    expect(first.loaded).toEqual([])
    // Nothing to keep in the home cache: the shipped documents matched the files' texts.
    expect(existsSync(join(dir, 'cold', 'cache', 'bank-valid'))).toBe(false)
    const warm = await imported(dir, 'bank-warm', ['grade', bank, '--judge', 'offline'], join(dir, 'cold'))
    expect(warm.code, warm.stderr).toBe(0)
    expect(warm.loaded).toEqual([])
  })

  it('grades the same either way: cold and warm runs give the same result line', async () => {
    const home2 = join(dir, 'same')
    const runs = []
    for (let i = 0; i < 2; i++) {
      const r = await spawnAsync(process.execPath, [BIN, 'grade', bank, '--judge', 'offline'], { env: { MOCKINT_HOME: home2, OPENAI_API_KEY: '' } })
      expect(r.code, r.stderr).toBe(0)
      const { latency_ms: _, ...rest } = JSON.parse(r.stdout) as Record<string, unknown>
      runs.push(rest)
    }
    expect(runs[1]).toEqual(runs[0])
    expect(runs[0]).toMatchObject({ id: 'b1', status: 'graded', question_id: 'llm-fundamentals/kv-cache' })
  })
})
