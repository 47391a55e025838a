import { isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'

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

/**
 * {@link readLines} a chunk (64 KB) at a time: the lines that end in each chunk read, so that a consumer
 * going through a large file line by line pays for one step of an async generator per chunk, not per line.
 * A line is decoded only when the consumer takes it: the strings of a whole chunk decoded at once would sit
 * in the heap while the records before them are graded, long enough to be promoted to the old generation.
 */
export async function* readLineGroups(file: string, onInvalidUtf8?: (line: number) => void): AsyncGenerator<Iterable<string>> {
  const decode = (bytes: Buffer, start: number, end: number, line: number): string => {
    // A line feed is never part of a multi-byte sequence, so a line's bytes are valid or not on their own.
    if (end > start && bytes[end - 1] === 13) end--
    if (onInvalidUtf8 && !isUtf8(bytes.subarray(start, end))) onInvalidUtf8(line)
    return bytes.toString('utf8', start, end)
  }
  // The lines of `chunk` that end at `ends`, the first numbered `line`; `first` is the first line's bytes
  // when it began in earlier chunks.
  function* linesOf(chunk: Buffer, ends: number[], line: number, first: Buffer | undefined): Generator<string> {
    let start = 0
    for (let i = 0; i < ends.length; i++) {
      yield i === 0 && first ? decode(first, 0, first.length, line) : decode(chunk, start, ends[i]!, line + i)
      start = ends[i]! + 1
    }
  }
  let line = 1
  // The bytes of a line that runs over chunks, joined once when its end arrives.
  let carry: Buffer[] = []
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const ends: number[] = []
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) ends.push(nl)
    if (ends.length === 0) {
      carry.push(chunk)
      continue
    }
    const first = carry.length ? Buffer.concat([...carry, chunk.subarray(0, ends[0])]) : undefined
    carry = []
    const last = ends[ends.length - 1]! + 1
    if (last < chunk.length) carry.push(chunk.subarray(last))
    yield linesOf(chunk, ends, line, first)
    line += ends.length
  }
  if (carry.length) {
    const joined = Buffer.concat(carry)
    yield [decode(joined, 0, joined.length, line)]
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
