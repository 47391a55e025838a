import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { InputError } from './errors.js'
import { fsProblem } from './fs-errors.js'

/**
 * Checks, without creating or changing anything, that `path` can be written as an output file: it is not a
 * folder, its folder exists, and the file (or, for a new file, its folder) is writable. Commands call it for
 * every output path before the first paid step, so a typo costs nothing.
 *
 * @param path absolute path
 * @param shown the path as the user wrote it (messages name it)
 * @param flag the flag that named it, e.g. `--report` (messages say which flag to change)
 * @param example a file name to suggest when `path` is a folder, e.g. `report.html`
 * @throws InputError naming `shown`, what is wrong and what to do (exit 2)
 */
export async function checkOutputPath(path: string, shown: string, flag: string, example: string): Promise<void> {
  const fail = (message: string): never => {
    throw new InputError(message, { file: shown })
  }
  const existing = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    if (e.code === 'ENOTDIR') return fail(`cannot be written: part of the path is a file, not a folder; choose another ${flag}`)
    return fail(`cannot be written (${describe(e)}); choose another ${flag}`)
  })
  if (existing?.isDirectory())
    return fail(`is a folder; give ${flag} a file name, e.g. ${joinShown(shown, example)}`)
  if (existing) {
    await access(path, constants.W_OK).catch((e: NodeJS.ErrnoException) =>
      fail(`cannot be written (${describe(e)}); make it writable or choose another ${flag}`),
    )
    return
  }
  const dir = dirname(path)
  const dirShown = dirname(shown)
  const folder = await stat(dir).catch(() => undefined)
  if (!folder) return fail(`cannot be written: the folder ${dirShown} does not exist; create it (mkdir -p ${dirShown}) or choose another ${flag}`)
  if (!folder.isDirectory()) return fail(`cannot be written: ${dirShown} is a file, not a folder; choose another ${flag}`)
  await access(dir, constants.W_OK).catch((e: NodeJS.ErrnoException) =>
    fail(`cannot be created in ${dirShown} (${describe(e)}); choose another ${flag}`),
  )
}

function describe(e: NodeJS.ErrnoException): string {
  return fsProblem(e)?.what ?? e.code ?? e.message
}

function joinShown(folder: string, file: string): string {
  return folder.endsWith('/') ? `${folder}${basename(file)}` : `${folder}/${basename(file)}`
}
