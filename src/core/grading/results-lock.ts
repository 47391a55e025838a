import { randomUUID } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { open, readFile, stat, unlink } from 'node:fs/promises'
import { EnvironmentError } from '../errors.js'
import { fsProblem } from '../fs-errors.js'
import { sleep } from '../sleep.js'

/** What a lock file holds: who writes the results file, since when. */
export interface LockOwner {
  pid: number
  host: string
  started_at: string
  /** Tells this run's lock from a later one with the same pid (tests run many grades in one process). */
  token: string
}

/** The process taking the lock, as the cli sees it. */
export interface LockHost {
  pid: number
  hostname: string
  /** Whether a process with this pid runs on this machine. */
  isAlive(pid: number): boolean
  now(): number
}

export interface ResultsLock {
  /** The lock file (`<results>.lock`). */
  path: string
  /** Removes the lock if it is still this run's. Safe to call more than once. */
  release(): Promise<void>
  /** The same, synchronously: for the process `exit` event (a second Ctrl+C exits at once). */
  releaseSync(): void
}

/** A lock file that cannot be read as a LockOwner for this long is debris (a crash between create and write). */
const UNREADABLE_STALE_MS = 5_000
/** The takeover guard is held for a read and an unlink; one older than this was left by a crash. */
const GUARD_STALE_MS = 10_000
/** Past this, something keeps the lock from being taken or taken over (a file that will not go away): say so. */
const GIVE_UP_MS = 30_000

/**
 * Takes the lock that makes a run the only writer of `file`: `<file>.lock`, created with O_EXCL and holding
 * the pid, host and start time. A lock whose process is gone (a crashed or killed run) is taken over; one
 * held by a live process (or by a process on another host, which cannot be checked) is refused.
 *
 * Taking over is guarded by `<file>.lock.takeover` (also O_EXCL), so two runs that find the same stale lock
 * cannot both remove it and then each believe they hold a fresh one.
 *
 * @param shown the results file as the user wrote it (messages name it)
 * @throws EnvironmentError when another live run holds the lock (naming its pid) or the lock cannot be written
 */
export async function acquireResultsLock(file: string, shown: string, host: LockHost): Promise<ResultsLock> {
  const path = `${file}.lock`
  const shownLock = `${shown}.lock`
  const owner: LockOwner = { pid: host.pid, host: host.hostname, started_at: new Date(host.now()).toISOString(), token: randomUUID() }
  const body = JSON.stringify(owner) + '\n'
  const started = host.now()
  const waitUntil = started + UNREADABLE_STALE_MS
  for (;;) {
    if (host.now() - started > GIVE_UP_MS)
      throw new EnvironmentError(`could not take the lock ${shownLock}; if no mockint run is writing ${shown}, delete it and run again`, { file: shown })
    if (await createExclusive(path, body, shownLock)) return lockHandle(path, owner.token)
    const seen = await readOwner(path, shownLock)
    if (seen === 'gone') continue
    if (seen === 'unreadable') {
      // Either a run is between creating the file and writing its pid (microseconds), or one crashed there.
      const age = await stat(path).then((s) => host.now() - s.mtimeMs, () => 0)
      if (age < UNREADABLE_STALE_MS && host.now() < waitUntil) {
        await sleep(50)
        continue
      }
    } else if (seen.host !== host.hostname) {
      throw new EnvironmentError(
        `is being written by a mockint run on ${seen.host} (pid ${seen.pid}, started ${when(seen.started_at)}); wait for it to finish, or delete ${shownLock} if that run is gone`,
        { file: shown },
      )
    } else if (host.isAlive(seen.pid)) {
      throw new EnvironmentError(
        `is being written by another mockint run (pid ${seen.pid}, started ${when(seen.started_at)}; lock ${shownLock}); wait for it to finish or choose another --out`,
        { file: shown },
      )
    }
    await removeStale(path, shownLock, seen, host)
  }
}

/** Creates the lock file with O_EXCL and writes `body`; false when it already exists. */
async function createExclusive(path: string, body: string, shownLock: string): Promise<boolean> {
  let fh
  try {
    fh = await open(path, 'wx')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw lockFileError(e, 'create', shownLock)
  }
  try {
    await fh.writeFile(body)
    await fh.close()
    return true
  } catch (e) {
    await fh.close().catch(() => undefined)
    await unlink(path).catch(() => undefined)
    throw lockFileError(e, 'create', shownLock)
  }
}

/** An fs failure on the lock file in words (exit 2); anything else is returned as it is (a bug). */
function lockFileError(e: unknown, verb: 'create' | 'read' | 'remove', shownLock: string): unknown {
  const p = fsProblem(e)
  if (!p) return e
  return new EnvironmentError(`cannot ${verb} the lock file (${p.what}, ${p.code}); ${p.fix}, or choose another --out`, { file: shownLock })
}

async function readOwner(path: string, shownLock: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw lockFileError(e, 'read', shownLock)
  }
  return parseOwner(text) ?? 'unreadable'
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>
    if (typeof o?.pid === 'number' && typeof o.host === 'string' && typeof o.started_at === 'string' && typeof o.token === 'string')
      return o as LockOwner
  } catch {}
  return undefined
}

/**
 * Removes a stale lock under the takeover guard, after reading it again: between our first read and now
 * another run may have taken it over already, and its fresh lock must not be removed.
 */
async function removeStale(path: string, shownLock: string, seen: LockOwner | 'unreadable', host: LockHost): Promise<void> {
  const guard = `${path}.takeover`
  let fh
  try {
    fh = await open(guard, 'wx')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw lockFileError(e, 'remove', shownLock)
    const age = await stat(guard).then((s) => host.now() - s.mtimeMs, () => 0)
    if (age > GUARD_STALE_MS) await unlink(guard).catch(() => undefined)
    else await sleep(20)
    return
  }
  try {
    const now = await readOwner(path, shownLock)
    const same = now === 'unreadable' ? seen === 'unreadable' : now !== 'gone' && seen !== 'unreadable' && now.token === seen.token
    if (same)
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw lockFileError(e, 'remove', shownLock)
      })
  } finally {
    await fh.close().catch(() => undefined)
    await unlink(guard).catch(() => undefined)
  }
}

function lockHandle(path: string, token: string): ResultsLock {
  let released = false
  return {
    path,
    async release() {
      if (released) return
      const text = await readFile(path, 'utf8').catch(() => undefined)
      if (text !== undefined && parseOwner(text)?.token === token) await unlink(path).catch(() => undefined)
      // Only now: until the file is gone, releaseSync (the exit hook) must still be able to remove it.
      released = true
    },
    releaseSync() {
      if (released) return
      released = true
      try {
        if (parseOwner(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path)
      } catch {}
    },
  }
}

/** `2025-01-31T09:15:02.123Z` → `2025-01-31 09:15:02 UTC`. */
function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
}
