import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { writeAnswers } from '../helpers/answers.js'
import { unconfiguredEnv } from '../helpers/openai-setup.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

/** Half to the shipped kv-cache question, half free-text RAG answers: graded by the offline judge. */
const answers = (dir: string, n: number) =>
  writeAnswers(dir, n, (id, i) =>
    i % 2 === 0
      ? { id, question_id: 'llm-fundamentals/kv-cache', answer: `The KV cache stores keys and values of previous tokens so decoding step ${i} only projects the new token.` }
      : { id, question: 'Explain retrieval-augmented generation.', reference: 'Retrieve relevant documents, then generate grounded in them.', answer: `retrieve documents then generate ${i}` },
  )

const env = (home: string) => unconfiguredEnv(home)

/**
 * Runs the binary under `ulimit -f <blocks>` (1 KiB blocks in bash): a write past the limit fails with EFBIG,
 * the way a write to a full disk fails with ENOSPC, and Node ignores the SIGXFSZ that comes with it.
 */
function mockintWithFileLimit(blocks: number, args: string[], opts: { env: Record<string, string | undefined>; cwd: string }) {
  return spawnAsync('bash', ['-c', `ulimit -f ${blocks}; exec "${process.execPath}" "${BIN}" "$@"`, 'mockint', ...args], opts)
}

function lines(file: string): { id: string; status: string }[] {
  const text = readFileSync(file, 'utf8')
  expect(text.endsWith('\n'), 'the file ends on a whole line').toBe(true)
  return text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string })
}

describe('mockint grade on a full disk (a file-size limit stands in for it; built binary)', () => {
  it('stops with exit 2 and words, keeps every whole result written, and --resume finishes the job', async () => {
    const dir = tempDir()
    const { file, ids } = answers(dir, 60)
    const out = join(dir, 'results.jsonl')
    const r = await mockintWithFileLimit(12, ['grade', 'answers.jsonl', '--out', 'results.jsonl', '--judge', 'offline'], { env: env(dir), cwd: dir })
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).not.toMatch(/internal error|bug in mockint/)
    const last = r.stderr.trimEnd().split('\n').at(-1)!
    const m = /^mockint: the file size limit was reached while writing results\.jsonl \(EFBIG\); (\d+) results are safely written there\. Raise the limit \(ulimit -f\), then run again with --resume to continue\.$/.exec(last)
    expect(m, last).not.toBeNull()
    // What the message counts is what the file holds: whole, parseable lines, no torn tail, under the limit.
    const kept = lines(out)
    expect(kept.length).toBe(Number(m![1]))
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(ids.length)
    expect(statSync(out).size).toBeLessThanOrEqual(12 * 1024)
    expect(existsSync(`${out}.lock`), 'the lock is removed on an error').toBe(false)

    // A second run still under the limit: nothing more fits, and the count includes the earlier run's results.
    const again = await mockintWithFileLimit(12, ['grade', 'answers.jsonl', '--out', 'results.jsonl', '--resume', '--judge', 'offline'], { env: env(dir), cwd: dir })
    expect(again.code, again.stderr).toBe(2)
    expect(again.stderr).toMatch(new RegExp(`(\\d+) results are safely written there \\(${kept.length} by an earlier run\\)\\. Raise the limit`))

    // As the message says: --resume, with room, grades what is missing, each id once.
    const done = await mockint(['grade', 'answers.jsonl', '--out', 'results.jsonl', '--resume', '--judge', 'offline'], { env: env(dir), cwd: dir })
    expect(done.code, done.stderr).toBe(0)
    const all = lines(out)
    expect(all.map((x) => x.id).sort()).toEqual([...ids].sort())
    expect(all.every((x) => x.status === 'graded')).toBe(true)
    expect(readFileSync(file, 'utf8')).toContain('ans-59') // the input is untouched
  })
})
