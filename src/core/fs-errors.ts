/**
 * File-system failures that are the machine's doing, not mockint's: a full disk, a quota, a file-size limit,
 * a file or folder that may not be written. They stop a run with exit 2 and words, never "internal error".
 */
export interface FsProblem {
  code: string
  /** What happened, in words: "no space left on the device". */
  what: string
  /** What the user can do about it: "free some space". */
  fix: string
}

const PROBLEMS: Record<string, Omit<FsProblem, 'code'>> = {
  ENOSPC: { what: 'no space left on the device', fix: 'free some space' },
  EDQUOT: { what: 'the disk quota is used up', fix: 'free some space or raise the quota' },
  // A write past `ulimit -f` (or the file system's largest file) fails like a full disk: Node ignores SIGXFSZ.
  EFBIG: { what: 'the file size limit was reached', fix: 'raise the limit (ulimit -f)' },
  EACCES: { what: 'permission denied', fix: 'make it writable' },
  EPERM: { what: 'operation not permitted', fix: 'make it writable' },
  EROFS: { what: 'the file system is read-only', fix: 'make the file system writable' },
  EIO: { what: 'an input/output error (the disk or network file system failed)', fix: 'check the disk' },
}

/** The environment problem behind `e` (an fs error with one of the codes above), or undefined for anything else. */
export function fsProblem(e: unknown): FsProblem | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (typeof code !== 'string') return undefined
  const p = PROBLEMS[code]
  return p ? { code, ...p } : undefined
}
