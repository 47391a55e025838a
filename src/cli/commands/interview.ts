import { Option, type Command } from 'commander'
import { DIFFICULTIES } from '../../core/bank/schema.js'
import type { CommandContext } from '../command.js'
import { addBankOption, addJudgeOptions, intOption, langOption } from '../command.js'
import type { ExitCode } from '../deps.js'
import type { InterviewOptions } from '../interview-app.js'

export type { InterviewOptions }


export function registerInterview(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('interview')
    .description('run a timed mock interview in the terminal')
    .option('--category <id...>', 'pick questions from these categories')
    .addOption(new Option('--difficulty <level>', 'pick questions of this difficulty').choices(DIFFICULTIES))
    .option('--count <n>', 'number of questions', intOption('--count', 1, 50), 5)
    .option('--time <seconds>', "seconds per question (default: the question's own limit)", intOption('--time', 10, 7200))
    .addOption(langOption('language of questions and feedback'))
    .option('--follow-ups <n>', 'follow-up questions per question', intOption('--follow-ups', 0, 3), 1)
    .option('--seed <n>', 'reproducible question selection', intOption('--seed', 0))
    .option('--adaptive', 'pick by spaced repetition (weakest and due first)')
    .option('--editor', 'answer in $VISUAL/$EDITOR')
    .option('--strict-time', 'submit the answer when time runs out')
    .option('--resume [session-id]', 'continue an interrupted session (default: the latest)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mockint interview\n  $ mockint interview --category agents system-design --count 3 --lang zh\n' +
        '  $ mockint interview --adaptive --count 5        # spaced repetition over your past grades\n' +
        '  $ mockint interview --resume                    # continue the latest unfinished session\n' +
        '  $ mockint history && mockint report latest',
    )
  cmd.addHelpText(
    'after',
    '\nWhile answering: Enter adds a line; arrows, Home/End (Ctrl+A/Ctrl+E) and Delete edit anywhere;\n' +
      'Ctrl+D (or a line with only /done) submits; a line with only /hint, /repeat, /skip or /quit does\n' +
      'that; Ctrl+C saves and stops (resume with --resume).\n' +
      'Without flags in a terminal, a short menu asks for categories, difficulty, count, language and judge.',
  )
  addBankOption(addJudgeOptions(cmd)).action(async (opts: InterviewOptions, command: Command) => {
    const flagsGiven = command.options.some((o) => command.getOptionValueSource(o.attributeName()) === 'cli')
    ctx.setExit(await runInterview(ctx, opts, flagsGiven))
  })
}

/**
 * Runs the interview. The terminal app (answer box, spinner, prompts) is imported here, lazily, so that
 * `mockint --help` does not load it.
 */
export async function runInterview(ctx: CommandContext, opts: InterviewOptions, flagsGiven = true): Promise<ExitCode> {
  const { runInterviewApp } = await import('../interview-app.js')
  return runInterviewApp(ctx, opts, flagsGiven)
}
