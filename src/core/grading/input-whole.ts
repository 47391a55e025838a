import { isUtf8 } from 'node:buffer'
import { InputError } from '../errors.js'
import { readRegularFile, unreadableMessage } from '../file-access.js'
import { createUtf8LineCheck, type ReadInputOptions } from './input-lines.js'
import type { LocatedValue } from './record.js'

/** `.json` and `.yaml` inputs are read whole; past this size, use JSONL or CSV (streamed). */
export const MAX_WHOLE_FILE_BYTES = 200 * 1024 * 1024

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

/** Reads a `.json` input: one array of records, each with the line its element starts on. */
export async function* readJsonArray(file: string, shown: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
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

/** Reads a `.yaml` input: one list of records, each with the line its item starts on. */
export async function* readYamlList(file: string, shown: string, opts: ReadInputOptions): AsyncGenerator<LocatedValue> {
  const text = await readWhole(file, shown, opts)
  // The YAML parser loads only for YAML input: a JSONL batch does not pay for it at start-up. `isSeq` comes
  // through yaml-file.ts, which imports the parser statically: the bundle gives `import('yaml')` of that
  // CommonJS package a default export only.
  const { composeYaml, isSeq } = await import('../yaml-file.js')
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
