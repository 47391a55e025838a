import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../errors.js'
import { pendingDrafts } from './drafts.js'
import { SessionEventSchema, type SessionEvent, type SessionEventOf } from './events.js'

/** Where session files live: `<home>/sessions`. */
export function sessionsDir(home: string): string {
  return join(home, 'sessions')
}

/**
 * Whether `id` can name a session: what `createSessionId` makes (digits, lower-case letters and `-`,
 * starting with a letter or digit, at most 64 characters). Never a path: no separator, no dot.
 */
export function isSessionId(id: string): boolean {
  return /^[0-9a-z][0-9a-z-]{0,63}$/.test(id)
}

/**
 * The file of session `id`: `<home>/sessions/<id>.jsonl`. Every id that becomes a path goes through here.
 * Throws `InputError` (exit 2) when `id` is not a session id (see `isSessionId`), so an id can never reach
 * a file outside the sessions folder.
 */
export function sessionPath(home: string, id: string): string {
  if (!isSessionId(id))
    throw new InputError(
      `${JSON.stringify(id)} is not a session id: an id is a name like 20261125-081502-a3f (digits, lower-case letters and "-"), not a path; \`mockint history\` lists them`,
    )
  return join(sessionsDir(home), `${id}.jsonl`)
}

/** A session id from a date: `20261125-081502-a3f`, sortable by time. */
export function createSessionId(date: Date, random: () => number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const stamp = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`
  const tail = Math.floor(random() * 36 ** 3)
    .toString(36)
    .padStart(3, '0')
  return `${stamp}-${tail}`
}

/** Appends events to one session file. Each append is written and fsynced before it returns. */
export interface SessionStore {
  readonly id: string
  readonly path: string
  append(event: SessionEvent): void
  close(): void
}

/**
 * Opens (creating if needed) `<home>/sessions/<id>.jsonl` for appending. Every event is one line, written
 * synchronously and fsynced, so a crash or a second Ctrl+C loses nothing already given. When the file's
 * last line was cut by a crash (no newline at the end), a newline is written first: the fragment stays
 * on its own line (skipped when read) and no new event is glued to it. Throws `InputError` for an id
 * that is not a session id.
 */
export function openSessionStore(home: string, id: string): SessionStore {
  const path = sessionPath(home, id)
  mkdirSync(sessionsDir(home), { recursive: true })
  const fd = openSync(path, 'a+')
  let open = true
  const sync = () => {
    try {
      fsyncSync(fd)
    } catch {
      // Some filesystems (tmpfs on CI, pipes) refuse fsync; the synchronous write already reached the OS.
    }
  }
  try {
    if (!endsWithNewline(fd)) {
      writeSync(fd, '\n')
      sync()
    }
  } catch (e) {
    closeSync(fd)
    throw e
  }
  return {
    id,
    path,
    append(event) {
      if (!open) throw new Error(`session store ${id} is closed`)
      writeSync(fd, JSON.stringify(event) + '\n')
      sync()
    },
    close() {
      if (open) closeSync(fd)
      open = false
    },
  }
}

/** Whether the file open on `fd` is empty or ends with a newline. */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size
  if (size === 0) return true
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  return last[0] === 0x0a
}

export interface LoadedSession {
  id: string
  path: string
  events: SessionEvent[]
  /** `file:line: what is wrong` for every line that was skipped. */
  warnings: string[]
}

/** Parses the text of a session file. A corrupt or unknown line is skipped with a warning, never thrown. */
export function parseSessionText(text: string, path: string): { events: SessionEvent[]; warnings: string[] } {
  const events: SessionEvent[] = []
  const warnings: string[] = []
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      // A torn last line is what an interrupted write leaves; say so plainly.
      warnings.push(`${path}:${i + 1}: skipped a line that is not valid JSON${i >= lines.length - 2 ? ' (probably cut off by a crash)' : ''}`)
      return
    }
    const r = SessionEventSchema.safeParse(value)
    if (!r.success) {
      const issue = r.error.issues[0]
      warnings.push(`${path}:${i + 1}: skipped a line that is not a session event (${issue?.path.join('.') || 'type'}: ${issue?.message})`)
      return
    }
    events.push(r.data)
  })
  return { events, warnings }
}

/** Reads one session file; returns null when it does not exist (nor can: ENOTDIR). */
export function loadSession(home: string, id: string): LoadedSession | null {
  const path = sessionPath(home, id)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    // ENOTDIR: the data folder is under a file, so no session can be there either.
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw e
  }
  return { id, path, ...parseSessionText(text, path) }
}

/** Ids of every session on disk, oldest first (ids sort by time; ties by modification time). */
export function listSessionIds(home: string): string[] {
  let names: string[]
  try {
    names = readdirSync(sessionsDir(home))
  } catch {
    return []
  }
  // A file whose name is not an id is not a session (and could not be opened by its id).
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .filter(isSessionId)
    .sort((a, b) => (a === b ? 0 : a < b ? -1 : 1) || mtime(home, a) - mtime(home, b))
}

function mtime(home: string, id: string): number {
  try {
    return statSync(sessionPath(home, id)).mtimeMs
  } catch {
    return 0
  }
}

export function startEvent(events: SessionEvent[]): SessionEventOf<'session_start'> | undefined {
  return events.find((e): e is SessionEventOf<'session_start'> => e.type === 'session_start')
}

/** A session is finished when it has a `session_end` line. */
export function isFinished(events: SessionEvent[]): boolean {
  return events.some((e) => e.type === 'session_end')
}

/** Keys of answers that have no grade on record (never graded, or the judge failed). */
export function ungradedKeys(events: SessionEvent[]): string[] {
  const graded = new Set(events.filter((e) => e.type === 'grade').map((e) => (e as SessionEventOf<'grade'>).key))
  return [...new Set(events.filter((e) => e.type === 'answer').map((e) => (e as SessionEventOf<'answer'>).key))].filter((k) => !graded.has(k))
}

/**
 * A session is worth resuming when it has no `session_end`, an answer still lacks a grade, or a draft
 * saved on `/quit` (or Ctrl+C) waits to be finished.
 */
export function needsResume(events: SessionEvent[]): boolean {
  return !isFinished(events) || ungradedKeys(events).length > 0 || pendingDrafts(events).size > 0
}

/** The latest session that needs resuming (see `needsResume`), or undefined. */
export function latestUnfinished(home: string): string | undefined {
  const ids = listSessionIds(home)
  for (let i = ids.length - 1; i >= 0; i--) {
    const s = loadSession(home, ids[i]!)
    if (s && startEvent(s.events) && needsResume(s.events)) return s.id
  }
  return undefined
}
