import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { displayWidth } from '../../src/cli/ui/text.js'
import { sessionFile, useInterviewTmux, type TmuxSession } from '../helpers/tmux.js'

const { skip, start } = await useInterviewTmux('interview e2e')

const FIXTURE_ARGS = ['--bank', 'tests/fixtures/banks/interview', '--category', 'fixture', '--count', '2', '--seed', '1']

/** Waits until `pattern` has appeared `n` times in the scrollback (the screen keeps earlier cards). */
const seen = (t: TmuxSession, pattern: RegExp, n: number) =>
  t.waitFor((s) => (s.match(new RegExp(pattern.source, 'g')) ?? []).length >= n)

const countdown = (screen: string) => /(\d+:\d\d) left/.exec(screen)?.[1]


describe.skipIf(!!skip)('mockint interview in a terminal (tmux)', () => {
  it('counts down while typing, takes a multi-line Chinese answer, asks a follow-up, and prints and saves the report', async () => {
    const home = tempDir()
    const started = Date.now()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS], { width: 100, height: 40 })
    await t.waitFor(/Question 1\/2/)
    const shown = Date.now()
    await t.waitFor(/judge: offline/)
    const first = countdown(await t.waitScreen(/\d+:\d\d left/))!
    await t.type('BPE starts from bytes and repeatedly merges the most frequent pair of symbols.')
    await t.keys('Enter')
    await t.type('中文：词表大小影响嵌入矩阵，需要按语言统计 fertility 并做温度采样。')
    // The clock ticks while the box holds typed text: the countdown moves on by itself (a frozen one times out).
    await t.waitScreen((s) => s.includes('│ 中文：词表大小影响嵌入矩阵') && (countdown(s) ?? first) !== first)
    await t.keys('Enter')
    await t.type('/hint')
    await t.keys('Enter')
    await t.waitFor(/Hint: Engineering/)
    await t.type('/repeat')
    await t.keys('Enter')
    await seen(t, /Question 1\/2/, 2)
    const submitting = Date.now()
    await t.keys('C-d')
    await t.waitFor(/Follow-up · /)
    const submitted = Date.now()
    await t.type('For a new tokenizer version we keep special tokens stable and reserved tokens fixed.')
    await t.keys('Enter')
    await t.type('/done')
    await t.keys('Enter')
    await t.waitFor(/Question 2\/2/)
    await t.type('continuous batching lets new requests join a running batch')
    await t.keys('C-d')
    await seen(t, /Follow-up · /, 2)
    await t.type('/skip')
    await t.keys('Enter')
    const text = await t.waitFor(/__EXIT=\d+/, 20_000)
    expect(text).toContain('__EXIT=0')
    expect(text).toMatch(/Interview report · /)
    expect(text).toMatch(/Overall: \d+(\.\d)?\/100/)
    expect(text).toMatch(/Next steps\n {2}1\. /)
    expect(text).toMatch(/Strongest: .* · Weakest: /)
    expect(text).toContain('Missing key points:')
    expect(text).toContain('Reference outline:')

    const { id, lines } = sessionFile(home)
    const answers = lines.filter((l) => l.type === 'answer')
    expect(answers.map((a) => a.key)).toEqual(['q1', 'q1.f1', 'q2'])
    expect(answers[0].text).toBe('BPE starts from bytes and repeatedly merges the most frequent pair of symbols.\n中文：词表大小影响嵌入矩阵，需要按语言统计 fertility 并做温度采样。')
    // The time used is the question's own clock: at least what the test saw pass between the question
    // appearing and Ctrl+D, at most the whole run up to the follow-up (0.1 s rounding either way).
    expect(answers[0].time_used_s).toBeGreaterThanOrEqual((submitting - shown) / 1000 - 0.1)
    expect(answers[0].time_used_s).toBeLessThanOrEqual((submitted - started) / 1000 + 0.1)
    expect(lines.filter((l) => l.type === 'hint')).toHaveLength(1)
    expect(lines.filter((l) => l.type === 'repeat')).toHaveLength(1)
    expect(lines.filter((l) => l.type === 'grade').map((l) => l.key).sort()).toEqual(['q1', 'q1.f1', 'q2'])
    expect(lines.find((l) => l.type === 'skip')?.key).toBe('q2.f1')
    expect(lines.at(-1)).toMatchObject({ type: 'session_end', reason: 'completed' })
    const md = readFileSync(join(home, 'data', 'sessions', `${id}.md`), 'utf8')
    expect(md).toContain(`# Interview report: ${id}`)
    expect(md).toContain('中文：词表大小影响嵌入矩阵')
  })

  it('wraps cleanly at 60 columns: long Chinese lines wrap inside the answer box, never by the terminal', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS, '--follow-ups', '0', '--count', '1'], { width: 60, height: 30 })
    await t.waitFor(/Question 1\/1/)
    const long = '分词器的词表大小需要在序列长度和嵌入矩阵大小之间权衡，多语言模型还要考虑每种语言的压缩率和回退率。'
    await t.type(long)
    await t.waitFor(/回退率/)
    const rows = (await t.screen()).split('\n')
    const boxRows = rows.filter((r) => /[\u4e00-\u9fff]/.test(r) && !r.startsWith('BPE') && !/^[─ ]/.test(r) && !r.includes('?'))
    // Every row of the answer carries the box's own margin: the app wrapped it, not the terminal.
    expect(boxRows.length).toBeGreaterThanOrEqual(2)
    for (const r of boxRows) expect(r.startsWith('│ ')).toBe(true)
    expect(boxRows.map((r) => r.slice(2)).join('')).toBe(long)
    await t.keys('C-d')
    const text = await t.waitFor(/__EXIT=\d+/, 20_000)
    expect(text).toContain('__EXIT=0')
    // The app wraps everything (card, box, report) below 60 columns itself: a row that fills all 60
    // columns is one the terminal had to wrap, cutting a word or a CJK character pair.
    const raw = await t.history(false)
    const full = raw.split('\n').filter((row) => displayWidth(row.trimEnd()) >= 60)
    expect(full).toEqual([])
    expect(raw).toContain('Overall: ')
  })

  it('Up from an ASCII line to a Chinese one keeps the screen column (a CJK character is two cells)', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS, '--follow-ups', '0', '--count', '1'], { width: 80, height: 30 })
    await t.waitFor(/Question 1\/1/)
    await t.type('中文输入法测试')
    await t.keys('Enter')
    await t.type('abcdefghij')
    await t.waitFor(/│ abcdefghij/)
    // Four to the left: after "abcdef", screen column 6 of the answer. Up, then mark where the cursor is.
    await t.keys('Left', 'Left', 'Left', 'Left', 'Up')
    await t.type('|')
    const screen = await t.waitFor(/│ 中文\S*\|/)
    const rows = screen.split('\n')
    const wide = rows.findLast((r) => r.startsWith('│ 中文'))!
    const ascii = rows.findLast((r) => r.startsWith('│ abcdefghij'))!
    // The mark sits right after 输 (columns 0–5), in the very screen column of "g" on the line below.
    expect(wide).toBe('│ 中文输|入法测试')
    expect(displayWidth(wide.slice(0, wide.indexOf('|')))).toBe(ascii.indexOf('g'))
    await t.keys('C-d')
    expect(await t.exitCode(20_000)).toBe(0)
    const answer = sessionFile(home).lines.find((l) => l.type === 'answer')
    expect(answer.text).toBe('中文输|入法测试\nabcdefghij')
  })

  it('saves every answer on Ctrl+C, exits 130 with the resume command, and --resume finishes the session', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS], { width: 100, height: 40 })
    await t.waitFor(/Question 1\/2/)
    await t.type('BPE merges the most frequent pair; byte-level fallback means nothing is unknown.')
    await t.keys('C-d')
    await t.waitFor(/Follow-up · /)
    await t.type('half of a follow-up answer')
    await t.keys('C-c')
    const text = await t.waitFor(/__EXIT=\d+/)
    expect(text).toContain('__EXIT=130')
    const m = /Resume with: mockint interview --resume (\S+)/.exec(text)
    expect(m).not.toBeNull()
    const { id, lines } = sessionFile(home)
    expect(m![1]).toBe(id)
    expect(lines.find((l) => l.type === 'answer')).toMatchObject({ key: 'q1', text: 'BPE merges the most frequent pair; byte-level fallback means nothing is unknown.' })
    expect(lines.find((l) => l.type === 'interrupted')).toMatchObject({ key: 'q1.f1', draft: 'half of a follow-up answer' })
    const followUp = lines.find((l) => l.type === 'question_shown' && l.key === 'q1.f1').prompt
    await t.kill()

    const r = await start(home, ['--resume'], { width: 100, height: 40 })
    await r.waitFor(/resuming\s+\d/)
    await r.waitFor(/Follow-up · /)
    expect(await r.screen()).toContain(followUp.slice(0, 40))
    // The draft typed before Ctrl+C is back in the box.
    await r.waitFor(/│ half of a follow-up answer/)
    await r.type(', answered after resuming')
    await r.keys('C-d')
    await r.waitFor(/Question 2\/2/)
    await r.type('continuous batching frees finished sequences at once')
    await r.keys('C-d')
    await seen(r, /Follow-up · /, 2)
    await r.waitFor(/0:\d\d left/)
    await r.keys('C-d')
    const done = await r.waitFor(/__EXIT=\d+/, 20_000)
    expect(done).toContain('__EXIT=0')
    expect(done).toContain('2 of 2 questions answered')
    const after = sessionFile(home).lines
    expect(after.filter((l) => l.type === 'answer').map((l) => l.key)).toEqual(['q1', 'q1.f1', 'q2', 'q2.f1'])
    expect(after.find((l) => l.type === 'answer' && l.key === 'q1.f1').text).toBe('half of a follow-up answer, answered after resuming')
    expect(after.filter((l) => l.type === 'session_start')).toHaveLength(1)
    expect(after.at(-1).type).toBe('session_end')
  })
})
