import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { SessionOptions } from '../../src/core/session/events.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { expectOutlineReflowed, WRAPPED_OUTLINE_QUESTION } from '../helpers/outline.js'
import { INTERVIEW_FIXTURES as FIXTURES, writeSession } from '../helpers/sessions.js'

const STRONG =
  'BPE starts from bytes and repeatedly merges the most frequent pair of symbols, so the vocabulary grows by merges. ' +
  'Byte-level fallback means no input is ever out of vocabulary, even for new scripts and emoji. ' +
  'A larger vocab size shortens sequences but grows the embedding matrix and the softmax cost at the output. ' +
  'I would measure fertility, the tokens per word, for every language and use temperature sampling for small languages. ' +
  'I train it with sentencepiece on a deduplicated sample after NFKC normalization of all the text. '

let bank: Bank
let home: string

/** Writes one real session (offline judge, scripted answers) into `home`. */
function writeHistorySession(id: string, startedAt: number, answers: string[], options: Partial<SessionOptions> = {}) {
  return writeSession({ home, bank, id, startedAt, answers, options })
}

beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), FIXTURES], process.cwd())).bank
  home = tempDir()
  await writeHistorySession('20261101-090000-aaa', Date.UTC(2026, 10, 1, 9), ['a tokenizer splits text into tokens', '/skip'])
  await writeHistorySession('20261120-090000-bbb', Date.UTC(2026, 10, 20, 9), [STRONG, 'continuous batching lets new requests join'])
})

describe('mockint history', () => {
  it('lists past sessions with date, questions, overall and judge', async () => {
    const r = await runCli(['history'], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^id\s+date\s+questions\s+overall\s+judge\s+status$/)
    expect(lines[1]).toMatch(/^20261101-090000-aaa\s+2026-11-01 09:00\s+1\/2\s+\d+\.\d\s+offline\s+completed$/)
    expect(lines[2]).toMatch(/^20261120-090000-bbb\s+2026-11-20 09:00\s+2\/2\s+\d+\.\d\s+offline\s+completed$/)
  })

  it('prints pure JSON with --format json', async () => {
    const r = await runCli(['history', '--format', 'json'], { env: { MOCKINT_HOME: home } })
    const rows = JSON.parse(r.stdout)
    expect(rows.map((x: { id: string }) => x.id)).toEqual(['20261101-090000-aaa', '20261120-090000-bbb'])
    expect(rows[1]).toMatchObject({ questions: 2, answered: 2, judge: 'offline', status: 'completed' })
  })
})

describe('mockint stats', () => {
  it('shows progress: the strong session scores higher than the weak one, per dimension and category', async () => {
    const r = await runCli(['stats', '--format', 'json'], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout)
    expect(s.sessions).toHaveLength(2)
    expect(s.sessions[1].overall).toBeGreaterThan(s.sessions[0].overall)
    const principle = s.dimensions.find((d: { id: string }) => d.id === 'principle')
    expect(principle.last).toBeGreaterThan(principle.first)
    expect(s.categories).toEqual([{ category: 'fixture', answers: 3, mean: expect.any(Number) }])
    const text = await runCli(['stats'], { env: { MOCKINT_HOME: home } })
    expect(text.stdout).toMatch(/Principle\s+\d\.\d → \d\.\d ↑/)
  })

  it('uses one language across sessions held in different languages, chosen with --lang', async () => {
    const h = tempDir()
    const prev = home
    home = h
    await writeHistorySession('20261102-090000-enx', Date.UTC(2026, 10, 2, 9), ['a tokenizer splits text into tokens', '/skip'])
    await writeHistorySession('20261103-090000-zhx', Date.UTC(2026, 10, 3, 9), ['分词器把文本切成 token', '/skip'], { lang: 'zh' })
    home = prev
    const en = await runCli(['stats'], { env: { MOCKINT_HOME: h } })
    expect(en.stdout).toMatch(/^ {2}Principle /m)
    expect(en.stdout).not.toMatch(/原理/)
    const zh = await runCli(['stats', '--lang', 'zh'], { env: { MOCKINT_HOME: h } })
    expect(zh.stdout).toMatch(/^ {2}原理 /m)
    expect(zh.stdout).not.toMatch(/Principle/)
    // One session's report still reads in the language it was held in.
    expect((await runCli(['report', '20261103-090000-zhx'], { env: { MOCKINT_HOME: h } })).stdout).toMatch(/面试报告/)
  })
})

