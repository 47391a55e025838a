import { createReadStream } from 'node:fs'
import { createUtf8LineCheck, type ReadInputOptions } from './input-lines.js'
import { RECORD_FIELDS as FIELDS, type LocatedValue } from './record.js'

/** Reads a CSV input record by record (streamed), each with the line it starts on. */
export async function* readCsv(file: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
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
