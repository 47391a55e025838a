import { isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'

export interface ReadInputOptions {
  /**
   * Called with the 1-based line of every line that holds bytes that are not UTF-8, as the file is read.
   * Those bytes are read as U+FFFD (�) either way; this lets the caller say so.
   */
  onInvalidUtf8?(line: number): void
}

/**
 * The lines of a text file, read a chunk at a time as the consumer asks for them (no read-ahead queue).
 * Lines are split on bytes and decoded whole, so `onInvalidUtf8` can name the line that holds bad bytes.
 */
export async function* readLines(file: string, onInvalidUtf8?: (line: number) => void): AsyncGenerator<string> {
  for await (const lines of readLineGroups(file, onInvalidUtf8)) yield* lines
}

/** Bytes read at a time; a buffer grown for a longer line goes back to this size once that line is read. */
const CHUNK_BYTES = 1 << 16

/**
 * {@link readLines} a chunk (64 KB) at a time: the lines that end in each chunk read, so that a consumer
 * going through a large file line by line pays for one step of an async generator per chunk, not per line.
 * A line is decoded only when the consumer takes it: the strings of a whole chunk decoded at once would sit
 * in the heap while the records before them are graded, long enough to be promoted to the old generation.
 *
 * The file is read into one buffer, used again for every chunk (a new 64 KB buffer per chunk, alive while
 * its lines are graded, was promoted with them and piled up as external memory until a full collection):
 * take every line of a group before asking for the next group.
 */
export async function* readLineGroups(file: string, onInvalidUtf8?: (line: number) => void): AsyncGenerator<Iterable<string>> {
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  const decode = (start: number, end: number, line: number): string => {
    // A line feed is never part of a multi-byte sequence, so a line's bytes are valid or not on their own.
    if (end > start && buffer[end - 1] === 13) end--
    if (onInvalidUtf8 && !isUtf8(buffer.subarray(start, end))) onInvalidUtf8(line)
    return buffer.toString('utf8', start, end)
  }
  // The lines that end in buffer[from, to), the first starting at `from` and numbered `line`.
  function* linesOf(from: number, to: number, line: number): Generator<string> {
    let start = from
    for (let nl = buffer.indexOf(10, start); nl !== -1 && nl < to; nl = buffer.indexOf(10, start)) {
      yield decode(start, nl, line++)
      start = nl + 1
    }
  }
  const fh = await open(file, 'r')
  try {
    let line = 1
    // buffer[0, kept) holds the start of a line that has not ended yet (no line feed).
    let kept = 0
    for (;;) {
      if (kept === buffer.length) {
        // A line longer than the buffer: room for more of it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, kept)
        buffer = bigger
      }
      const { bytesRead } = await fh.read(buffer, kept, buffer.length - kept, null)
      if (bytesRead === 0) break
      const end = kept + bytesRead
      const last = buffer.lastIndexOf(10, end - 1)
      if (last < kept) {
        kept = end
        continue
      }
      let lines = 0
      for (let nl = buffer.indexOf(10, kept); nl !== -1 && nl <= last; nl = buffer.indexOf(10, nl + 1)) lines++
      yield linesOf(0, last + 1, line)
      line += lines
      // The start of the next line goes to the front, into a buffer of the usual size again after a long line.
      kept = end - (last + 1)
      if (buffer.length > CHUNK_BYTES && kept < CHUNK_BYTES) {
        const usual = Buffer.allocUnsafe(CHUNK_BYTES)
        buffer.copy(usual, 0, last + 1, end)
        buffer = usual
      } else buffer.copy(buffer, 0, last + 1, end)
    }
    if (kept > 0) yield [decode(0, kept, line)]
  } finally {
    await fh.close()
  }
}

/**
 * Watches bytes go by (in chunks, as read) and calls `onInvalid` with each 1-based line that holds bytes
 * that are not UTF-8. For streams handed whole to a parser (CSV), where {@link readLines} cannot be used.
 */
export function createUtf8LineCheck(onInvalid: (line: number) => void): { push(chunk: Buffer): void; end(): void } {
  let line = 1
  let carry: Buffer[] = []
  const check = (bytes: Buffer) => {
    if (!isUtf8(bytes)) onInvalid(line)
    line++
  }
  return {
    push(chunk) {
      let start = 0
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        const part = chunk.subarray(start, nl)
        check(carry.length ? Buffer.concat([...carry, part]) : part)
        carry = []
        start = nl + 1
      }
      if (start < chunk.length) carry.push(chunk.subarray(start))
    },
    end() {
      if (carry.length) check(Buffer.concat(carry))
      carry = []
    },
  }
}
