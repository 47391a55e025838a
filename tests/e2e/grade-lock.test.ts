import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { writeAnswers } from '../helpers/answers.js'
import { unconfiguredEnv } from '../helpers/openai-setup.js'
import { BIN, mockint, spawnAsync, type SpawnResult } from '../helpers/spawn.js'

let srv: FakeOpenAI
beforeAll(async () => {
  // A slow judge: a run holds the results file for seconds, long enough for a second one to collide.
  srv = await startFakeOpenAI({ profile: { delayMs: 250 } })
})
afterAll(() => srv.close())

const env = (home: string) => unconfiguredEnv(home)
const gradeArgs = (file: string, out: string) => ['grade', file, '--out', out, '--resume', '--concurrency', '2', '--no-cache', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini']
/** For tests that need no slow judge. */
const offlineArgs = (file: string, out: string) => ['grade', file, '--out', out, '--resume', '--judge', 'offline']

/** Starts the binary; `done` resolves with its exit and output. */
function start(args: string[], envs: Record<string, string | undefined>): { child: ChildProcess; done: Promise<SpawnResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...envs }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const done = new Promise<SpawnResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
  return { child, done }
}

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function results(out: string): { id: string; status: string }[] {
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string })
}

/** The pid of a process that has exited: what a crashed run leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((r) => child.on('close', r))
  return child.pid!
}

describe('mockint grade: one writer per results file (built binary)', () => {
  it('two runs started together on one --out: one grades, the other exits 2 naming the file and the pid; each id graded once', async () => {
    const dir = tempDir()
    const { file, ids } = writeAnswers(dir, 12)
    const out = join(dir, 'results.jsonl')
    const requests = srv.chatRequests().length
    const a = start(gradeArgs(file, out), env(dir))
    const b = start(gradeArgs(file, out), env(dir))
    const [ra, rb] = await Promise.all([a.done, b.done])
    const [winner, loser, winnerPid] = ra.code === 0 ? [ra, rb, a.child.pid] : [rb, ra, b.child.pid]
    expect(winner.code, winner.stderr).toBe(0)
    expect(loser.code, loser.stderr).toBe(2)
    expect(loser.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(loser.stderr.trimEnd()).toMatch(
      new RegExp(`^mockint: ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is being written by another mockint run \\(pid ${winnerPid}, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC; lock .*results\\.jsonl\\.lock\\); wait for it to finish or choose another --out$`),
    )
    const rs = results(out)
    expect(rs.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(rs.every((r) => r.status === 'graded')).toBe(true)
    // Each id was sent to the judge exactly once: the second run graded nothing.
    expect(srv.chatRequests().length - requests).toBe(ids.length)
    expect(existsSync(`${out}.lock`), 'the lock is removed on a normal exit').toBe(false)
  })

  it('a second run started while the first grades exits 2 at once; the first finishes; a third run resumes with nothing to do', async () => {
    const dir = tempDir()
    const { file, ids } = writeAnswers(dir, 24)
    const out = join(dir, 'results.jsonl')
    const requests = srv.chatRequests().length
    const a = start(gradeArgs(file, out), env(dir))
    // The lock is taken before anything is read or graded: 24 answers at 250 ms, 2 at a time, are still ahead.
    await waitFor('the first run to take the lock', () => existsSync(`${out}.lock`))
    const b = await mockint(gradeArgs(file, out), { env: env(dir) })
    expect(b.code, b.stderr).toBe(2)
    expect(b.stderr).toContain(`is being written by another mockint run (pid ${a.child.pid}, started `)
    const ra = await a.done
    expect(ra.code, ra.stderr).toBe(0)
    expect(results(out).map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(srv.chatRequests().length - requests).toBe(ids.length)
    const c = await mockint(gradeArgs(file, out), { env: env(dir) })
    expect(c.code, c.stderr).toBe(0)
    expect(c.stderr).toMatch(/resuming .*: 24 of 24 already graded/)
    expect(srv.chatRequests().length - requests).toBe(ids.length)
  })

  it('a lock left by a crashed run (its pid has exited) is taken over, not left stuck', async () => {
    const dir = tempDir()
    const { file, ids } = writeAnswers(dir, 3)
    const out = join(dir, 'results.jsonl')
    const pid = await deadPid()
    writeFileSync(`${out}.lock`, JSON.stringify({ pid, host: hostname(), started_at: '2020-01-01T00:00:00.000Z', token: 'crashed' }) + '\n')
    const r = await mockint(offlineArgs(file, out), { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(results(out).map((x) => x.id).sort()).toEqual([...ids].sort())
    expect(existsSync(`${out}.lock`)).toBe(false)
  })

  it('a lock file left empty by a crash between creating and writing it is taken over once it is old', async () => {
    const dir = tempDir()
    const { file } = writeAnswers(dir, 2)
    const out = join(dir, 'results.jsonl')
    writeFileSync(`${out}.lock`, '')
    const past = new Date(Date.now() - 60_000)
    utimesSync(`${out}.lock`, past, past)
    const r = await mockint(offlineArgs(file, out), { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(`${out}.lock`)).toBe(false)
  })

  it('a kill -9 leaves the lock behind; the next run takes it over and finishes the job', async () => {
    const dir = tempDir()
    const { file, ids } = writeAnswers(dir, 10)
    const out = join(dir, 'results.jsonl')
    const a = start(gradeArgs(file, out), env(dir))
    await waitFor('the first run to write a result', () => existsSync(out) && readFileSync(out, 'utf8').includes('\n'))
    a.child.kill('SIGKILL')
    await a.done
    expect(existsSync(`${out}.lock`), 'kill -9 runs no exit handler').toBe(true)
    const r = await mockint(gradeArgs(file, out), { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    const graded = results(out).filter((x) => x.status === 'graded').map((x) => x.id)
    expect(graded.sort()).toEqual([...ids].sort())
    expect(existsSync(`${out}.lock`)).toBe(false)
  })

  for (const presses of [1, 2])
    it(`Ctrl+C ${presses === 1 ? 'once (save and exit 130)' : 'twice (leave at once)'} removes the lock`, async () => {
      const dir = tempDir()
      const { file } = writeAnswers(dir, 20)
      const out = join(dir, 'results.jsonl')
      const a = start(gradeArgs(file, out), env(dir))
      await waitFor('the lock', () => existsSync(`${out}.lock`))
      await waitFor('the first result', () => existsSync(out) && readFileSync(out, 'utf8').includes('\n'))
      // Both presses while the run is still grading: with a pause between them, the first press alone could
      // finish the run and the second land while the process is already exiting (its handlers torn down).
      for (let i = 0; i < presses; i++) a.child.kill('SIGINT')
      const r = await a.done
      expect(r.code, r.stderr).toBe(130)
      expect(existsSync(`${out}.lock`)).toBe(false)
    })

  it('a run that stops on an error (a results file that is not ours) removes the lock', async () => {
    const dir = tempDir()
    const { file } = writeAnswers(dir, 2)
    const out = join(dir, 'results.jsonl')
    writeFileSync(out, 'not json\n')
    const r = await mockint(offlineArgs(file, out), { env: env(dir) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/is not a mockint results file/)
    expect(existsSync(`${out}.lock`)).toBe(false)
  })

  it('--out /dev/null takes no lock (a device, not a results file)', async () => {
    const dir = tempDir()
    const { file } = writeAnswers(dir, 1)
    const r = await spawnAsync(process.execPath, [BIN, 'grade', file, '--out', '/dev/null', '--judge', 'offline'], { env: env(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync('/dev/null.lock')).toBe(false)
  })
})
