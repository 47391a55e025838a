import type { Stats } from 'node:fs'
import { constants } from 'node:fs'
import { access, open, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fsProblem } from './fs-errors.js'

/** Why a file could not be read whole; see {@link readRegularFile}. */
export type ReadFailure =
  /** The path does not exist (ENOENT). */
  | { kind: 'missing' }
  /** The path is a folder, a FIFO, a device or a socket: reading it could block or never end. */
  | { kind: 'not-regular'; what: string }
  /** More than the cap; `size` is what stat said, or the bytes read when stat could not know. */
  | { kind: 'too-large'; size: number }
  /** Any other error from the file system (`code` such as ELOOP or EACCES). */
  | { kind: 'error'; code: string }

/**
 * Reads a regular file whole, at most `maxBytes` of it. A folder, FIFO, device or socket is refused after
 * a `stat` and before any read (`/dev/zero` never ends and a FIFO blocks), and the read stops one byte past
 * the cap whatever the file's size said (a file may grow while it is read, and some report size 0).
 * Never throws for a file-system reason: it returns why.
 */
export async function readRegularFile(
  file: string,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; failure: ReadFailure }> {
  let st: Stats
  try {
    st = await stat(file)
  } catch (e) {
    return { ok: false, failure: fsFailure(e) }
  }
  if (!st.isFile()) return { ok: false, failure: { kind: 'not-regular', what: fileKind(st) } }
  if (st.size > maxBytes) return { ok: false, failure: { kind: 'too-large', size: st.size } }
  let fh
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait for a writer.
    fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    return { ok: false, failure: fsFailure(e) }
  }
  try {
    const held = await fh.stat()
    if (!held.isFile()) return { ok: false, failure: { kind: 'not-regular', what: fileKind(held) } }
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const want = Math.min(Math.max(held.size + 1 - total, 64 * 1024), maxBytes + 1 - total)
      const buf = Buffer.allocUnsafe(want)
      const { bytesRead } = await fh.read(buf, 0, want, null)
      if (bytesRead === 0) break
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead))
      total += bytesRead
      if (total > maxBytes) return { ok: false, failure: { kind: 'too-large', size: Math.max(held.size, total) } }
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) }
  } catch (e) {
    return { ok: false, failure: fsFailure(e) }
  } finally {
    await fh.close().catch(() => undefined)
  }
}

/** What a non-regular path is, for messages: "a folder", "a FIFO (named pipe)", "a character device", … */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * A plain-words reason for a file-system error code, for the codes a user's environment causes (those of
 * `fsProblem`, plus a symlink loop and a file in the middle of a path), or undefined for the others.
 */
export function fsCodeReason(code: string | undefined): string | undefined {
  if (code === 'ELOOP') return 'a symlink loop: a link points back to itself'
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder'
  return fsProblem({ code })?.what
}

/** `(ELOOP: a symlink loop: …)`, or `(EIO)` for a code without a plain-words reason. */
export function fsCodeNote(code: string | undefined): string {
  const reason = fsCodeReason(code)
  return reason ? `(${code}: ${reason})` : `(${code ?? 'unknown error'})`
}

/**
 * Why `dir` could not be created or written, without creating anything: the nearest existing ancestor
 * must be a folder this process may write to. Returns undefined when it can (or the answer is unknowable
 * until a write is tried), else the error code (ENOTDIR, EACCES, EROFS, …).
 */
export async function unwritableFolder(dir: string): Promise<string | undefined> {
  for (let p = dir; ; ) {
    try {
      const st = await stat(p)
      if (!st.isDirectory()) return 'ENOTDIR'
      await access(p, constants.W_OK)
      return undefined
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') return code ?? 'EIO'
      const parent = dirname(p)
      if (parent === p) return undefined
      p = parent
    }
  }
}

function fsFailure(e: unknown): ReadFailure {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return { kind: 'missing' }
  if (code === 'EISDIR') return { kind: 'not-regular', what: 'a folder' }
  return { kind: 'error', code: code ?? 'EIO' }
}

/** Files larger than this are refused before parsing: a bank file is a few kilobytes. */
export const MAX_YAML_BYTES = 2 * 1024 * 1024

/** The message for a file that exists but cannot be read, saying what to do. */
export function unreadableMessage(code: string, what: 'file' | 'file or folder'): string {
  if (code === 'ELOOP') return `is a symlink loop (ELOOP: a link points back to itself); point at the real ${what}`
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${fsCodeNote(code)}; make it readable, or point at a copy you can read`
  return `cannot read ${fsCodeNote(code)}`
}
