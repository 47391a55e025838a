import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { formatWhere, MockintError, type ErrorKind } from '../core/errors.js'
import { escapeControlChars } from '../core/text/control.js'
import { PACKAGE_ROOT_URL } from '../core/package-root.js'
import type { CliDeps, ExitCode } from './deps.js'
import { EXIT } from './deps.js'
import type { CommandContext } from './command.js'
import { COMMANDS, targetCommand } from './commands/index.js'

/** Exhaustive: a new error kind without an exit code does not compile. */
const EXIT_BY_KIND: Record<ErrorKind, ExitCode> = {
  input: EXIT.usage,
  config: EXIT.usage,
  environment: EXIT.usage,
  interrupted: EXIT.interrupted,
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT_URL), 'utf8')) as { version: string }
  return pkg.version
}

/**
 * Builds the program for `argv`: the command it runs is registered in full (its module imported), every
 * other one as a light stand-in with its usage and one-line description, enough for `--help` and for
 * suggestions on a typo. Heavy modules (openai, inquirer) are imported later still, inside commands.
 */
export type { CommandContext }

export async function createProgram(ctx: CommandContext, argv: readonly string[]): Promise<Command> {
  const { deps } = ctx
  const program = new Command('mockint')
    .description(
      'Mock technical interviews for LLM/AI engineers, graded on one ladder:\n' +
        'principle → scenario choice → engineering → observability/evaluation.',
    )
    .version(version(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces for internal errors')
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ mockint interview                          start a timed mock interview (offline judge needs no key)
  $ mockint interview --category agents --count 3 --lang zh
  $ mockint grade answers.jsonl --out results.jsonl --report report.html
  $ mockint check --no-calibrate               lint the shipped banks and rubrics
  $ mockint bank list --category llm-fundamentals
  $ mockint bank show llm-fundamentals/kv-cache --lang zh

Exit codes: 0 ok · 1 content failed · 2 usage/input · 3 judge failed · 4 internal · 130 interrupted`,
    )
  const target = targetCommand(argv)
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === target) (await entry.load())(program, ctx)
    else program.command(entry.usage).description(entry.summary).allowUnknownOption().allowExcessArguments()
  }
  return program
}

/** Runs mockint with `argv` (without node and script). Returns the exit code; never calls process.exit. */
export async function run(argv: string[], deps: CliDeps): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok
  const debug = argv.includes('--debug')
  const ctx: CommandContext = { deps, debug, setExit: (c) => void (exit = c) }
  try {
    const program = await createProgram(ctx, argv)
    await program.parseAsync(argv, { from: 'user' })
    return exit
  } catch (e) {
    return handleError(e, deps, debug)
  }
}

function handleError(e: unknown, deps: CliDeps, debug: boolean): ExitCode {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
      return EXIT.ok
    // commander has already printed its message
    return EXIT.usage
  }
  if (e instanceof MockintError) {
    const where = 'where' in e && e.where ? `${formatWhere(e.where as { file: string })}: ` : ''
    // Messages quote input and servers (a bad id, an HTTP error body): their control characters are shown.
    deps.stderr.write(`mockint: ${escapeControlChars(`${where}${e.message}`)}\n`)
    if (debug) deps.stderr.write(`${e.stack}\n`)
    return EXIT_BY_KIND[e.kind]
  }
  const err = e as Error
  deps.stderr.write(`mockint: internal error: ${escapeControlChars(err?.message ?? String(e))}\n`)
  if (debug) deps.stderr.write(`${err?.stack}\n`)
  else deps.stderr.write('This is a bug in mockint. Re-run with --debug for the stack trace and report it.\n')
  return EXIT.internal
}
