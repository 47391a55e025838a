import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint } from '../helpers/spawn.js'
import { INTERVIEW_FIXTURES, interviewEnv, sessionFile, useInterviewTmux } from '../helpers/tmux.js'

// What the session file keeps when an answer is left half-written, cut by a crash, or named wrongly (#16).

const { skip, start } = await useInterviewTmux('interview session file e2e')
const FIXTURES = INTERVIEW_FIXTURES
const ONE = ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--seed', '1', '--follow-ups', '0']
/** `text` as a pattern that matches it wherever the app wrapped it between words. */
const words = (text: string) => new RegExp(text.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\\s+'))
const history = (home: string) => mockint(['history', '--format', 'json'], { env: interviewEnv(home) })

describe.skipIf(!!skip)('the session file of an interview (tmux)', () => {
  it('/quit keeps the text in the box as a draft, as Ctrl+C does, and --resume puts it back', async () => {
    const home = tempDir()
    const t = await start(home, ONE)
    await t.waitFor(/Question 1\/1/)
    await t.type('BPE starts from bytes and merges the most frequent pair.')
    await t.keys('Enter')
    await t.type('Vocabulary size trades embedding memory against sequence length.')
    await t.keys('Enter')
    await t.type('/quit')
    await t.keys('Enter')
    const out = await t.waitFor(/__EXIT=\d+/, 20_000)
    expect(out).toContain('__EXIT=0')
    const { id, lines } = sessionFile(home)
    const draft = 'BPE starts from bytes and merges the most frequent pair.\nVocabulary size trades embedding memory against sequence length.'
    // The same line Ctrl+C writes (see interview.test.ts), then the quit.
    expect(lines.filter((l) => l.type === 'interrupted')).toEqual([{ type: 'interrupted', at: expect.any(String), key: 'q1', draft }])
    expect(lines.filter((l) => l.type === 'answer')).toEqual([])
    expect(lines.at(-1)).toMatchObject({ type: 'session_end', reason: 'quit' })
    // Said on screen: in the box, and with the command that continues it.
    expect(out).toMatch(/\/quit · your answer so far is saved as a draft/)
    expect(out).toMatch(words(`Your unfinished answer to Q1 is saved as a draft; continue it with: mockint interview --resume ${id}`))
    // The report treats it as a Ctrl+C draft: not an answer, not graded, and it points at --resume.
    const report = await mockint(['report', id, '--format', 'json'], { env: interviewEnv(home) })
    expect(report.code).toBe(0)
    const data = JSON.parse(report.stdout)
    expect(data.steps[0]).toMatchObject({ key: 'q1', answer: null, grade: null })
    expect(data.next_steps).toContain('Keep going: answer the remaining questions (`mockint interview --resume`).')
    await t.kill()

    // `--resume` with no id finds it, like an interrupted session, and the draft is back in the box.
    const r = await start(home, ['--resume'])
    await r.waitFor(new RegExp(`resuming\\s+${id}`))
    await r.waitFor(/│ Vocabulary size trades embedding memory against sequence length\./)
    expect(await r.screen()).toContain('│ BPE starts from bytes and merges the most frequent pair.')
    await r.type(' Measure fertility per language.')
    await r.keys('C-d')
    const done = await r.waitFor(/__EXIT=\d+/, 20_000)
    expect(done).toContain('__EXIT=0')
    expect(done).toContain('1 of 1 questions answered')
    const after = sessionFile(home).lines
    expect(after.filter((l) => l.type === 'answer')).toEqual([expect.objectContaining({ key: 'q1', text: `${draft} Measure fertility per language.` })])
    expect(after.at(-1)).toMatchObject({ type: 'session_end', reason: 'completed' })
    const rows = JSON.parse((await history(home)).stdout)
    expect(rows).toEqual([expect.objectContaining({ id, answered: 1, status: 'completed' })])
  })

  it('a plain /quit with an empty box writes no draft and the session is not resumable', async () => {
    const home = tempDir()
    const t = await start(home, ONE)
    await t.waitFor(/Question 1\/1/)
    await t.type('/quit')
    await t.keys('Enter')
    const out = await t.waitFor(/__EXIT=\d+/, 20_000)
    expect(out).toContain('__EXIT=0')
    expect(out).not.toMatch(/draft/)
    const { id, lines } = sessionFile(home)
    expect(lines.map((l) => l.type)).toEqual(['session_start', 'question_shown', 'session_end'])
    const r = await start(home, ['--resume', id])
    const again = await r.waitFor(/__EXIT=\d+/)
    expect(again).toContain('__EXIT=0')
    expect(again).toMatch(words(`Session ${id} is finished and fully graded`))
  })

  it('--resume starts a new line after a last line cut by a crash: every new event is readable', async () => {
    const home = tempDir()
    const dir = join(home, 'data', 'sessions')
    mkdirSync(dir, { recursive: true })
    const id = '20260101-000000-cut'
    const at = new Date().toISOString()
    const whole = [
      { type: 'session_start', at, id, version: 1, judge: { kind: 'offline' }, questions: ['fixture/tokenizer'], banks: [FIXTURES],
        options: { count: 1, time: null, lang: 'en', follow_ups: 0, strict_time: false, categories: ['fixture'], difficulty: null, seed: 1, adaptive: false } },
      { type: 'question_shown', at, key: 'q1', question_id: 'fixture/tokenizer', kind: 'main', prompt: 'p', dimension: null, budget_s: 60 },
    ].map((l) => JSON.stringify(l) + '\n')
    // The answer was being written when the machine died: half a line, no newline.
    const fragment = '{"type":"answer","at":"' + at + '","key":"q1","text":"BPE mer'
    const file = join(dir, `${id}.jsonl`)
    writeFileSync(file, whole.join('') + fragment)

    const r = await start(home, ['--resume', id])
    await r.waitFor(/resuming\s+20260101-000000-cut/)
    await r.waitFor(words('skipped a line that is not valid JSON'))
    await r.waitFor(/Question 1\/1/)
    await r.type('BPE merges the most frequent pair of symbols, starting from bytes.')
    await r.keys('C-d')
    const done = await r.waitFor(/__EXIT=\d+/, 20_000)
    expect(done).toContain('__EXIT=0')

    const text = readFileSync(file, 'utf8')
    expect(text.startsWith(whole.join('') + fragment + '\n')).toBe(true)
    expect(text.endsWith('\n')).toBe(true)
    // The fragment stays as it was; every line after it is a whole event.
    const added = text.slice((whole.join('') + fragment + '\n').length).trimEnd().split('\n')
    const events = added.map((l) => JSON.parse(l))
    expect(events.map((e) => e.type)).toEqual(['question_shown', 'answer', 'grade', 'session_end'])
    const h = await history(home)
    expect(h.code).toBe(0)
    expect(JSON.parse(h.stdout)).toEqual([expect.objectContaining({ id, answered: 1, status: 'completed' })])
  })

  it('--resume refuses an id that is a path, and writes nothing outside the sessions folder', async () => {
    const home = tempDir()
    // An unfinished session one folder up from sessions/: what `--resume ../x` would have appended to.
    mkdirSync(join(home, 'data', 'sessions'), { recursive: true })
    const outside = join(home, 'data', 'x.jsonl')
    const at = new Date().toISOString()
    const text = JSON.stringify({ type: 'session_start', at, id: 'x', version: 1, judge: { kind: 'offline' }, questions: ['fixture/tokenizer'], banks: [FIXTURES],
      options: { count: 1, time: null, lang: 'en', follow_ups: 0, strict_time: false, categories: ['fixture'], difficulty: null, seed: 1, adaptive: false } }) + '\n'
    writeFileSync(outside, text)
    const t = await start(home, ['--resume', '../x'])
    const out = await t.waitFor(/__EXIT=\d+/)
    expect(out).toContain('__EXIT=2')
    expect(out).toMatch(words('mockint: "../x" is not a session id'))
    expect(out).toMatch(words('`mockint history` lists them'))
    expect(out).not.toMatch(/Question 1\/1/)
    expect(readFileSync(outside, 'utf8')).toBe(text)
  })
})
