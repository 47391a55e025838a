import { Option, type Command } from 'commander'
import { filterQuestions, summarizeQuestion } from '../../core/bank/summary.js'
import { DIFFICULTIES } from '../../core/bank/schema.js'
import { InputError } from '../../core/errors.js'
import type { Lang } from '../../core/i18n.js'
import { loadCliBank, loadCliConfig } from '../context.js'
import { EXIT, type ExitCode } from '../deps.js'
import type { CommandContext } from '../command.js'
import { addBankOption, langOption } from '../command.js'
import { renderQuestion, renderQuestionTable } from '../ui/question.js'

export interface BankListOptions {
  category?: string[]
  difficulty?: string
  tag?: string
  lang?: Lang
  format: 'text' | 'json'
  bank?: string[]
}

export interface BankShowOptions {
  lang?: Lang
  format: 'text' | 'json'
  bank?: string[]
}

export function registerBank(program: Command, ctx: CommandContext): void {
  const bank = program
    .command('bank')
    .description('list and read the questions in the banks')
    .addHelpText('after', '\nExamples:\n  $ mockint bank list --format json\n  $ mockint bank show rag/chunking --lang zh')
  const list = bank
    .command('list')
    .description('list questions (id, category, difficulty, languages, key points per dimension)')
    .option('--category <id...>', 'only these categories')
    .addOption(new Option('--difficulty <level>', 'only this difficulty').choices(DIFFICULTIES))
    .option('--tag <tag>', 'only questions with this tag')
    .addOption(langOption('language of the prompts shown'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  addBankOption(list).action(async (opts: BankListOptions) => ctx.setExit(await runBankList(ctx, opts)))
  const show = bank
    .command('show <id>')
    .description('show one question: prompt, key points, reference outline, follow-ups')
    .addOption(langOption('language'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  addBankOption(show).action(async (id: string, opts: BankShowOptions) => ctx.setExit(await runBankShow(ctx, id, opts)))
}

export async function runBankList(ctx: CommandContext, opts: BankListOptions): Promise<ExitCode> {
  const { deps } = ctx
  const config = await loadCliConfig(deps, { lang: opts.lang, bank: opts.bank })
  const bank = await loadCliBank(deps, config)
  const questions = filterQuestions(bank, opts)
  if (opts.format === 'json') {
    deps.stdout.write(JSON.stringify(questions.map(summarizeQuestion), null, 2) + '\n')
    return EXIT.ok
  }
  deps.stdout.write(renderQuestionTable(questions, config.lang, deps.stdout.columns ?? 100) + '\n')
  return EXIT.ok
}

export async function runBankShow(ctx: CommandContext, id: string, opts: BankShowOptions): Promise<ExitCode> {
  const { deps } = ctx
  const config = await loadCliConfig(deps, { lang: opts.lang, bank: opts.bank })
  const bank = await loadCliBank(deps, config)
  const found = bank.byId.get(id)
  if (!found) {
    const near = [...bank.byId.keys()].filter((k) => k.includes(id) || id.includes(k.split('/')[1] ?? '\0'))
    throw new InputError(
      `no question "${id}"${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ''} (see \`mockint bank list\`)`,
    )
  }
  if (opts.format === 'json') {
    deps.stdout.write(JSON.stringify({ ...found.question, file: found.file }, null, 2) + '\n')
    return EXIT.ok
  }
  const rubric = bank.rubrics.get(found.question.rubric)?.rubric
  deps.stdout.write(renderQuestion(found.question, rubric, config.lang, deps.stdout.columns ?? 100) + '\n')
  return EXIT.ok
}
