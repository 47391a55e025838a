import { stat } from 'node:fs/promises'
import { InputError } from '../errors.js'
import { fileKind, unreadableMessage } from '../file-access.js'
import { readCsv } from './input-csv.js'
import { readLineGroups, type ReadInputOptions } from './input-lines.js'
import { readJsonArray, readYamlList } from './input-whole.js'
import type { LocatedValue } from './record.js'

export { parseCsvHeader } from './input-csv.js'
export { createUtf8LineCheck, readLines, type ReadInputOptions } from './input-lines.js'
export { arrayElementLines, MAX_WHOLE_FILE_BYTES } from './input-whole.js'

export const INPUT_FORMATS = ['jsonl', 'csv', 'json', 'yaml'] as const
export type InputFormat = (typeof INPUT_FORMATS)[number]

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

async function* readJsonl(file: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  // Not readline: its async iterator queues up to 1,024 lines ahead of the consumer, long enough for them
  // to outlive two young-generation collections and be promoted, which grows the heap of a long run.
  let line = 0
  for await (const lines of readLineGroups(file, opts.onInvalidUtf8))
    for (const raw of lines) {
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
