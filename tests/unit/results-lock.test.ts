import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EnvironmentError } from '../../src/core/errors.js'
import { acquireResultsLock, type LockHost, type LockOwner } from '../../src/core/grading/results-lock.js'
import { tempDir } from '../helpers/temp.js'

const results = () => join(tempDir('mockint-lock-'), 'results.jsonl')

/** Processes 1000–1999 are alive; every other pid has exited. */
const host = (pid: number, over: Partial<LockHost> = {}): LockHost => ({
  pid,
  hostname: 'box',
  isAlive: (p) => p >= 1000 && p < 2000,
  now: () => Date.now(),
  ...over,
})

const owner = (file: string) => JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as LockOwner

function leaveLock(file: string, o: Partial<LockOwner>): void {
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: 42, host: 'box', started_at: '2025-01-31T09:15:02.123Z', token: 'old', ...o }) + '\n')
}

describe('acquireResultsLock: one writer per results file', () => {
  it('creates <file>.lock with the pid, host and start time, and release removes it', async () => {
    const file = results()
    const lock = await acquireResultsLock(file, 'results.jsonl', host(1001, { now: () => Date.parse('2025-02-01T10:00:00Z') }))
    expect(lock.path).toBe(`${file}.lock`)
    expect(owner(file)).toMatchObject({ pid: 1001, host: 'box', started_at: '2025-02-01T10:00:00.000Z' })
    await lock.release()
    expect(existsSync(`${file}.lock`)).toBe(false)
    await lock.release() // twice is fine
  })

  it('refuses a lock held by a live process, naming the file, the pid, its start and the lock', async () => {
    const file = results()
    leaveLock(file, { pid: 1234 })
    const e = await acquireResultsLock(file, 'out/results.jsonl', host(1001)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(EnvironmentError)
    expect((e as EnvironmentError).where).toEqual({ file: 'out/results.jsonl' })
    expect((e as Error).message).toBe(
      'is being written by another mockint run (pid 1234, started 2025-01-31 09:15:02 UTC; lock out/results.jsonl.lock); wait for it to finish or choose another --out',
    )
    expect(owner(file).pid).toBe(1234) // untouched
  })

  it('takes over a lock whose process has exited', async () => {
    const file = results()
    leaveLock(file, { pid: 42 })
    const lock = await acquireResultsLock(file, 'results.jsonl', host(1001))
    expect(owner(file).pid).toBe(1001)
    await lock.release()
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('refuses a lock from another host (its pid cannot be checked) and says how to clear it', async () => {
    const file = results()
    leaveLock(file, { pid: 42, host: 'elsewhere' })
    await expect(acquireResultsLock(file, 'results.jsonl', host(1001))).rejects.toThrow(
      'is being written by a mockint run on elsewhere (pid 42, started 2025-01-31 09:15:02 UTC); wait for it to finish, or delete results.jsonl.lock if that run is gone',
    )
  })

  it('waits for a lock being written (empty for a moment) and then respects it', async () => {
    const file = results()
    writeFileSync(`${file}.lock`, '')
    setTimeout(() => leaveLock(file, { pid: 1500 }), 120)
    await expect(acquireResultsLock(file, 'results.jsonl', host(1001))).rejects.toThrow(/pid 1500/)
  })

  it('takes over an unreadable lock once it is old (a crash between creating and writing it)', async () => {
    const file = results()
    writeFileSync(`${file}.lock`, '{"pid":')
    const past = new Date(Date.now() - 60_000)
    utimesSync(`${file}.lock`, past, past)
    const lock = await acquireResultsLock(file, 'results.jsonl', host(1001))
    expect(owner(file).pid).toBe(1001)
    await lock.release()
  })

  it('release leaves alone a lock that is no longer its own', async () => {
    const file = results()
    const lock = await acquireResultsLock(file, 'results.jsonl', host(1001))
    leaveLock(file, { pid: 1002, token: 'someone-else' })
    await lock.release()
    expect(owner(file).pid).toBe(1002)
    lock.releaseSync()
    expect(owner(file).pid).toBe(1002)
  })

  it('releaseSync removes its own lock (the exit hook after a second Ctrl+C)', async () => {
    const file = results()
    const lock = await acquireResultsLock(file, 'results.jsonl', host(1001))
    lock.releaseSync()
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('two runs finding the same stale lock: exactly one takes it over, the other is told who holds it', async () => {
    for (let round = 0; round < 25; round++) {
      const file = results()
      leaveLock(file, { pid: 42 })
      const runs = await Promise.allSettled([acquireResultsLock(file, 'r', host(1001)), acquireResultsLock(file, 'r', host(1002))])
      const won = runs.filter((r) => r.status === 'fulfilled')
      const lost = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect(String(lost[0]!.reason.message)).toContain(`pid ${owner(file).pid},`)
      expect(existsSync(`${file}.lock.takeover`)).toBe(false)
    }
  })

})