describe('mockint report', () => {
  it('re-prints a session report with levels, descriptors, evidence, missing points and next steps, and writes HTML', async () => {
    const dir = tempDir()
    const html = join(dir, 'r.html')
    const r = await runCli(['report', '20261120-090000-bbb', '--html', html], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Interview report · 20261120-090000-bbb/)
    expect(r.stdout).toMatch(/Overall: \d+(\.\d)?\/100/)
    // The level reached, with what the offline judge found (a count of key points), not the rubric's
    // descriptor: it grades by key points, and a descriptor could claim what it did not check.
    expect(r.stdout).toMatch(/Principle [34]\/4 — Makes \d of \d key points\.\n/)
    const md = await runCli(['report', '20261120-090000-bbb', '--format', 'md'], { env: { MOCKINT_HOME: home } })
    expect(md.stdout).toMatch(/- \*\*Principle [34]\/4\*\* — Makes \d of \d key points: BPE starts from bytes/)
    expect(r.stdout).toMatch(/“BPE starts from bytes/)
    expect(r.stdout).toContain('Missing key points:')
    expect(r.stdout).toMatch(/Next steps\n {2}1\. \S/)
    expect(r.stdout).toContain('time 0:40 / 1:00')
    expect(readFileSync(html, 'utf8')).toMatch(/<h1>Interview report: 20261120-090000-bbb<\/h1>/)
  })

  it('reflows the reference outline to the terminal width instead of keeping its source line breaks', async () => {
    const h = tempDir()
    const qid = WRAPPED_OUTLINE_QUESTION
    await writeSession({ home: h, bank, id: '20261122-090000-ref', startedAt: Date.UTC(2026, 10, 22, 9), answers: ['GQA shares K/V heads.'], questions: [qid], options: { count: 1 } })
    const r = await runCli(['report', '20261122-090000-ref'], { env: { MOCKINT_HOME: h } })
    expect(r.code, r.stderr).toBe(0)
    // A 100-column terminal: the report's text is 99 wide.
    expectOutlineReflowed(r.stdout, bank.byId.get(qid)!.question.reference.en, 99)
  })

  it('prints the report data as pure JSON with --format json, and Markdown with --format md', async () => {
    const j = await runCli(['report', '20261120-090000-bbb', '--format', 'json'], { env: { MOCKINT_HOME: home } })
    expect(j.code).toBe(0)
    const data = JSON.parse(j.stdout)
    expect(data).toMatchObject({ id: '20261120-090000-bbb', status: 'completed', planned: 2 })
    expect(data.next_steps).toHaveLength(3)
    expect(data.steps[0].grade.dimensions[0]).toMatchObject({ id: 'principle', max: 4 })
    const md = await runCli(['report', '20261120-090000-bbb', '--format', 'md'], { env: { MOCKINT_HOME: home } })
    expect(md.stdout).toMatch(/^# Interview report: 20261120-090000-bbb\n/)
  })

  it('skips a corrupt line with a warning naming file and line, never a crash', async () => {
    const h = tempDir()
    await (async () => {
      const prev = home
      home = h
      await writeHistorySession('20261121-090000-ccc', Date.UTC(2026, 10, 21, 9), ['short answer', '/skip'])
      home = prev
    })()
    appendFileSync(join(h, 'sessions', '20261121-090000-ccc.jsonl'), '{"type":"answer","key":"q9",\n')
    const r = await runCli(['report', 'latest'], { env: { MOCKINT_HOME: h } })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/20261121-090000-ccc\.jsonl:\d+: skipped a line that is not valid JSON/)
    expect(r.stdout).toContain('Interview report · 20261121-090000-ccc')
    expect(existsSync(join(h, 'sessions', '20261121-090000-ccc.jsonl'))).toBe(true)
  })
})
