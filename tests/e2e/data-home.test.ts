import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeJsonl } from '../helpers/answers.js'
import { tempDir } from '../helpers/cli.js'
import { installFakeBatchApi } from '../helpers/fake-batch-api.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { mockint } from '../helpers/spawn.js'
import { useInterviewTmux } from '../helpers/tmux.js'

// MOCKINT_HOME under a regular file: ENOTDIR for everyone, root included (CI runs as root, where a
// chmod 555 folder would still be writable).
function brokenHome(): { dir: string; home: string } {
  const dir = tempDir()
  writeFileSync(join(dir, 'file.txt'), 'not a folder\n')
  return { dir, home: join(dir, 'file.txt', 'home') }
}

let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())

describe('MOCKINT_HOME that cannot be written', () => {
  it('grade grades anyway, with one warning naming the cache folder and MOCKINT_HOME', async () => {
    const { dir, home } = brokenHome()
    const input = join(dir, 'answers.jsonl')
    writeJsonl(
      input,
      ['a1', 'a2', 'a3'].map((id) => ({ id, question: 'Explain RAG.', reference: 'Retrieve, then generate.', answer: `answer ${id} [[levels:3,3,2,2]]` })),
    )
    const out = join(dir, 'results.jsonl')
    const env = { MOCKINT_HOME: home, XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined }
    const r = await mockint(['grade', input, '--out', out, '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini'], { env })
    expect(r.code, r.stderr).toBe(0)
    const results = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string })
    expect(results.map((x) => x.status)).toEqual(['graded', 'graded', 'graded'])
    const warnings = r.stderr.split('\n').filter((l) => /warning/.test(l))
    expect(warnings).toEqual([
      `mockint: warning: cannot write the cache folder ${home}/cache (ENOTDIR: a part of the path is a file, not a folder); grading without the cache — set MOCKINT_HOME to a folder you can write (it is now ${home})`,
    ])
  })

  it('grade --batch-api without --out stops before a batch is paid for: its id could not be saved to resume it', async () => {
    const { dir, home } = brokenHome()
    srv.reset()
    const api = installFakeBatchApi(srv, { pollsToComplete: 1 })
    const input = join(dir, 'answers.jsonl')
    writeFileSync(input, JSON.stringify({ id: 'a1', question: 'Explain RAG.', answer: 'answer [[levels:3,3,2,2]]' }) + '\n')
    const env = { MOCKINT_HOME: home, XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, MOCKINT_BATCH_POLL_MS: '10' }
    const r = await mockint(['grade', input, '--batch-api', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([
      `mockint: --batch-api keeps the batch id in ${home}/batches to resume it, and cannot write there (ENOTDIR: a part of the path is a file, not a folder); set MOCKINT_HOME to a folder you can write (it is now ${home}), or give --out <file.jsonl> (the id is then kept beside it)`,
    ])
    expect(api.batchesCreated).toBe(0)
  })

  it('report <id> says there is no such session, not an internal error', async () => {
    const { dir, home } = brokenHome()
    const r = await mockint(['report', '20260101-000000-abc'], { env: { MOCKINT_HOME: home, XDG_CONFIG_HOME: join(dir, 'cfg') } })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([
      `mockint: ${home}/sessions/20260101-000000-abc.jsonl: no session "20260101-000000-abc"; \`mockint history\` lists them`,
    ])
  })
})

const { skip, start } = await useInterviewTmux('data home e2e')

describe.skipIf(!!skip)('interview with a MOCKINT_HOME that cannot be written (tmux)', () => {
  it('stops before the first question with one line naming MOCKINT_HOME and the path, exit 2', async () => {
    const { dir, home } = brokenHome()
    const t = await start(dir, ['--judge', 'offline', '--bank', 'tests/fixtures/banks/interview', '--count', '1'], {
      env: { MOCKINT_HOME: home },
    })
    const out = await t.waitFor(/__EXIT=\d+/, 30_000)
    expect(out).toContain('__EXIT=2')
    expect(out).not.toMatch(/internal error|Question 1/)
    const lines = out.split('\n').filter((l) => l.startsWith('mockint:'))
    expect(lines).toEqual([
      `mockint: cannot create the sessions folder ${home}/sessions (ENOTDIR: a part of the path is a file, not a folder); set MOCKINT_HOME to a folder you can write (it is now ${home})`,
    ])
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })
})
