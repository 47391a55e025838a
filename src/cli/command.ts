import { InvalidArgumentError, Option, type Command } from 'commander'
import { JUDGE_CHOICES } from '../core/config/choices.js'
import { LANGS } from '../core/lang.js'
import { PROVIDER_NAMES } from '../providers/openai/presets.js'
import type { CliDeps, ExitCode } from './deps.js'

// What every command shares: its context and the option helpers. Commands import this, never `run.ts` (the
// composition root) and never each other.

/** A command's action sets this; `run` returns it. */
export interface CommandContext {
  deps: CliDeps
  setExit(code: ExitCode): void
  debug: boolean
}

/** Adds `--judge`, `--provider`, `--model`, `--base-url`. */
export function addJudgeOptions(cmd: Command, defaultJudge?: string): Command {
  const judge = new Option('--judge <kind>', `judge: ${JUDGE_CHOICES.join(' | ')}`).choices(JUDGE_CHOICES)
  if (defaultJudge) judge.default(defaultJudge)
  return cmd
    .addOption(judge)
    .option('--provider <name>', `provider preset (${PROVIDER_NAMES.join(', ')})`)
    .option('--model <name>', 'model name for the LLM judge')
    .option('--base-url <url>', 'OpenAI-compatible base URL (e.g. http://localhost:11434/v1)')
}

/** Adds `--bank <path...>`. */
export function addBankOption(cmd: Command): Command {
  return cmd.addOption(bankOption())
}

/** Parses a positive integer flag or throws a usage error naming the flag. */
export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`)
    return n
  }
}

/** `--lang en|zh`, described by what it changes for the command. */
export function langOption(what: string): Option {
  return new Option('--lang <lang>', what).choices(LANGS)
}

/** `--bank <path...>`. */
export function bankOption(): Option {
  return new Option('--bank <path...>', 'add banks (files or folders) to the shipped ones')
}
