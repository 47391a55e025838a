import { stat } from 'node:fs/promises'
import { InputError } from '../errors.js'
import { fileKind, unreadableMessage } from '../file-access.js'
import { readCsv } from './input-csv.js'
import { readLineGroups, readOrderedLineGroups, type ReadInputOptions } from './input-lines.js'
import { readJsonArray, readYamlList } from './input-whole.js'
import type { LocatedValue } from './record.js'
import { questionLineKey } from './question-key.js'

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

/** The records of an input file, one by one or a group (the lines of one chunk read) at a time. */
export interface InputRecords extends AsyncIterable<LocatedValue> {
  /**
   * The same records in groups, for a consumer that handles most records without waiting: one step of an
   * async generator per group instead of one per record for each layer. A JSONL line is parsed only when
   * its record is taken (records parsed a chunk ahead would outlive young-generation collections); take
   * every record of a group before asking for the next group.
   */
  groups(): AsyncIterable<Iterable<LocatedValue>>
}

/**
 * Reads the records of an input file with the line each starts on. JSONL and CSV are streamed (memory stays
 * flat whatever the size); JSON and YAML are read whole. Iterate it again for a second pass.
 * A record that cannot be parsed is yielded with `error` (so validation reports it with the others);
 * a file that cannot be read at all, or whose top level is not a list, throws InputError.
 */
export function readInput(file: string, format: InputFormat, shown = file, opts: ReadInputOptions = {}): InputRecords {
  const groups = () => readInputGroups(file, format, shown, opts)
  return {
    groups,
    async *[Symbol.asyncIterator]() {
      for await (const group of groups()) yield* group
    },
  }
}

/** The groups of `records` when it has them ({@link InputRecords}), else each record a group of its own. */
export function recordGroups(records: AsyncIterable<LocatedValue>): AsyncIterable<Iterable<LocatedValue>> {
  if ('groups' in records && typeof records.groups === 'function') return (records as InputRecords).groups()
  return (async function* () {
    for await (const located of records) yield [located]
  })()
}

async function* readInputGroups(file: string, format: InputFormat, shown: string, opts: ReadInputOptions): AsyncGenerator<Iterable<LocatedValue>> {
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
  if (format === 'jsonl') {
    yield* readJsonlGroups(file, opts)
    return
  }
  const records = format === 'csv' ? readCsv(file, opts) : format === 'json' ? readJsonArray(file, shown, opts) : readYamlList(file, shown, opts)
  if (opts.byQuestion) {
    // A JSON or YAML file is in memory already; CSV rows held in a window longer than this outlived young-generation
    // collections (as JSONL records did: windows of 512 records peaked at 184 MB for 100k answers, 256 at 147).
    yield* groupedByQuestion(records, format === 'csv' ? CSV_WINDOW : Infinity)
    return
  }
  for await (const located of records) yield [located]
}

/** CSV rows grouped by question at a time (see {@link groupedByQuestion}). */
const CSV_WINDOW = 256

/** What a parsed record is graded against, as far as ordering goes: its `question_id`, else its `question`. */
function questionOf(located: LocatedValue): unknown {
  const v = located.value as { question_id?: unknown; question?: unknown } | null | undefined
  if (typeof v !== 'object' || v === null) return undefined
  return typeof v.question_id === 'string' ? `id:${v.question_id}` : typeof v.question === 'string' ? `q:${v.question}` : undefined
}

/** The records in windows of `size`, each window one group, its records grouped by question (file order within one). */
async function* groupedByQuestion(records: AsyncIterable<LocatedValue>, size: number): AsyncGenerator<Iterable<LocatedValue>> {
  let window = new Map<unknown, LocatedValue[]>()
  let held = 0
  const flush = (): LocatedValue[] => {
    const out: LocatedValue[] = []
    for (const group of window.values()) for (const located of group) out.push(located)
    window = new Map()
    held = 0
    return out
  }
  for await (const located of records) {
    const key = questionOf(located)
    const group = window.get(key)
    if (group === undefined) window.set(key, [located])
    else group.push(located)
    if (++held >= size) yield flush()
  }
  if (held > 0) yield flush()
}

async function* readJsonlGroups(file: string, opts: ReadInputOptions): AsyncGenerator<Iterable<LocatedValue>> {
  // Not readline: its async iterator queues up to 1,024 lines ahead of the consumer, long enough for them
  // to outlive two young-generation collections and be promoted, which grows the heap of a long run.
  function parsed(line: number, raw: string): LocatedValue | undefined {
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw
    if (text.trim() === '') return undefined
    try {
      return { line, value: JSON.parse(text) as unknown }
    } catch (e) {
      return { line, error: `not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, '')}); each line must be one JSON object` }
    }
  }
  if (opts.byQuestion) {
    for await (const lines of readOrderedLineGroups(file, questionLineKey, opts.onInvalidUtf8))
      yield (function* () {
        for (const { line, text } of lines) {
          const located = parsed(line, text)
          if (located) yield located
        }
      })()
    return
  }
  let line = 0
  for await (const lines of readLineGroups(file, opts.onInvalidUtf8))
    yield (function* () {
      for (const raw of lines) {
        const located = parsed(++line, raw)
        if (located) yield located
      }
    })()
}
