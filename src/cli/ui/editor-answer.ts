import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Lang } from '../../core/i18n.js'
import { cliMessages } from '../messages/index.js'

const HEADER_MARK = '# ----- mockint: write your answer below this line; lines above it are ignored -----'

/** The file handed to the editor: the question as a comment header, then room for the answer. */
export function editorTemplate(prompt: string, budget: string, lang: Lang): string {
  const t = cliMessages(lang).editor
  const lines = [
    `# ${t.header(budget)}`,
    ...prompt.split('\n').map((l) => `#   ${l}`),
    '#',
    `# ${t.submit}`,
    HEADER_MARK,
    '',
  ]
  return lines.join('\n')
}

/** What the candidate wrote: everything after the header mark (or every non-`#` line if it was removed). */
export function parseEditorAnswer(text: string): string {
  const i = text.indexOf(HEADER_MARK)
  const body = i >= 0 ? text.slice(i + HEADER_MARK.length) : text.split('\n').filter((l) => !l.startsWith('#')).join('\n')
  return body.replace(/^\s*\n/, '').trimEnd()
}

/** The editor to answer in: the variable that named it, its value, and the command and arguments. */
export interface EditorCommand {
  variable: 'VISUAL' | 'EDITOR'
  value: string
  argv: string[]
}

/** `$VISUAL`, else `$EDITOR`, split into command and arguments (e.g. `code --wait`); null when neither is set. */
export function editorCommand(env: Record<string, string | undefined>): EditorCommand | null {
  const variable = env.VISUAL ? 'VISUAL' : 'EDITOR'
  const value = (env[variable] || '').trim()
  return value ? { variable, value, argv: value.split(/\s+/) } : null
}

/** The editor could not be started at all (no such command, not executable): `code` is the spawn error's. */
export class EditorStartError extends Error {
  constructor(readonly code: string) {
    super(`cannot start the editor (${code})`)
    this.name = 'EditorStartError'
  }
}

/**
 * Opens the editor on a temp file and returns the answer written (empty when nothing was). Rejects with
 * EditorStartError when the editor cannot be started.
 */
export async function editInEditor(cmd: string[], prompt: string, budget: string, lang: Lang): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mockint-answer-'))
  const file = join(dir, 'answer.md')
  writeFileSync(file, editorTemplate(prompt, budget, lang))
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd[0]!, [...cmd.slice(1), file], { stdio: 'inherit' })
      child.on('error', (e: NodeJS.ErrnoException) => reject(new EditorStartError(e.code ?? 'unknown error')))
      child.on('exit', () => resolve())
    })
    return parseEditorAnswer(readFileSync(file, 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
