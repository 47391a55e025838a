import { createWriteStream } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { LazyBank } from '../../core/bank/lazy.js'
import { InputError } from '../../core/errors.js'
import { inputFormat, readInput, type InputFormat } from '../../core/grading/input.js'
import { sniffInputFile } from '../../core/grading/input-format.js'
import type { ResolveDefaults } from '../../core/grading/record.js'
import { checkInput, type InputCheck } from '../../core/grading/validate.js'
import type { Lang } from '../../core/lang.js'
import { escapeControlChars } from '../../core/text/control.js'
import type { CliDeps } from '../deps.js'
import { cliMessages } from '../messages/index.js'
import type { GradeOptions } from './options.js'

/** Lines with invalid UTF-8 named one by one; the rest are counted. */
const MAX_UTF8_WARNINGS = 5

const FORMAT_NAMES: Record<InputFormat, string> = { jsonl: 'JSONL', json: 'a JSON array', csv: 'CSV', yaml: 'YAML' }

/** The input to grade as a file on disk, the name shown for it and how to read it. */
export interface GradeInputFile {
  path: string
  shown: string
  format: InputFormat
  /** A temp folder holding spooled stdin, to remove when done. */
  tmp?: string
}

/**
 * Where the input is and how to read it: a file by `--input-format` or its extension; stdin (`-`) spooled
 * to a temp file, read as `--input-format` or as its content looks (said on stderr unless JSONL).
 */
export async function openGradeInput(deps: CliDeps, file: string, opts: GradeOptions): Promise<GradeInputFile> {
  if (file === '-') {
    const tmp = await mkdtemp(join(tmpdir(), 'mockint-stdin-'))
    const path = join(tmp, 'stdin.jsonl')
    // Spooled to disk, not memory: the input is read twice (validate, then grade) and may be large.
    await pipeline(deps.stdin, createWriteStream(path))
    if (opts.inputFormat) return { path, shown: 'stdin', format: opts.inputFormat, tmp }
    // No extension to go by: the content says which format it is, and the person is told how it was read.
    const sniffed = await sniffInputFile(path)
    if (sniffed.format !== 'jsonl') deps.stderr.write(`mockint: reading stdin as ${FORMAT_NAMES[sniffed.format]} (${sniffed.reason}; --input-format to choose)\n`)
    return { path, shown: 'stdin', format: sniffed.format, tmp }
  }
  const format = opts.inputFormat ?? inputFormat(file)
  if (!format)
    throw new InputError(
      `unknown input format "${extname(file) || '(no extension)'}"; use .jsonl, .json, .yaml, .yml or .csv, or say which with --input-format <jsonl|json|csv|yaml>`,
      { file },
    )
  return { path: resolve(deps.cwd, file), shown: file, format }
}

/**
 * When an input read with an explicit --input-format fails and its content looks like another format:
 * what it looks like and the flag to use. Empty when the content agrees with the flag (the problems are
 * then in the records themselves) or cannot be read again.
 */
async function formatHint(path: string, shown: string, format: InputFormat): Promise<string> {
  const sniffed = await sniffInputFile(path).catch(() => undefined)
  if (!sniffed || sniffed.format === format) return ''
  return `${shown} was read as ${FORMAT_NAMES[format]} (--input-format ${format}) but looks like ${FORMAT_NAMES[sniffed.format]} (${sniffed.reason}): use --input-format ${sniffed.format}, or leave the flag out to detect it`
}

/**
 * Pass 1: validates every record before anything is spent. Lines with invalid UTF-8 are named on stderr
 * (grading goes on); problems are printed and `undefined` returned (the command exits 2).
 */
export async function validateGradeInput(
  deps: CliDeps,
  input: GradeInputFile,
  opts: GradeOptions,
  bank: LazyBank,
  defaults: ResolveDefaults,
  lang: Lang,
): Promise<InputCheck | undefined> {
  const { path, shown, format } = input
  const t = cliMessages(lang).grade
  const invalidUtf8: number[] = []
  let invalidUtf8Count = 0
  const onInvalidUtf8 = (line: number) => {
    if (invalidUtf8Count++ < MAX_UTF8_WARNINGS) invalidUtf8.push(line)
  }
  let check: InputCheck
  try {
    check = await checkInput(readInput(path, format, shown, { onInvalidUtf8 }), bank, defaults)
  } catch (e) {
    const hint = e instanceof InputError && opts.inputFormat ? await formatHint(path, shown, format) : ''
    throw hint ? new InputError(`${e instanceof Error ? e.message : e}; ${hint}`, (e as InputError).where) : e
  }
  // Bad bytes are read as U+FFFD and grading goes on; the person learns which lines lost text.
  for (const line of invalidUtf8) deps.stderr.write(escapeControlChars(`${shown}:${line}: ${t.invalidUtf8Line}`) + '\n')
  if (invalidUtf8Count > 0) deps.stderr.write(`mockint: ${escapeControlChars(t.invalidUtf8(invalidUtf8Count, invalidUtf8Count - invalidUtf8.length, shown))}\n`)
  if (check.problemCount === 0) return check
  // The `file:line:` problem lines stay English (grep-able); the closing note follows --lang.
  // Messages quote the input (ids, question ids, the bytes of a broken line): shown, never obeyed.
  for (const p of check.problems) deps.stderr.write(escapeControlChars(`${shown}:${p.line}: ${p.message}`) + '\n')
  deps.stderr.write(`mockint: ${t.problems(check.problemCount, check.problemCount - check.problems.length, shown)}\n`)
  const hint = opts.inputFormat ? await formatHint(path, shown, format) : ''
  if (hint) deps.stderr.write(`mockint: ${escapeControlChars(hint)}\n`)
  return undefined
}
