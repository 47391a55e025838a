import { ftruncateSync, writeSync } from 'node:fs'
import { open, stat, truncate, type FileHandle } from 'node:fs/promises'
import { EnvironmentError, InputError } from '../errors.js'
import { fsProblem } from '../fs-errors.js'
import { readLines } from './input.js'
import type { ResultRecord } from './result.js'
import { createResultLines, resultLine } from './result-json.js'

export { resultLine }

/** Where results go: a file appended line by line, or a stream (stdout). */
export interface ResultSink {
  write(result: ResultRecord): Promise<void>
  close(): Promise<void>
  /**
   * How many results may wait for their write (the batch grader's `maxUnwritten`), when the sink holds them as
   * bytes rather than as records: unset, the concurrency bounds them.
   */
  readonly maxUnwritten?: number
}

/**
 * Results a results file holds as bytes waiting for the write of their group: about 1 MB (an offline result is
 * about 3 KB). Bounded by the concurrency (8), an offline batch, whose grades finish in the same turn of the
 * event loop, wrote groups of 8 lines: 100,000 results took 12,500 writes. With the input read 1 MB (some
 * 2,400 answers) at a time, this bound makes the groups: 385 writes of 0.8 MB on average, 1.2 MB at most.
 */
const RESULTS_FILE_MAX_UNWRITTEN = 256

export interface PreviousResults {
  /** Ids with a graded line (they are skipped). */
  graded: Set<string>
  /** Error lines found (their ids are graded again). */
  errorLines: number
  /** Bytes cut off a torn last line (a run killed mid-write). */
  tornBytes: number
}

/**
 * Reads an existing results file for `--resume`: every id with a `graded` line, in one streamed pass.
 * A torn last line (the previous run was killed while writing it) is cut off so the next append starts on
 * a fresh line. `onGraded` sees each graded record (for the summary). Lines that are not results are an
 * InputError naming the line: the file is not ours to overwrite.
 */
export async function readPreviousResults(
  file: string,
  shown: string,
  onGraded?: (r: ResultRecord) => void,
): Promise<PreviousResults> {
  const out: PreviousResults = { graded: new Set(), errorLines: 0, tornBytes: 0 }
  let size: number
  try {
    size = (await stat(file)).size
  } catch {
    return out
  }
  if (size === 0) return out
  // Find the last newline: anything after it is a torn write.
  const fh = await open(file, 'r')
  let keep = size
  try {
    const buf = Buffer.alloc(Math.min(size, 1 << 16))
    let end = size
    for (;;) {
      const start = Math.max(0, end - buf.length)
      const { bytesRead } = await fh.read(buf, 0, end - start, start)
      const idx = buf.subarray(0, bytesRead).lastIndexOf(10)
      if (idx >= 0) {
        keep = start + idx + 1
        break
      }
      if (start === 0) {
        keep = 0
        break
      }
      end = start
    }
  } finally {
    await fh.close()
  }
  if (keep < size) {
    out.tornBytes = size - keep
    await truncate(file, keep)
  }
  if (keep === 0) return out
  let line = 0
  for await (const text of readLines(file)) {
    line++
    if (text.trim() === '') continue
    let r: ResultRecord
    try {
      r = JSON.parse(text) as ResultRecord
    } catch {
      throw new InputError('is not a mockint results file (a line is not JSON); choose another --out', { file: shown, line })
    }
    if (typeof r?.id !== 'string' || (r.status !== 'graded' && r.status !== 'error'))
      throw new InputError('is not a mockint results file (a line has no "id" and "status"); choose another --out', { file: shown, line })
    if (r.status === 'graded') {
      if (!out.graded.has(r.id)) {
        out.graded.add(r.id)
        onGraded?.(r)
      }
    } else out.errorLines++
  }
  return out
}

/**
 * Opens `file` for appending results. The results written during one turn of the event loop go out
 * together in one write after it; each write holds whole lines, so a crash leaves at most a torn last line
 * (which `--resume` cuts), and a result's `write` resolves once its line is in the file. Refuses a non-empty
 * file unless resuming, so a second run never mixes its lines with an old one's.
 *
 * A write the machine refuses (full disk, quota, file-size limit, permissions: see `fsProblem`) cuts the
 * group it was writing, so the file still ends on a whole line, and rejects this and every later write with
 * an EnvironmentError that says what happened, how many results are safe and that `--resume` continues.
 * `opts.earlier` is the number of results an earlier run left in the file (for that count).
 *
 * Every `syncEveryBytes` (16 MB) written, the file is synced in the background, and `close` syncs it once
 * more: the sync at close then has only the last few MB to wait for.
 */
