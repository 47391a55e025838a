import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint } from '../helpers/spawn.js'

function env(home: string) {
  return { MOCKINT_HOME: home, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, XDG_CONFIG_HOME: join(home, 'cfg') }
}

/** Runs `grade` on a CSV file holding `text`, with the offline judge. */
async function gradeCsv(text: string) {
  const dir = tempDir()
  const file = join(dir, 'cohort.csv')
  writeFileSync(file, text)
  return { file, ...(await mockint(['grade', file, '--judge', 'offline'], { env: env(dir) })) }
}

describe('grade: the header row of a CSV input (built binary)', () => {
  it('a column named twice stops the run at file:1, naming it, before anything is graded', async () => {
    const r = await gradeCsv('id,question,answer,answer\na1,What is RAG?,first,second\n')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${r.file}:1: the CSV header names "answer" twice: columns 3 and 4; keep one`)
    expect(r.stderr).toMatch(/1 problem in .*cohort\.csv; nothing was graded/)
    expect(r.stdout).toBe('')
  })

  it('a ;-separated file is told what header was found and that the separator looks like ";"', async () => {
    const r = await gradeCsv('ID;Question_ID;Answer\na1;llm-fundamentals/kv-cache;It stores K and V.\n')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `${r.file}:1: the CSV header has no column "id", "answer" or "question_id"/"question" (it has 1 column: "ID;Question_ID;Answer"); the separator looks like ";", but mockint reads comma-separated CSV`,
    )
    // One problem for the header, not one "missing id" per row.
    expect(r.stderr).not.toMatch(/:2:/)
  })

  it('a header with other names says which columns it has and which it needs', async () => {
    const r = await gradeCsv('candidate,prompt,text\nc1,What is RAG?,Retrieve then generate.\n')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${r.file}:1: the CSV header has no column "id", "answer" or "question_id"/"question" (it has 3 columns: "candidate", "prompt", "text"); name the columns id, answer, and question_id or question`)
  })

  it('column names in any case are read as the fields; the results keep their usual field names', async () => {
    const r = await gradeCsv('ID,Question_ID,Answer\na1,llm-fundamentals/kv-cache,The KV cache keeps the keys and values of past tokens.\n')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim()) as Record<string, unknown>
    expect(out).toMatchObject({ id: 'a1', question_id: 'llm-fundamentals/kv-cache', status: 'graded' })
    expect(Object.keys(out)).not.toContain('ID')
  })
})
