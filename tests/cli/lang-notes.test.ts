import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES as FIXTURES, writeSession } from '../helpers/sessions.js'

const CJK = /[\u4e00-\u9fff]/

let bank: Bank

/** A session answered and graded by the offline judge (`finished`), or only started. */
function writeLangSession(home: string, id: string, lang: 'en' | 'zh', finished: boolean) {
  const answer = 'A tokenizer splits text into tokens with BPE merges.'
  return writeSession({ home, bank, id, startedAt: Date.UTC(2026, 10, 1, 9), answers: finished ? [answer, answer] : null, options: { lang }, stepMs: 30_000 })
}

beforeAll(async () => {
  bank = (await loadBank([...shippedBankPaths(), FIXTURES], process.cwd())).bank
})

describe('history and stats notes follow the configured language', () => {
  it('says there is nothing yet, in Chinese with MOCKINT_LANG=zh and in English by default', async () => {
    const home = tempDir()
    const zhEnv = { MOCKINT_HOME: home, MOCKINT_LANG: 'zh' }
    expect((await runCli(['history'], { env: zhEnv })).stdout).toBe('还没有面试记录。开始一场：mockint interview\n')
    expect((await runCli(['stats'], { env: zhEnv })).stdout).toBe('还没有已评分的面试。开始一场：mockint interview\n')
    expect((await runCli(['history'], { env: { MOCKINT_HOME: home } })).stdout).toBe('No sessions yet. Start one with: mockint interview\n')
    expect((await runCli(['stats'], { env: { MOCKINT_HOME: home } })).stdout).toBe('No graded sessions yet. Start one with: mockint interview\n')
  })

  it('gives the resume hint and the stats captions in Chinese; the JSON stays the same', async () => {
    const home = tempDir()
    await writeLangSession(home, '20261101-090000-aaa', 'en', true)
    await writeLangSession(home, '20261102-090000-bbb', 'en', false)
    const zhEnv = { MOCKINT_HOME: home, MOCKINT_LANG: 'zh' }
    const h = await runCli(['history'], { env: zhEnv })
    expect(h.code, h.stderr).toBe(0)
    expect(h.stdout).toContain('\n继续最近一场未完成的面试：mockint interview --resume 20261102-090000-bbb\n')
    const en = await runCli(['history'], { env: { MOCKINT_HOME: home } })
    expect(en.stdout).toContain('\nResume the latest unfinished one: mockint interview --resume 20261102-090000-bbb\n')
    expect(en.stdout).not.toMatch(CJK)

    const s = await runCli(['stats'], { env: zhEnv })
    expect(s.code, s.stderr).toBe(0)
    expect(s.stdout).toMatch(/^每场面试的总分与各维度平均等级（从早到晚）：$/m)
    expect(s.stdout).toMatch(/^各维度（第一场 → 最近一场，均值）：$/m)
    expect(s.stdout).toMatch(/ 均值 \d\.\d$/m)
    expect(s.stdout).toMatch(/^各类别（已评分回答数，总分均值）：$/m)
    expect(s.stdout).not.toMatch(/Per dimension|Per category|Overall and mean| mean \d/)

    const jsonZh = await runCli(['history', '--format', 'json'], { env: zhEnv })
    const jsonEn = await runCli(['history', '--format', 'json'], { env: { MOCKINT_HOME: home } })
    expect(jsonZh.stdout).toBe(jsonEn.stdout)
  })
})

describe('report --html says where it wrote the page in the report language', () => {
  it('in Chinese for a zh report, in English otherwise', async () => {
    const home = tempDir()
    await writeLangSession(home, '20261101-090000-aaa', 'en', true)
    const dir = tempDir()
    const zh = await runCli(['report', 'latest', '--lang', 'zh', '--html', join(dir, 'zh.html')], { env: { MOCKINT_HOME: home } })
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stderr).toBe(`HTML 报告已写入：${join(dir, 'zh.html')}\n`)
    expect(readFileSync(join(dir, 'zh.html'), 'utf8')).toContain('<html lang="zh">')
    const en = await runCli(['report', 'latest', '--html', join(dir, 'en.html')], { env: { MOCKINT_HOME: home } })
    expect(en.stderr).toBe(`HTML report written: ${join(dir, 'en.html')}\n`)
  })
})

describe('bank list and interview notes', () => {
  it('bank list closes with the count in Chinese under --lang zh', async () => {
    const zh = await runCli(['bank', 'list', '--lang', 'zh', '--category', 'fixture', '--bank', FIXTURES])
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stdout).toMatch(/^id\s+难度\s+时限\s+题目$/m)
    expect(zh.stdout).toMatch(/\n共 3 道题，分属 1 个类别\n$/)
    const en = await runCli(['bank', 'list', '--category', 'fixture', '--bank', FIXTURES])
    expect(en.stdout).toMatch(/^id\s+level\s+time\s+question$/m)
    expect(en.stdout).toMatch(/\n3 questions in 1 categories\n$/)
  })

  it('interview without a terminal points at `mockint grade` in the configured language', async () => {
    const zh = await runCli(['interview', '--judge', 'offline', '--lang', 'zh'])
    expect(zh.code).toBe(2)
    expect(zh.stderr).toBe(
      'mockint: mockint interview 需要在终端里运行（stdin 和 stdout 都得是终端）。不经终端批量评分书面回答，请用 `mockint grade <file>`（见 `mockint grade --help`）。\n',
    )
    const fromEnv = await runCli(['interview', '--judge', 'offline'], { env: { MOCKINT_LANG: 'zh' } })
    expect(fromEnv.stderr).toMatch(/需要在终端里运行/)
    const en = await runCli(['interview', '--judge', 'offline'])
    expect(en.stderr).toBe(
      'mockint: mockint interview needs a terminal on stdin and stdout. To grade written answers without one, use `mockint grade <file>` (see `mockint grade --help`).\n',
    )
  })
})
