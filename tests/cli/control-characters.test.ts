import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES, writeSession } from '../helpers/sessions.js'

const TITLE = '\u001b]0;pwned\u0007'
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), INTERVIEW_FIXTURES], process.cwd())).bank
})

describe('an interview answer holding escape sequences', () => {
  it('is shown escaped by `report` (terminal, Markdown, HTML) and kept as given in --format json', async () => {
    const home = tempDir()
    const id = '20261101-090000-esc'
    const answer = `BPE merges the most frequent pair${TITLE} of bytes.\u001b[2J`
    await writeSession({ home, bank, id, startedAt: Date.UTC(2026, 10, 1, 9), answers: [answer, '/skip'] })
    const html = join(tempDir(), 'r.html')
    const text = await runCli(['report', id, '--html', html], { env: { MOCKINT_HOME: home } })
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).not.toMatch(RAW)
    expect(text.stdout).toContain('most frequent pair\\x1b]0;pwned\\x07 of')
    const md = await runCli(['report', id, '--format', 'md'], { env: { MOCKINT_HOME: home } })
    expect(md.stdout).not.toMatch(RAW)
    expect(md.stdout).toContain('of bytes.\\x1b[2J')
    expect(readFileSync(html, 'utf8')).not.toMatch(RAW)
    const json = await runCli(['report', id, '--format', 'json'], { env: { MOCKINT_HOME: home } })
    expect(JSON.parse(json.stdout).steps[0].answer).toBe(answer)
  })
})

describe('messages quoting input', () => {
  it('an unknown `bank show` id is quoted with its escapes visible', async () => {
    const r = await runCli(['bank', 'show', `rag/${TITLE}`])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(RAW)
    expect(r.stderr).toContain('no question "rag/\\x1b]0;pwned\\x07"')
  })
})
