import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'

describe('mockint interview without a terminal', () => {
  it('exits 2 and points at `mockint grade`', async () => {
    const r = await runCli(['interview', '--judge', 'offline', '--count', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs a terminal/)
    expect(r.stderr).toContain('mockint grade')
    expect(r.stdout).toBe('')
  })

  it('rejects a bad flag value with one line', async () => {
    const r = await runCli(['interview', '--count', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--count must be an integer from 1 to 50/)
  })

  it('documents the answer keys in --help', async () => {
    const r = await runCli(['interview', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Ctrl\+D/)
    expect(r.stdout).toMatch(/--strict-time/)
    expect(r.stdout).toMatch(/\/hint, \/repeat, \/skip or \/quit/)
    expect(r.stdout).toMatch(/arrows, Home\/End/)
  })
})

describe('mockint report on a missing session', () => {
  it('says which sessions exist and exits 2', async () => {
    const home = tempDir()
    const r = await runCli(['report', 'nope'], { env: { MOCKINT_HOME: home } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no session "nope"/)
    expect(r.stderr).toContain('mockint history')
  })
})
