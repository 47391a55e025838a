import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint } from '../helpers/spawn.js'

const latin1 = Buffer.from('caf\xe9', 'latin1') // "café" saved as Latin-1: not UTF-8

function env(home: string) {
  return { MOCKINT_HOME: home, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, XDG_CONFIG_HOME: join(home, 'cfg') }
}

describe('grade: input with bytes that are not UTF-8 (built binary)', () => {
  it('warns with file:line for the first five lines, counts the rest, and grades everything', async () => {
    const dir = tempDir()
    const file = join(dir, 'answers.jsonl')
    const bad = new Set([2, 3, 5, 6, 7, 8, 9])
    const lines = Array.from({ length: 9 }, (_, i) => {
      const rec = Buffer.from(JSON.stringify({ id: `a${i + 1}`, question: 'What is RAG?', answer: 'Retrieve, then generate: ' }))
      return bad.has(i + 1) ? Buffer.concat([rec.subarray(0, -2), latin1, rec.subarray(-2)]) : rec
    })
    writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])))
    const out = join(dir, 'out.jsonl')
    const r = await mockint(['grade', file, '--judge', 'offline', '--out', out], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    const warnings = r.stderr.split('\n').filter((l) => l.includes('not UTF-8'))
    expect(warnings.slice(0, 5)).toEqual([2, 3, 5, 6, 7].map((n) => `${file}:${n}: warning: bytes that are not UTF-8, read as U+FFFD (\uFFFD)`))
    expect(warnings[5]).toMatch(/^mockint: 7 lines of .*answers\.jsonl hold bytes that are not UTF-8 \(2 more not shown\); they were read as U\+FFFD and grading goes on\. To keep the text as written, save the file as UTF-8/)
    expect(warnings).toHaveLength(6)
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(9)
  })

  it('names the physical line of a CSV file, and says nothing about a clean one', async () => {
    const dir = tempDir()
    const file = join(dir, 'answers.csv')
    writeFileSync(file, Buffer.concat([Buffer.from('id,question,answer\r\na1,What is RAG?,"two\nlines, '), latin1, Buffer.from('"\r\na2,What is RAG?,fine\r\n')]))
    const r = await mockint(['grade', file, '--judge', 'offline'], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`${file}:3: warning: bytes that are not UTF-8`)
    expect(r.stderr).toMatch(/mockint: 1 line of .*answers\.csv holds bytes that are not UTF-8; they were read as U\+FFFD/)
    expect(r.stdout.trim().split('\n')).toHaveLength(2)

    writeFileSync(file, 'id,question,answer\na1,What is RAG?,café 中文\n')
    const clean = await mockint(['grade', file, '--judge', 'offline'], { env: env(dir) })
    expect(clean.code).toBe(0)
    expect(clean.stderr).not.toMatch(/UTF-8/)
  })
})
