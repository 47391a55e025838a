import { isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'

export interface ReadInputOptions {
  /**
   * Called with the 1-based line of every line that holds bytes that are not UTF-8, as the file is read.
   * Those bytes are read as U+FFFD (�) either way; this lets the caller say so.
   */
  onInvalidUtf8?(line: number): void
  /**
   * Hand the records over grouped by question (in file order within a question), not in file order: a JSONL
   * file block by block (see {@link readOrderedLineGroups}), a CSV file a window of rows at a time, a JSON or
   * YAML file (read whole) at once. Each record keeps its line.
   */
  byQuestion?: boolean
}

/**
 * The lines of a text file, read a chunk at a time as the consumer asks for them (no read-ahead queue).
 * Lines are split on bytes and decoded whole, so `onInvalidUtf8` can name the line that holds bad bytes.
 */
export async function* readLines(file: string, onInvalidUtf8?: (line: number) => void): AsyncGenerator<string> {
  for await (const lines of readLineGroups(file, onInvalidUtf8)) yield* lines
}

/**
 * Bytes read at a time; a buffer grown for a longer line goes back to this size once that line is read. Each
 * read is a trip through libuv's thread pool: checking 100k answers (42 MB) took 0.2 s less in 1 MB reads
 * than in 64 KB ones. The buffer is outside the heap and read into again and again.
 */
const CHUNK_BYTES = 1 << 20

/** The bytes of the lines that end in one read: `buffer[0, end)`, the first line numbered `line`. */
interface Block {
  buffer: Buffer
  end: number
  line: number
}

/**
 * The file read `chunkBytes` at a time into one buffer, used again for every read, as blocks of whole lines (a
 * last line without a line feed is a block of its own). The buffer's bytes change at the next step: a consumer
 * is done with a block before it asks for the next.
 */
async function* readBlocks(file: string, chunkBytes: number): AsyncGenerator<Block> {
  let buffer = spare?.length === chunkBytes ? spare : Buffer.allocUnsafe(chunkBytes)
  spare = undefined
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
      // Searched within the bytes read: past them lie the bytes of earlier reads, or a megabyte never written.
      const read = buffer.subarray(0, last + 1)
      let lines = 0
      for (let nl = read.indexOf(10, kept); nl !== -1; nl = read.indexOf(10, nl + 1)) lines++
      yield { buffer, end: last + 1, line }
      line += lines
      // The start of the next line goes to the front, into a buffer of the usual size again after a long line.
      kept = end - (last + 1)
      if (buffer.length > chunkBytes && kept < chunkBytes) {
        const usual = Buffer.allocUnsafe(chunkBytes)
        buffer.copy(usual, 0, last + 1, end)
        buffer = usual
      } else buffer.copy(buffer, 0, last + 1, end)
    }
    if (kept > 0) yield { buffer, end: kept, line }
  } finally {
    await fh.close()
    // Its lines are all taken (or no longer wanted): the next read uses it.
    if (buffer.length === chunkBytes) spare = buffer
  }
}

/**
 * The buffer of the last read that ended, for the next one: `grade` reads its input twice (the check, then
 * the grading), and a second megabyte outside the heap would wait for a full collection to be freed.
 */
let spare: Buffer | undefined

/** The text of the line at `buffer[start, end)` (its line feed excluded, a carriage return before it dropped). */
function decodeLine(buffer: Buffer, start: number, end: number, line: number, onInvalidUtf8?: (line: number) => void): string {
  // A line feed is never part of a multi-byte sequence, so a line's bytes are valid or not on their own.
  if (end > start && buffer[end - 1] === 13) end--
  if (onInvalidUtf8 && !isUtf8(buffer.subarray(start, end))) onInvalidUtf8(line)
  return buffer.toString('utf8', start, end)
}

/** Where each line of a block starts, and its end (the line feed, or the block's end for a last line without one). */
function* lineSpans(block: Block): Generator<[number, number]> {
  const { end } = block
  const buffer = block.buffer.subarray(0, end)
  let start = 0
  for (let nl = buffer.indexOf(10, start); nl !== -1; nl = buffer.indexOf(10, start)) {
    yield [start, nl]
    start = nl + 1
  }
  if (start < end) yield [start, end]
}

/**
 * {@link readLines} a chunk (1 MB) at a time: the lines that end in each chunk read, so that a consumer
 * going through a large file line by line pays for one step of an async generator per chunk, not per line.
 * A line is decoded only when the consumer takes it: the strings of a whole chunk decoded at once would sit
 * in the heap while the records before them are graded, long enough to be promoted to the old generation.
 *
 * The file is read into one buffer, used again for every chunk (a new buffer per chunk, alive while
 * its lines are graded, was promoted with them and piled up as external memory until a full collection):
 * take every line of a group before asking for the next group.
 */
export async function* readLineGroups(file: string, onInvalidUtf8?: (line: number) => void): AsyncGenerator<Iterable<string>> {
  for await (const block of readBlocks(file, CHUNK_BYTES))
    yield (function* () {
      let line = block.line
      for (const [start, end] of lineSpans(block)) yield decodeLine(block.buffer, start, end, line++, onInvalidUtf8)
    })()
}

/** A line of a file and its 1-based number. */
export interface NumberedLine {
  line: number
  text: string
}

/** How {@link readOrderedLineGroups} orders the lines of a block: a number for a line's bytes, `buffer[start, end)`. */
export type LineKey = (buffer: Buffer, start: number, end: number) => number

/** Bytes read at a time by {@link readOrderedLineGroups}: the lines it may reorder. */
export const ORDERED_BLOCK_BYTES = CHUNK_BYTES
const INDEX_RANGE = 2 ** 24
const KEY_MASK = 2 ** 29 - 1

/**
 * The lines of a file in blocks of about {@link ORDERED_BLOCK_BYTES}, each block's lines handed over in the
 * order of their `key` (file order among equal keys), each with its line number. Decoded as they are taken,
 * like {@link readLineGroups}: take every line of a group before asking for the next.
 */
export async function* readOrderedLineGroups(file: string, key: LineKey, onInvalidUtf8?: (line: number) => void): AsyncGenerator<Iterable<NumberedLine>> {
  const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b)
  let starts = new Int32Array(1024)
  let ends = new Int32Array(1024)
  let order = new Float64Array(1024)
  for await (const block of readBlocks(file, ORDERED_BLOCK_BYTES)) {
    let n = 0
    for (const [start, end] of lineSpans(block)) {
      if (n === starts.length) {
        starts = grow(starts, new Int32Array(n * 2))
        ends = grow(ends, new Int32Array(n * 2))
        order = grow(order, new Float64Array(n * 2))
      }
      starts[n] = start
      ends[n] = end
      // The key (29 bits) above the line's index in the block, so that one numeric sort (exact below 2^53) orders
      // by key and keeps file order among equal keys.
      order[n] = (key(block.buffer, start, end) & KEY_MASK) * INDEX_RANGE + n
      n++
    }
    // A block of more lines than the index can hold (a buffer grown for a huge line, and millions of empty ones
    // with it) keeps file order.
    const sorted = n < INDEX_RANGE ? order.subarray(0, n).sort() : order.subarray(0, n)
    yield (function* () {
      for (let k = 0; k < n; k++) {
        const i = n < INDEX_RANGE ? sorted[k]! % INDEX_RANGE : k
        const line = block.line + i
        yield { line, text: decodeLine(block.buffer, starts[i]!, ends[i]!, line, onInvalidUtf8) }
      }
    })()
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
