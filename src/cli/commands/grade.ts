import type { Command } from 'commander'
import type { CommandContext } from '../run.js'
import { addBankOption, addJudgeOptions, intOption } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'

export interface GradeOptions {
  out?: string
  resume?: boolean
  concurrency: number
  repeat: number
  report?: string
  rubric?: string
  minScore?: number
  batchApi?: boolean
  cache: boolean
  lang?: 'en' | 'zh'
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}

export function registerGrade(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('grade <file>')
    .description('grade written answers in bulk (.jsonl, .json, .yaml, .csv, or - for JSONL on stdin)')
    .option('--out <file>', 'append results (JSONL) to this file as each one finishes')
    .option('--resume', 'with --out: skip ids already graded there, retry those marked error')
    .option('--concurrency <n>', 'answers graded at once', intOption('--concurrency', 1, 1024), 8)
    .option('--repeat <n>', 'grade each answer n times and report the spread', intOption('--repeat', 1, 20), 1)
    .option('--report <file>', 'write a report (.md or .html)')
    .option('--rubric <id>', 'rubric for records that name none')
    .option('--min-score <score>', 'exit 1 when the mean overall score is below this', intOption('--min-score', 0, 100))
    .option('--batch-api', 'send the work through the OpenAI Batch API (half price, slower)')
    .option('--no-cache', 'bypass the on-disk judge cache')
    .option('--lang <lang>', 'language of feedback')
    .addHelpText('after', '\nExamples:\n  $ mockint grade answers.jsonl --out results.jsonl --report report.html\n  $ cat answers.jsonl | mockint grade - --judge offline > results.jsonl')
  addBankOption(addJudgeOptions(cmd)).action(async (file: string, opts: GradeOptions) =>
    ctx.setExit(await runGrade(ctx, file, opts)),
  )
}

export async function runGrade(ctx: CommandContext, _file: string, _opts: GradeOptions): Promise<ExitCode> {
  ctx.deps.stderr.write('mockint grade: not built yet\n')
  return EXIT.internal
}
