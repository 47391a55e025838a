import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { INTERVIEW_FIXTURES, sessionFile, useInterviewTmux } from '../helpers/tmux.js'

const { skip, start } = await useInterviewTmux('interview strict-time e2e')
const FIXTURES = INTERVIEW_FIXTURES
const lines = (home: string): any[] => sessionFile(home).lines

describe.skipIf(!!skip)('interview --strict-time in a terminal (tmux)', () => {
  it('--strict-time warns at 80% of the budget and submits at zero', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', '--bank', FIXTURES, '--category', 'fixture', '--count', '1', '--follow-ups', '0', '--time', '10', '--strict-time'])
    await t.waitFor(/Question 1\/1 .* 0:10/)
    await t.type('typed before the clock ran out')
    await t.waitFor(/0:0[12] left · \d+ words · \d+% of the time left/, 12_000)
    const out = await t.waitFor(/__EXIT=\d+/, 15_000)
    expect(out).toMatch(/time's up: submitted/)
    expect(out).toContain('__EXIT=0')
    const answer = lines(home).find((l) => l.type === 'answer')
    expect(answer).toMatchObject({ text: 'typed before the clock ran out', auto_submitted: true })
    expect(answer.time_used_s).toBeGreaterThanOrEqual(10)
  })
})
