import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { displayWidth } from '../../src/cli/ui/text.js'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { tempDir } from '../helpers/cli.js'
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
    // A shipped question whose outline is wrapped in its YAML source (continuation lines under each bullet).
    const qid = 'llm-fundamentals/attention-variants'
    await writeSession({ home, bank, id: '20261122-090000-ref', startedAt: Date.UTC(2026, 10, 22, 9), answers: ['GQA shares K/V heads.'], questions: [qid], options: { count: 1 } })
    const r = await mockint(['report', '20261122-090000-ref'], { env: env(home) })
    expect(r.code, r.stderr).toBe(0)
    const from = r.stdout.indexOf('  Reference outline:\n') + '  Reference outline:\n'.length
    expect(from).toBeGreaterThan(20)
    const rows = r.stdout.slice(from).split('\n\n')[0]!.split('\n')
    const bullets = bank.byId.get(qid)!.question.reference.en.split('\n').filter((l) => l.startsWith('- '))
    expect(rows.filter((row) => row.startsWith('    - '))).toHaveLength(bullets.length)
    // Text the source broke in the middle of a sentence reads on one row block now.
    expect(rows.join(' ').replace(/\s+/g, ' ')).toContain('whole KV cache (~1 FLOP/byte for MHA), weights are amortised over the batch')
    // Greedy at the width: a bullet's next row starts only where its first word would not have fitted.
    rows.forEach((row, i) => {
      expect(displayWidth(row)).toBeLessThanOrEqual(79)
      const next = rows[i + 1]
      if (next && !next.startsWith('    - ')) expect(displayWidth(row) + 1 + displayWidth(next.trim().split(' ')[0]!)).toBeGreaterThan(79)
    })
  })
})
