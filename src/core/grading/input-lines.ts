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
  let line = 0
  const decode = (bytes: Buffer): string => {
    line++
    // A line feed is never part of a multi-byte sequence, so a line's bytes are valid or not on their own.
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length
    if (onInvalidUtf8 && !isUtf8(bytes)) onInvalidUtf8(line)
    return bytes.toString('utf8', 0, end)
  }
  // The bytes of a line that runs over chunks, joined once when its end arrives.
  let carry: Buffer[] = []
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl)
      yield decode(carry.length ? Buffer.concat([...carry, part]) : part)
      carry = []
      start = nl + 1
    }
    if (start < chunk.length) carry.push(chunk.subarray(start))
  }
  if (carry.length) yield decode(Buffer.concat(carry))
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
