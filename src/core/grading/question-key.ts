/**
 * A key of a JSONL record's question read from the line's bytes, without parsing it: an FNV-1a hash of the raw
 * value of its `"question_id"`, else of its `"question"` (a free-text record), else 0. Grading reads a block of
 * lines in this order (see input-lines.ts's readOrderedLineGroups): the offline judge grades the answers to one
 * question one after another, with that question's compiled model still in the processor's caches. A key only
 * orders lines (each line is parsed as JSON afterwards, whatever its key): a line it misreads is graded the same,
 * in another place.
 */
export function questionLineKey(buffer: Buffer, start: number, end: number): number {
  const line = buffer.subarray(start, end)
  let at = line.indexOf(QUESTION_ID)
  if (at >= 0) at += QUESTION_ID.length
  else {
    at = line.indexOf(QUESTION)
    if (at < 0) return 0
    at += QUESTION.length
  }
  // `"question_id"` can only be a key: inside a JSON string its quotes would be escaped. Then `:` and a string.
  while (at < line.length && isBlank(line[at]!)) at++
  if (line[at++] !== COLON) return 0
  while (at < line.length && isBlank(line[at]!)) at++
  if (line[at++] !== QUOTE) return 0
  let h = 0x811c9dc5
  for (; at < line.length; at++) {
    const b = line[at]!
    if (b === QUOTE) return h >>> 0
    // An escape: the byte after the backslash is part of the value, never its end.
    if (b === BACKSLASH && at + 1 < line.length) h = Math.imul(h ^ line[++at]!, 0x01000193)
    h = Math.imul(h ^ b, 0x01000193)
  }
  return 0
}

const QUESTION_ID = Buffer.from('"question_id"')
const QUESTION = Buffer.from('"question"')
const COLON = 0x3a
const QUOTE = 0x22
const BACKSLASH = 0x5c
const isBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a
