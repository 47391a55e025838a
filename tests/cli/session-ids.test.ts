import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES, writeSession } from '../helpers/sessions.js'

// A session id is a name inside $MOCKINT_HOME/sessions, never a path (#16).

let bank: Bank
let root: string
let home: string

beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), INTERVIEW_FIXTURES], process.cwd())).bank
  root = tempDir()
  home = join(root, 'home')
  // A real, readable session outside the sessions folder: what `report ../../elsewhere/s` used to print.
  await writeSession({ home: join(root, 'elsewhere'), bank, id: 's', startedAt: Date.UTC(2026, 10, 1, 9), answers: ['a tokenizer splits text'] })
  await writeSession({ home, bank, id: '20261101-090000-aaa', startedAt: Date.UTC(2026, 10, 1, 9), answers: ['a tokenizer splits text'] })
})

describe('session ids', () => {
  it('report refuses an id that walks out of the sessions folder: exit 2, one line naming the id', async () => {
    const r = await runCli(['report', '../../elsewhere/sessions/s'], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'mockint: "../../elsewhere/sessions/s" is not a session id: an id is a name like 20261125-081502-a3f ' +
        '(digits, lower-case letters and "-"), not a path; `mockint history` lists them\n',
    )
  })

  it.each(['../s', '..', 'a/b', 'a\\b', '/etc/passwd', 's.jsonl', 'S', 'a b', '', '-', 'ses\u00e9'])('report refuses %j', async (id) => {
    const r = await runCli(['report', id], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toContain(`${JSON.stringify(id)} is not a session id`)
    expect(r.stderr).toContain('`mockint history`')
  })

  it('still reports a session by the id the tool gave it, and `latest`', async () => {
    for (const id of ['20261101-090000-aaa', 'latest']) {
      const r = await runCli(['report', id], { env: { MOCKINT_HOME: home } })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Interview report · 20261101-090000-aaa')
    }
    const missing = await runCli(['report', '20261101-090000-zzz'], { env: { MOCKINT_HOME: home } })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no session "20261101-090000-zzz" \(latest: 20261101-090000-aaa\)/)
  })

  it('history and stats pass over files in the sessions folder whose names are not ids', async () => {
    const h = join(tempDir(), 'home')
    mkdirSync(join(h, 'sessions'), { recursive: true })
    copyFileSync(join(home, 'sessions', '20261101-090000-aaa.jsonl'), join(h, 'sessions', '20261101-090000-aaa.jsonl'))
    copyFileSync(join(home, 'sessions', '20261101-090000-aaa.jsonl'), join(h, 'sessions', 'Copy of session.jsonl'))
    writeFileSync(join(h, 'sessions', 'notes.v2.jsonl'), '')
    const r = await runCli(['history', '--format', 'json'], { env: { MOCKINT_HOME: h } })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).map((x: { id: string }) => x.id)).toEqual(['20261101-090000-aaa'])
    expect((await runCli(['stats'], { env: { MOCKINT_HOME: h } })).code).toBe(0)
  })
})
