import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { sessionFile, startInterview, tmuxSkipReason, type TmuxSession } from '../helpers/tmux.js'

const skip = await tmuxSkipReason()
if (skip) console.warn(`[interview strict-time e2e] skipped: ${skip}`)

const FIXTURES = resolve('tests/fixtures/banks/interview')
const sessions: TmuxSession[] = []
afterEach(async () => {
  for (const t of sessions.splice(0)) await t.kill()
})

const start = (home: string, args: string[], extra: Record<string, string> = {}) =>
  startInterview(sessions, home, args, { env: extra })
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
