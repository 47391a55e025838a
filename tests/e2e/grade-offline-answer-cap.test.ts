import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint } from '../helpers/spawn.js'

// Issue 16: one 5 MB answer took the offline judge 12.7 s and 935 MB (four: 64 s and 1.4 GB). It now reads
// the first 20,000 characters (the LLM judge's limit) and says so in the result. A 256 MB heap is the
// memory check: the uncapped judge runs out of it (V8 aborts) on the first such answer.
describe('grade --judge offline with 5 MB answers (built binary, a 256 MB heap)', () => {
  it('grades each one on its first 20,000 characters, flags it truncated and says so in the feedback', async () => {
    const dir = tempDir()
    const filler = 'The cache grows with every token of the context window. '.repeat(90_000)
    const answer = `The KV cache stores the keys and values of past tokens so decoding does not recompute them.\n${filler}`
    expect(answer.length).toBeGreaterThan(5_000_000)
    const lines = ['big-1', 'big-2'].map((id) => JSON.stringify({ id, question_id: 'llm-fundamentals/kv-cache', answer }))
    writeFileSync(join(dir, 'answers.jsonl'), lines.join('\n') + '\n')
    const r = await mockint(['grade', 'answers.jsonl', '--judge', 'offline', '--out', 'results.jsonl'], {
      cwd: dir,
      env: {
        MOCKINT_HOME: join(dir, 'data'),
        XDG_CONFIG_HOME: join(dir, 'cfg'),
        OPENAI_API_KEY: undefined,
        OPENAI_BASE_URL: undefined,
        NODE_OPTIONS: '--max-old-space-size=256',
      },
      timeoutMs: 90_000,
    })
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    const results = readFileSync(join(dir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string; flags: string[]; feedback: string | null; overall: number | null })
    expect(results.map((x) => [x.id, x.status])).toEqual([
      ['big-1', 'graded'],
      ['big-2', 'graded'],
    ])
    for (const x of results) {
      expect(x.flags).toContain('truncated')
      expect(x.feedback).toContain('Only the first 20,000 characters were graded (the same limit as the LLM judge).')
      expect(x.overall).toBeGreaterThan(0)
    }
  }, 120_000)
})
