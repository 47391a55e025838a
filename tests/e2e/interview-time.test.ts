import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES, sessionFile, useInterviewTmux } from '../helpers/tmux.js'

const { skip, start } = await useInterviewTmux('interview --time e2e')
const FIXTURES = INTERVIEW_FIXTURES

describe.skipIf(!!skip)('interview --time in a terminal (tmux)', () => {
  it('--time 20 gives the follow-up 20 s too, never more than its question', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--follow-ups', '1', '--time', '20'])
    // One question and one follow-up of 20 s each.
    await t.waitFor(/time budget 0:40/)
    await t.waitFor(/Question 1\/1 .* 0:20/)
    await t.type('BPE merges the most frequent pair of symbols.')
    await t.keys('C-d')
    const card = await t.waitFor(/Follow-up · .* · \d+:\d\d/)
    expect(/Follow-up · .* · (\d+:\d\d)/.exec(card)![1]).toBe('0:20')
    const left = await t.waitFor(/Follow-up[\s\S]*\d+:\d\d left/)
    const follow = left.slice(left.lastIndexOf('Follow-up'))
    expect(Number(/0:(\d\d) left/.exec(follow)?.[1])).toBeLessThanOrEqual(20)
    await t.type('/skip')
    await t.keys('Enter')
    const out = await t.waitFor(/__EXIT=\d+/, 20_000)
    expect(out).toContain('__EXIT=0')
    const shown = sessionFile(home).lines.filter((l) => l.type === 'question_shown')
    expect(shown.map((l) => [l.key, l.budget_s])).toEqual([['q1', 20], ['q1.f1', 20]])
  })
})
