import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { tempDir } from '../helpers/cli.js'
import { expectOutlineReflowed, WRAPPED_OUTLINE_QUESTION } from '../helpers/outline.js'
import { INTERVIEW_FIXTURES, writeSession } from '../helpers/sessions.js'
import { mockint } from '../helpers/spawn.js'

// `mockint report` on real session files, through the built binary (issue 16).

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), INTERVIEW_FIXTURES], process.cwd())).bank
})

const env = (home: string) => ({ MOCKINT_HOME: home, XDG_CONFIG_HOME: join(home, 'cfg'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined })

describe('mockint report (built binary)', () => {
  it('refuses a session id that walks out of the sessions folder, though a readable session is there', async () => {
    const root = tempDir()
    const home = join(root, 'home')
    mkdirSync(join(home, 'sessions'), { recursive: true })
    // A real session outside the sessions folder: what `report ../../elsewhere/sessions/s` used to print.
    await writeSession({ home: join(root, 'elsewhere'), bank, id: 's', startedAt: Date.UTC(2026, 10, 1, 9), answers: ['a tokenizer splits text'] })
    expect(existsSync(join(root, 'elsewhere', 'sessions', 's.jsonl'))).toBe(true)
    const r = await mockint(['report', '../../elsewhere/sessions/s'], { env: env(home) })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'mockint: "../../elsewhere/sessions/s" is not a session id: an id is a name like 20261125-081502-a3f ' +
        '(digits, lower-case letters and "-"), not a path; `mockint history` lists them\n',
    )
  })

  it('reflows the reference outline to the width (80 columns when piped), not the line breaks of its YAML source', async () => {
    const home = tempDir()
    const qid = WRAPPED_OUTLINE_QUESTION
    await writeSession({ home, bank, id: '20261122-090000-ref', startedAt: Date.UTC(2026, 10, 22, 9), answers: ['GQA shares K/V heads.'], questions: [qid], options: { count: 1 } })
    const r = await mockint(['report', '20261122-090000-ref'], { env: env(home) })
    expect(r.code, r.stderr).toBe(0)
    expectOutlineReflowed(r.stdout, bank.byId.get(qid)!.question.reference.en, 79)
  })

  it('checks --html before printing anything: a folder, or a missing folder, is one line and exit 2', async () => {
    const home = tempDir()
    await writeSession({ home, bank, id: '20261122-090000-htm', startedAt: Date.UTC(2026, 10, 22, 9), answers: ['a tokenizer splits text'] })
    for (const [html, says] of [
      [home, /is a folder; give --html a file name, e\.g\. .*report\.html/],
      [join(home, 'nodir', 'r.html'), /the folder .*nodir does not exist/],
    ] as const) {
      const r = await mockint(['report', '20261122-090000-htm', '--html', html], { env: env(home) })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(says)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})
