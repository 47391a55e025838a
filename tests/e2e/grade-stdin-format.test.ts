import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

const FIX = join(process.cwd(), 'tests/fixtures/grade')

function env(home: string) {
  return { MOCKINT_HOME: home, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, XDG_CONFIG_HOME: join(home, 'cfg') }
}

const ids = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; status: string })

const CASES = [
  { format: 'csv', ids: ['c1', 'c2'], note: 'reading stdin as CSV (its first line is a CSV header with the record columns' },
  { format: 'jsonl', ids: ['a1', 'a2'], note: null },
  { format: 'json', ids: ['j1', 'j2'], note: 'reading stdin as a JSON array (it starts with "["' },
  { format: 'yaml', ids: ['y1', 'y2'], note: 'reading stdin as YAML (its first line reads as YAML' },
] as const

describe('grade - : the format of stdin is read from its content (built binary, offline judge)', () => {
  it.each(CASES)('`cat answers.$format | mockint grade -` grades every record', async (c) => {
    const home = tempDir()
    const file = join(home, `answers.${c.format}`)
    copyFileSync(join(FIX, `valid.${c.format}`), file)
    // Through a real shell pipe, as the issue ran it.
    const r = await spawnAsync('sh', ['-c', `cat "$1" | "$2" "$3" grade - --judge offline`, 'sh', file, process.execPath, BIN], { env: env(home) })
    expect(r.stderr).not.toMatch(/not valid JSON/)
    expect(r.code).toBe(0)
    const results = ids(r.stdout)
    expect(results.map((x) => x.id).sort()).toEqual([...c.ids])
    expect(results.every((x) => x.status === 'graded')).toBe(true)
    if (c.note) expect(r.stderr).toContain(`mockint: ${c.note}; --input-format to choose)`)
    else expect(r.stderr).not.toContain('reading stdin as')
  })

  it('--input-format says which format, for stdin and for a file whose extension says nothing', async () => {
    const home = tempDir()
    const csv = readFileSync(join(FIX, 'valid.csv'), 'utf8')
    const r = await mockint(['grade', '-', '--judge', 'offline', '--input-format', 'csv'], { env: env(home), input: csv })
    expect(r.code).toBe(0)
    expect(ids(r.stdout).map((x) => x.id).sort()).toEqual(['c1', 'c2']) // completion order: sorted
    expect(r.stderr).not.toContain('reading stdin as')
    const txt = join(home, 'answers.txt')
    copyFileSync(join(FIX, 'valid.yaml'), txt)
    const f = await mockint(['grade', txt, '--judge', 'offline', '--input-format', 'yaml'], { env: env(home) })
    expect(f.code).toBe(0)
    expect(ids(f.stdout).map((x) => x.id).sort()).toEqual(['y1', 'y2'])
    // Without the flag the extension is unknown, and the message names the flag.
    const u = await mockint(['grade', txt, '--judge', 'offline'], { env: env(home) })
    expect(u.code).toBe(2)
    expect(u.stderr).toContain('unknown input format ".txt"')
    expect(u.stderr).toContain('--input-format <jsonl|json|csv|yaml>')
  })

  it('a wrong --input-format stops before grading, naming stdin, the line, and the format the content looks like', async () => {
    const home = tempDir()
    const csv = readFileSync(join(FIX, 'valid.csv'), 'utf8')
    const asJsonl = await mockint(['grade', '-', '--judge', 'offline', '--input-format', 'jsonl'], { env: env(home), input: csv })
    expect(asJsonl.code).toBe(2)
    expect(asJsonl.stdout).toBe('')
    expect(asJsonl.stderr).toMatch(/^stdin:1: not valid JSON/m)
    expect(asJsonl.stderr).toContain(
      'mockint: stdin was read as JSONL (--input-format jsonl) but looks like CSV (its first line is a CSV header with the record columns): use --input-format csv, or leave the flag out to detect it',
    )
    const asJson = await mockint(['grade', '-', '--judge', 'offline', '--input-format', 'json'], { env: env(home), input: csv })
    expect(asJson.code).toBe(2)
    expect(asJson.stderr).toMatch(/stdin:1: not valid JSON .*looks like CSV .*use --input-format csv/)
    const yaml = readFileSync(join(FIX, 'valid.yaml'), 'utf8')
    const asCsv = await mockint(['grade', '-', '--judge', 'offline', '--input-format', 'csv'], { env: env(home), input: yaml })
    expect(asCsv.code).toBe(2)
    expect(asCsv.stderr).toMatch(/^stdin:1: the CSV header has no column/m)
    expect(asCsv.stderr).toContain('looks like YAML')
    // An unknown format name is a usage error that lists the ones there are.
    const bad = await mockint(['grade', '-', '--input-format', 'xml'], { env: env(home), input: csv })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--input-format.*xml.*jsonl, csv, json, yaml/)
  })

  it('a ;-separated CSV on stdin is read as CSV, so its header problem is one line, not one per row', async () => {
    const home = tempDir()
    const r = await mockint(['grade', '-', '--judge', 'offline'], { env: env(home), input: 'ID;Question_ID;Answer\na1;llm-fundamentals/kv-cache;It stores K and V.\n' })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('stdin:1: the CSV header has no column')
    expect(r.stderr).toContain('the separator looks like ";"')
    expect(r.stderr).not.toMatch(/stdin:2:/)
  })
})
