import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeJsonl } from '../helpers/answers.js'
import { tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES, sessionFile, useInterviewTmux } from '../helpers/tmux.js'

const { skip, start } = await useInterviewTmux('interview modes e2e')
const FIXTURES = INTERVIEW_FIXTURES
const lines = (home: string): any[] => sessionFile(home).lines

describe.skipIf(!!skip)('interview modes in a terminal (tmux)', () => {
  it('without flags shows a menu, and remembers the choices for next time', async () => {
    const home = tempDir()
    mkdirSync(join(home, 'config', 'mockint'), { recursive: true })
    writeFileSync(join(home, 'config', 'mockint', 'config.yaml'), `banks:\n  - ${FIXTURES}\n`)
    const t = await start(home, [])
    await t.waitFor(/Categories/)
    await t.keys('Enter') // none ticked = every category
    await t.waitFor(/Difficulty/)
    await t.keys('Down', 'Enter') // mid
    await t.waitFor(/Number of questions/)
    await t.keys('C-u', 'BSpace', 'BSpace')
    await t.type('1')
    await t.keys('Enter')
    await t.waitFor(/Language/)
    await t.keys('Enter') // English
    await t.waitFor(/Judge/)
    await t.keys('Down', 'Enter') // offline
    await t.waitFor(/Question 1\/1 · \S+ · mid · /)
    expect(await t.history()).toMatch(/judge: offline/)
    await t.type('/quit')
    await t.keys('Enter')
    const out = await t.waitFor(/__EXIT=\d+/)
    expect(out).toContain('__EXIT=0')
    expect(out).toContain('ended early')
    const remembered = JSON.parse(readFileSync(join(home, 'data', 'last-choices.json'), 'utf8'))
    expect(remembered).toEqual({ categories: [], difficulty: 'mid', count: 1, lang: 'en', judge: 'offline' })
    expect(lines(home).at(-1)).toMatchObject({ type: 'session_end', reason: 'quit' })
  })

  it('--editor opens $EDITOR with the question as a comment header; an empty return offers a retry', async () => {
    const home = tempDir()
    const script = join(home, 'fake-editor.sh')
    // First call: returns at once without writing (a GUI editor without --wait). Second: writes an answer.
    writeFileSync(
      script,
      `n=$(cat "${home}/calls" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${home}/calls"\n` +
        `grep -q '^# Question (time 1:00):' "$1" && cp "$1" "${home}/seen.md"\n` +
        `[ "$n" -ge 2 ] && printf 'Answer written in the editor.\\nSecond line.\\n' >> "$1"\nexit 0\n`,
    )
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--seed', '2', '--follow-ups', '0', '--editor'], { env: { EDITOR: `sh ${script}` } })
    await t.waitFor(/empty answer/)
    await t.waitFor(/\[r\] retry the editor · \[i\] type inline · \[s\] skip/)
    await t.keys('r')
    const out = await t.waitFor(/__EXIT=\d+/)
    expect(out).toContain('__EXIT=0')
    expect(readFileSync(join(home, 'seen.md'), 'utf8')).toMatch(/^# Question \(time 1:00\):\n# {3}\S/)
    expect(lines(home).find((l) => l.type === 'answer')).toMatchObject({ text: 'Answer written in the editor.\nSecond line.', via: 'editor' })
  })

  it('--editor with an $EDITOR that does not exist: one warning naming it, then the built-in answer box for the rest of the session', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--seed', '2', '--follow-ups', '1', '--editor'], {
      env: { EDITOR: '/nonexistent/mockint-editor --wait' },
    })
    const warning =
      '--editor: cannot run $EDITOR ("/nonexistent/mockint-editor --wait"): no such command (ENOENT); set EDITOR to an installed editor (e.g. export EDITOR=vim); answering inline for the rest of this session'
    // The status line is wrapped to the terminal's width: compare with runs of white space as one.
    const flat = (s: string) => s.replace(/\s+/g, ' ')
    await t.waitFor((s) => flat(s).includes(warning))
    await t.waitFor(/ left · \d+ words/)
    await t.type('Typed in the built-in box instead.')
    await t.keys('C-d')
    await t.waitFor(/Follow-up · [\s\S]* left · 0 words/)
    await t.type('The follow-up, inline as well.')
    await t.keys('C-d')
    const out = await t.waitFor(/__EXIT=\d+/, 30_000)
    expect(out).toContain('__EXIT=0')
    expect(out).not.toMatch(/internal error/)
    expect(flat(out).split(warning)).toHaveLength(2) // said once, not again for the follow-up
    const answers = lines(home).filter((l) => l.type === 'answer')
    expect(answers.map((a) => [a.text, a.via])).toEqual([
      ['Typed in the built-in box instead.', 'inline'],
      ['The follow-up, inline as well.', 'inline'],
    ])
  })

  it('takes a multi-line paste as text: a pasted "/done" line does not submit', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--follow-ups', '0'])
    await t.waitFor(/Question 1\/1/)
    await t.paste('pasted line one\n/done\n第三行 pasted')
    await t.waitFor(/│ 第三行 pasted/)
    expect(await t.screen()).not.toMatch(/submitted/)
    await t.keys('C-d')
    expect(await t.waitFor(/__EXIT=\d+/)).toContain('__EXIT=0')
    expect(lines(home).find((l) => l.type === 'answer').text).toBe('pasted line one\n/done\n第三行 pasted')
  })

  it('--adaptive asks first the question answered worst that is due for review', async () => {
    const home = tempDir()
    const dir = join(home, 'data', 'sessions')
    mkdirSync(dir, { recursive: true })
    const at = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString()
    const grade = (key: string, overall: number, when: string) => ({
      type: 'grade', at: when, key, overall, pass: overall >= 60, scores: {}, judge: { kind: 'offline' }, latency_ms: 1,
      verdict: { dimensions: [], feedback: '', missing: [], follow_up: '', flags: [] },
    })
    const shown = (key: string, qid: string, when: string) => ({ type: 'question_shown', at: when, key, question_id: qid, kind: 'main', prompt: 'p', dimension: null, budget_s: 60 })
    const past = [
      { type: 'session_start', at: at(5), id: 'old', version: 1, judge: { kind: 'offline' }, questions: ['fixture/batching', 'fixture/tokenizer'], banks: [FIXTURES],
        options: { count: 2, time: null, lang: 'en', follow_ups: 0, strict_time: false, categories: [], difficulty: null, seed: null, adaptive: false } },
      shown('q1', 'fixture/batching', at(5)), grade('q1', 95, at(5)),
      shown('q2', 'fixture/tokenizer', at(5)), grade('q2', 15, at(5)),
      { type: 'session_end', at: at(5), reason: 'completed' },
    ]
    writeJsonl(join(dir, '20260101-000000-old.jsonl'), past)
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '3', '--follow-ups', '0', '--adaptive'])
    await t.waitFor(/Question 1\/3/)
    expect(await t.screen()).toContain('How does a BPE tokenizer build its vocabulary')
    await t.keys('C-c')
    expect(await t.waitFor(/__EXIT=\d+/)).toContain('__EXIT=130')
    const mine = readdirSync(dir).find((f) => f.endsWith('.jsonl') && !f.includes('old'))!
    const start0 = JSON.parse(readFileSync(join(dir, mine), 'utf8').split('\n')[0]!)
    // Due and weakest first, then never seen, then the well-answered one that is not due yet.
    expect(start0.questions).toEqual(['fixture/tokenizer', 'fixture/eval-drift', 'fixture/batching'])
    expect(start0.options.adaptive).toBe(true)
  })

  it('edits anywhere in the answer with arrows, Home and End, and redraws the countdown without moving the cursor', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--follow-ups', '0'])
    await t.waitFor(/Question 1\/1/)
    await t.type('first line')
    await t.keys('Enter')
    await t.type('secnd line')
    await t.keys('Left', 'Left', 'Left', 'Left', 'Left', 'Left', 'Left')
    await t.type('o')
    await t.keys('Up', 'Home')
    await t.type('> ')
    // Wait for at least one countdown redraw, then keep typing where the cursor was.
    const clock = (s: string) => /(\d:\d\d) left/.exec(s)?.[1]
    const before = clock(await t.waitScreen(/│ > first line/))
    await t.waitScreen((s) => clock(s) !== undefined && clock(s) !== before)
    await t.keys('End')
    await t.type('!')
    await t.waitFor(/│ > first line!\n│ second line/)
    await t.keys('C-d')
    expect(await t.waitFor(/__EXIT=\d+/)).toContain('__EXIT=0')
    expect(lines(home).find((l) => l.type === 'answer').text).toBe('> first line!\nsecond line')
  })

  it('redraws cleanly when the terminal is resized while answering', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--follow-ups', '0', '--seed', '2'])
    await t.waitFor(/Question 1\/1/)
    await t.type('A fairly long first line of the answer that will need to wrap once the terminal is narrower.')
    await t.keys('Enter')
    await t.type('second')
    await t.waitFor(/│ second/)
    await t.resize(60, 24)
    await t.waitFor(/│ wrap once the terminal is narrower\.\n│ second/)
    const screen = await t.screen()
    // One card, one countdown, the answer re-wrapped by the box: no leftovers of the wide frame.
    expect(screen.match(/── Question 1\/1/g)).toHaveLength(1)
    expect(screen.match(/ left · \d+ words/g)).toHaveLength(1)
    for (const row of screen.split('\n')) expect(row.trimEnd().length).toBeLessThan(60)
    await t.type(' more')
    await t.keys('C-d')
    expect(await t.waitFor(/__EXIT=\d+/)).toContain('__EXIT=0')
    expect(lines(home).find((l) => l.type === 'answer').text).toBe('A fairly long first line of the answer that will need to wrap once the terminal is narrower.\nsecond more')
  })
})
