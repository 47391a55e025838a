import { isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { InputError } from '../errors.js'
import { fileKind, readRegularFile, unreadableMessage } from '../file-access.js'
import { RECORD_FIELDS as FIELDS, type LocatedValue } from './record.js'

export const INPUT_FORMATS = ['jsonl', 'csv', 'json', 'yaml'] as const
export type InputFormat = (typeof INPUT_FORMATS)[number]

/** `.json` and `.yaml` inputs are read whole; past this size, use JSONL or CSV (streamed). */
export const MAX_WHOLE_FILE_BYTES = 200 * 1024 * 1024

/** The format of an input file by its extension, or undefined when the extension is not one we read. */
export function inputFormat(file: string): InputFormat | undefined {
  const m = /\.([a-z]+)$/i.exec(file)
  const ext = m?.[1]?.toLowerCase()
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl'
  if (ext === 'csv') return 'csv'
  if (ext === 'json') return 'json'
  if (ext === 'yaml' || ext === 'yml') return 'yaml'
  return undefined
}

export interface ReadInputOptions {
  /**
   * Called with the 1-based line of every line that holds bytes that are not UTF-8, as the file is read.
   * Those bytes are read as U+FFFD (�) either way; this lets the caller say so.
   */
  onInvalidUtf8?(line: number): void
}

/**
 * Reads the records of an input file with the line each starts on. JSONL and CSV are streamed (memory stays
 * flat whatever the size); JSON and YAML are read whole. Call it again for a second pass.
 * A record that cannot be parsed is yielded with `error` (so validation reports it with the others);
 * a file that cannot be read at all, or whose top level is not a list, throws InputError.
 */
export async function* readInput(
  file: string,
  format: InputFormat,
  shown = file,
  opts: ReadInputOptions = {},
): AsyncGenerator<LocatedValue> {
  let st
  try {
    st = await stat(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(code === 'ENOENT' ? 'no such file; check the path' : unreadableMessage(code ?? 'EIO', 'file'), { file: shown })
  }
  // A FIFO or a device would block or never end, and the input is read twice (check, then grade).
  if (!st.isFile())
    throw new InputError(`is ${fileKind(st)}, not a file; save the answers to a file, or pipe them into \`mockint grade -\``, { file: shown })
  if (format === 'jsonl') yield* readJsonl(file, opts)
  else if (format === 'csv') yield* readCsv(file, opts)
  else if (format === 'json') yield* readJsonArray(file, shown, opts)
  else yield* readYamlList(file, shown, opts)
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

async function* readJsonl(file: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  // Not readline: its async iterator queues up to 1,024 lines ahead of the consumer, long enough for them
  // to outlive two young-generation collections and be promoted, which grows the heap of a long run.
  let line = 0
  for await (const raw of readLines(file, opts.onInvalidUtf8)) {
    line++
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw
    if (text.trim() === '') continue
    try {
      yield { line, value: JSON.parse(text) as unknown }
    } catch (e) {
      yield { line, error: `not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, '')}); each line must be one JSON object` }
    }
  }
}

async function* readCsv(file: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  // Loaded only for CSV input, so the commands that never read CSV do not pay for it at startup.
  const { parse: parseCsv } = await import('csv-parse')
  const bytes = createReadStream(file)
  if (opts.onInvalidUtf8) {
    const utf8 = createUtf8LineCheck(opts.onInvalidUtf8)
    bytes.on('data', (chunk) => utf8.push(chunk as Buffer)).on('end', () => utf8.end())
  }
  const columns = (header: string[]): string[] => {
    const h = parseCsvHeader(header)
    if ('error' in h) throw new CsvHeaderError(h.error)
    return h.columns
  }
  const parser = bytes.pipe(parseCsv({ columns, bom: true, skip_empty_lines: true, info: true, trim: false }))
  let prevEnd = 1
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // csv-parse reports the line a record ends on; a record starts right after the previous one.
      const line = Math.min(prevEnd + 1, item.info.lines)
      prevEnd = item.info.lines
      const value: Record<string, string> = {}
      // An empty cell is an absent value (a CSV cannot say null).
      for (const [k, v] of Object.entries(item.record)) if (v !== '') value[k] = v
      yield { line, value }
    }
  } catch (e) {
    // A bad header is one problem, on the header's line; no row is read after it (each would fail alike).
    if (e instanceof CsvHeaderError) {
      yield { line: 1, error: e.message }
      return
    }
    const err = e as Error & { lines?: number; code?: string }
    yield { line: err.lines ?? prevEnd + 1, error: `CSV: ${err.message.replace(/^Invalid Record Length: /, '')}` }
  }
}

class CsvHeaderError extends Error {}

/** The fields of an input record: a CSV header may spell them in any case, with spaces around. */
const RECORD_FIELDS: ReadonlySet<string> = new Set(FIELDS)
/** Header names quoted in full in a message; the rest are counted. */
const HEADER_NAMES_SHOWN = 8

/**
 * The column names of a CSV header row: trimmed, and a record field in any case (`ID`, ` Answer `) named as
 * the field (`id`, `answer`); other columns keep their name (they are ignored). Returns an error message
 * instead when a field's column appears twice or `id`, `answer` or a question column is missing, naming
 * what the header holds (and the separator it seems to use when that is not a comma).
 */
export function parseCsvHeader(header: readonly string[]): { columns: string[] } | { error: string } {
  const names = header.map((h) => h.trim())
  const columns = names.map((n) => (RECORD_FIELDS.has(n.toLowerCase()) ? n.toLowerCase() : n))
  const first = new Map<string, number>()
  for (const [i, c] of columns.entries()) {
    if (!RECORD_FIELDS.has(c)) continue
    const j = first.get(c)
    if (j === undefined) {
      first.set(c, i)
      continue
    }
    const spelt = names[j] === names[i] ? '' : ` ("${names[j]}" and "${names[i]}"; names match in any case)`
    return { error: `the CSV header names "${c}" twice: columns ${j + 1} and ${i + 1}${spelt}; keep one` }
  }
  const missing = [
    ...(['id', 'answer'] as const).filter((f) => !first.has(f)).map((f) => `"${f}"`),
    ...(first.has('question_id') || first.has('question') ? [] : ['"question_id"/"question"']),
  ]
  if (missing.length === 0) return { columns }
  const found =
    names.length === 0 || (names.length === 1 && names[0] === '')
      ? 'it is empty'
      : `it has ${names.length} column${names.length === 1 ? '' : 's'}: ${names
          .slice(0, HEADER_NAMES_SHOWN)
          .map((n) => `"${n}"`)
          .join(', ')}${names.length > HEADER_NAMES_SHOWN ? `, and ${names.length - HEADER_NAMES_SHOWN} more` : ''}`
  const text = header.join(',')
  const separator = text.includes(';') ? '";"' : text.includes('\t') ? 'a tab' : undefined
  const fix = separator
    ? `the separator looks like ${separator}, but mockint reads comma-separated CSV: save the file again with "," as the separator`
    : 'name the columns id, answer, and question_id or question (any letter case; other columns are ignored)'
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} or ${missing.at(-1)}`
  return { error: `the CSV header has no column ${list} (${found}); ${fix}` }
}

async function readWhole(file: string, shown: string, opts: ReadInputOptions): Promise<string> {
  const read = await readRegularFile(file, MAX_WHOLE_FILE_BYTES)
  if (!read.ok) {
    const f = read.failure
    if (f.kind === 'too-large')
      throw new InputError(
        `${(f.size / 1024 / 1024).toFixed(0)} MB is too large to read whole; convert it to .jsonl (one record a line), which is streamed`,
        { file: shown },
      )
    if (f.kind === 'missing') throw new InputError('no such file; check the path', { file: shown })
    if (f.kind === 'not-regular') throw new InputError(`is ${f.what}, not a file; save the answers to a file`, { file: shown })
    throw new InputError(unreadableMessage(f.code, 'file'), { file: shown })
  }
  const bytes = read.bytes
  if (opts.onInvalidUtf8 && !isUtf8(bytes)) {
    const utf8 = createUtf8LineCheck(opts.onInvalidUtf8)
    utf8.push(bytes)
    utf8.end()
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '')
}

async function* readJsonArray(file: string, shown: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  const text = await readWhole(file, shown, opts)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const msg = (e as Error).message
    const pos = /position (\d+)/.exec(msg)
    const line = pos ? lineAt(text, Number(pos[1])) : 1
    throw new InputError(`not valid JSON (${msg}); a .json input is one array of records`, { file: shown, line })
  }
  if (!Array.isArray(value))
    throw new InputError('a .json input must be an array of records ([{"id": …, "answer": …}, …])', { file: shown, line: 1 })
  const lines = arrayElementLines(text)
  for (let i = 0; i < value.length; i++) yield { line: lines[i] ?? 1, value: value[i] }
}

async function* readYamlList(file: string, shown: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  const text = await readWhole(file, shown, opts)
  // The YAML parser loads only for YAML input: a JSONL batch does not pay for it at start-up.
  const [{ isSeq }, { composeYaml }] = await Promise.all([import('yaml'), import('../yaml-file.js')])
  const composed = composeYaml(text, shown)
  if (!composed.ok) {
    const first = composed.issues[0]!
    throw new InputError(first.message, { file: shown, line: first.line })
  }
  const { doc, lineCounter: lc, value } = composed
  if (!Array.isArray(value) || !isSeq(doc.contents))
    throw new InputError('a .yaml input must be a list of records (- id: …\\n  answer: …)', { file: shown, line: 1 })
  const items = doc.contents.items
  for (let i = 0; i < value.length; i++) {
    const range = (items[i] as { range?: [number, number] } | undefined)?.range
    yield { line: range ? lc.linePos(range[0]).line : 1, value: value[i] }
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** Lines on which the elements of a top-level JSON array start (one linear scan, strings respected). */
export function arrayElementLines(text: string): number[] {
  const out: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let expectValue = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) line++
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped char (never a newline in valid JSON)
      else if (c === 34) inString = false
      continue
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue
    if (depth === 1 && expectValue && c !== 93) {
      out.push(line)
      expectValue = false
    }
    if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth === 1 && c === 91) expectValue = true
    } else if (c === 93 || c === 125) depth--
    else if (c === 44 && depth === 1) expectValue = true
  }
  return out
}