export async function openResultsFile(
  file: string,
  shown: string,
  opts: { resume: boolean; earlier?: number; /** Bytes between background syncs; tests set it small. */ syncEveryBytes?: number },
): Promise<ResultSink> {
  if (!opts.resume) {
    const size = await stat(file).then((s) => s.size, () => 0)
    if (size > 0)
      throw new InputError('already holds results; add --resume to continue that run, or choose another --out', { file: shown })
  }
  let fh: FileHandle
  try {
    fh = await open(file, 'a')
  } catch (e) {
    throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code})`, { file: shown })
  }
  // Bytes known to end on a whole line: where a failed write is cut back to.
  let size = (await fh.stat()).size
  let written = 0
  let failed: unknown
  // Group commit, once per turn of the event loop: the results that complete while the replies of one turn
  // are handled (at 64 calls in flight, often several) go out in one write, after that turn. Each write holds
  // whole lines only, and a result's promise settles only once its line is in the file (or the write failed),
  // so a result not yet acknowledged is all that a crash can lose, and --resume grades it again.
  let next: { lines: number; done: Promise<void>; settle(error?: unknown): void } | undefined
  let flushing: Promise<void> = Promise.resolve()
  // The lines of `next`, as bytes.
  const pending = createResultLines()
  // Dirty pages handed to the disk as the run goes, in the background: the sync at close then has only the
  // last few MB to wait for, not the whole file (300 MB for 100k results took ~0.3 s of idle at the end).
  const syncEvery = opts.syncEveryBytes ?? SYNC_EVERY_BYTES
  let unsynced = 0
  let syncing: Promise<void> | undefined
  const syncInBackground = () => {
    if (syncing || failed || unsynced < syncEvery) return
    unsynced = 0
    // Only an early start of the sync at close: a failure here is that sync's to meet (or not).
    syncing = fh.datasync().then(
      () => void (syncing = undefined),
      () => void (syncing = undefined),
    )
  }

  const flush = () => {
    const group = next!
    next = undefined
    const bytes = pending.take()
    if (failed) return group.settle(failed)
    const landed = writeAll(fh.fd, bytes)
    if (landed.error === undefined) {
      size += bytes.length
      written += group.lines
      unsynced += bytes.length
      syncInBackground()
      return group.settle()
    }
    // Part of the group may have landed (a write stops short at a size limit): keep its whole lines, cut
    // the torn one, so the file ends on a whole line.
    const whole = bytes.subarray(0, landed.bytes).lastIndexOf(10) + 1
    try {
      ftruncateSync(fh.fd, size + whole)
      size += whole
      written += countLines(bytes.subarray(0, whole))
    } catch {
      // The cut failed too: --resume cuts a torn last line.
    }
    failed = resultsWriteError(landed.error, shown, written, opts.earlier ?? 0)
    group.settle(failed)
  }

  return {
    maxUnwritten: RESULTS_FILE_MAX_UNWRITTEN,
    write(result) {
      pending.add(result)
      if (next) {
        next.lines++
        return next.done
      }
      let settle!: (error?: unknown) => void
      const done = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))))
      next = { lines: 1, done, settle }
      // Awaited by close(); a failure is reported to the writers through `done`.
      flushing = done.catch(() => undefined)
      setImmediate(flush)
      return done
    },
    async close() {
      await flushing
      await syncing
      await fh.sync().catch(() => undefined)
      await fh.close()
    },
  }
}

/** Bytes appended to a results file between two background syncs (see openResultsFile). */
const SYNC_EVERY_BYTES = 16 << 20

/**
 * Writes all of `bytes` at the end of the file open on `fd`: a write may take fewer bytes than given (it
 * stops at a file-size limit, or when the disk fills) without failing; the next one then reports why.
 * Returns how many bytes landed and, when not all did, the error that stopped it.
 */
function writeAll(fd: number, bytes: Buffer): { bytes: number; error?: unknown } {
  let offset = 0
  try {
    while (offset < bytes.length) {
      // Synchronous: a few KB into the page cache take microseconds, while FileHandle.write cost ~50 µs of
      // CPU each and was the largest self-time entry of a fast LLM batch (one write per result).
      const bytesWritten = writeSync(fd, bytes, offset, bytes.length - offset)
      if (bytesWritten <= 0) throw new Error(`a write to the results file took 0 of ${bytes.length - offset} bytes`)
      offset += bytesWritten
    }
    return { bytes: offset }
  } catch (error) {
    return { bytes: offset, error }
  }
}

function countLines(bytes: Buffer): number {
  let n = 0
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++
  return n
}

/** A refused write in words (exit 2); anything else is returned as it is (a bug, exit 4). */
function resultsWriteError(e: unknown, shown: string, written: number, earlier: number): unknown {
  const p = fsProblem(e)
  if (!p) return e
  const total = earlier + written
  const safe = `${total} result${total === 1 ? ' is' : 's are'} safely written there${earlier > 0 ? ` (${earlier} by an earlier run)` : ''}`
  return new EnvironmentError(`${p.what} while writing ${shown} (${p.code}); ${safe}. ${capitalise(p.fix)}, then run again with --resume to continue.`)
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/**
 * A sink writing JSONL to a stream (stdout when no --out). A write resolves when the stream has taken the
 * line, or, when the stream says its buffer is full (`write` returned false), once it drains: the batch
 * grader bounds results not yet written, so a slow reader (`| slow-consumer`) slows grading down instead
 * of letting output pile up in memory.
 */
export function streamSink(stream: { write(chunk: string): unknown; once?(event: 'drain', listener: () => void): unknown }): ResultSink {
  let drained: Promise<void> | undefined
  return {
    write(result) {
      if (stream.write(resultLine(result)) !== false || !stream.once) return drained ?? Promise.resolve()
      drained ??= new Promise<void>((resolve) =>
        stream.once!('drain', () => {
          drained = undefined
          resolve()
        }),
      )
      return drained
    },
    async close() {
      await drained
    },
  }
}
