import type { Command } from 'commander'
import type { CommandContext } from '../command.js'

type Register = (program: Command, ctx: CommandContext) => void

export interface CommandEntry {
  /** As given to `program.command()`: the name and its arguments. */
  usage: string
  /** The one-line description shown by `mockint --help` (the command's own `.description()`). */
  summary: string
  /** Loads the command's module (and whatever it imports) only when the command runs. */
  load(): Promise<Register>
}

/**
 * Every command, in the order `mockint --help` lists them. `mockint --help` registers light stand-ins made
 * from `usage` and `summary`; a command's module is imported only when that command runs, so start-up
 * pays for zod, yaml and the rest only when they are used. A unit test keeps these in step with the
 * commands' own registration.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  interview: {
    usage: 'interview',
    summary: 'run a timed mock interview in the terminal',
    load: async () => (await import('./interview.js')).registerInterview,
  },
  grade: {
    usage: 'grade <file>',
    summary: 'grade written answers in bulk (.jsonl, .json, .yaml, .csv, or - for stdin: JSONL, JSON, CSV or YAML)',
    load: async () => (await import('./grade.js')).registerGrade,
  },
  check: {
    usage: 'check [path...]',
    summary: 'quality gate for banks and rubrics: static checks, then calibration with a judge',
    load: async () => (await import('./check.js')).registerCheck,
  },
  bank: {
    usage: 'bank',
    summary: 'list and read the questions in the banks',
    load: async () => (await import('./bank.js')).registerBank,
  },
  history: {
    usage: 'history',
    summary: 'list past interview sessions',
    load: async () => (await import('./history.js')).registerHistory,
  },
  stats: {
    usage: 'stats',
    summary: 'progress over time: scores per dimension and category across sessions',
    load: async () => (await import('./stats.js')).registerStats,
  },
  report: {
    usage: 'report <session-id>',
    summary: "print one session's report again (`latest` for the most recent)",
    load: async () => (await import('./report.js')).registerReport,
  },
  doctor: {
    usage: 'doctor',
    summary: 'check the judge these flags, environment and config give, end to end, and say what to fix',
    load: async () => (await import('./doctor.js')).registerDoctor,
  },
  schema: {
    usage: 'schema [kind]',
    summary: 'print the JSON Schema of questions or rubrics (for editor validation and completion)',
    load: async () => (await import('./schema.js')).registerSchema,
  },
}

/** The command `argv` runs (`mockint help <cmd>` counts as `<cmd>`), or undefined for top-level use. */
export function targetCommand(argv: readonly string[]): string | undefined {
  const positional = argv.filter((a) => !a.startsWith('-'))
  const first = positional[0] === 'help' ? positional[1] : positional[0]
  return first !== undefined && first in COMMANDS ? first : undefined
}
