import { open } from 'node:fs/promises'
import { parseCsvHeader, type InputFormat } from './input.js'

/** A format chosen from the content, with the reason in words (for messages). */
export interface SniffedFormat {
  format: InputFormat
  reason: string
}

/** Bytes read from the start of an input to choose its format. */
export const SNIFF_BYTES = 64 * 1024

/** A first line that YAML reads as a list item, a key, a comment, a directive or a document start. */
const YAML_FIRST_LINE = /^(?:-(?:\s|$)|#|%|---|["']?[\p{L}\p{N}_. -]+["']?\s*:(?:\s|$))/u

/**
 * Chooses the format of an input from its first bytes (for stdin, which has no file extension). The rule,
 * in order, on the first non-blank content (a byte-order mark skipped):
 * 1. `[` → a JSON array; `{` → JSONL (one object a line); nothing at all → JSONL (no records).
 * 2. A first line that is a CSV header naming the record columns (`id`, `answer`, `question_id`/`question`,
 *    any case) → CSV.
 * 3. A first line that reads as YAML (`- …`, `key: …`, `#`, `---`) → YAML.
 * 4. A first line with commas, semicolons or tabs → CSV (its header check then says what is missing);
 *    anything else → YAML (whose check says that a list is expected).
 * Pure; never throws.
 */
export function sniffInputFormat(head: string): SniffedFormat {
  const text = head.replace(/^\uFEFF/, '')
  const first = /\S/.exec(text)?.[0]
  if (first === undefined) return { format: 'jsonl', reason: 'it is empty' }
  if (first === '[') return { format: 'json', reason: 'it starts with "["' }
  if (first === '{') return { format: 'jsonl', reason: 'it starts with "{"' }
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')!
  const header = parseCsvHeader(splitCsvLine(line))
  if ('columns' in header) return { format: 'csv', reason: 'its first line is a CSV header with the record columns' }
  if (YAML_FIRST_LINE.test(line.trimStart())) return { format: 'yaml', reason: 'its first line reads as YAML' }
  if (/[,;\t]/.test(line)) return { format: 'csv', reason: 'its first line is separated by commas, semicolons or tabs' }
  return { format: 'yaml', reason: 'it is neither JSON nor CSV' }
}

/** The cells of one CSV line: comma-separated, `"…"` quoting with `""` for a quote. Enough for a header. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') cells.push(cell), (cell = '')
    else cell += ch
  }
  cells.push(cell)
  return cells
}

/**
 * Chooses the format of the input file `file` from its first {@link SNIFF_BYTES} bytes (see
 * {@link sniffInputFormat}). Throws what `open`/`read` throw.
 */
export async function sniffInputFile(file: string): Promise<SniffedFormat> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0)
    return sniffInputFormat(buf.toString('utf8', 0, bytesRead))
  } finally {
    await fh.close()
  }
}
