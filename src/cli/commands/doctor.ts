import { Option, type Command } from 'commander'
import type { CommandContext } from '../command.js'
import { addJudgeOptions } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'

export interface DoctorOptions {
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  format: 'text' | 'json'
}

export function registerDoctor(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('doctor')
    .description('check the judge these flags, environment and config give, end to end, and say what to fix')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Checks: which judge \`auto\` picks and why; the server's reachability and latency; that the model is listed;
which structured-output mode it accepts; one calibration answer graded against its band; the cost per
1,000 answers when the price is known. Exit 0 the judge works, 2 configuration is missing or wrong (a key,
a model, a base URL where nothing answers), 3 the server fails.

Examples:
  $ mockint doctor
  $ mockint doctor --provider ollama --model qwen2.5:7b
  $ mockint doctor --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-7B-Instruct --format json`,
    )
  addJudgeOptions(cmd).action(async (opts: DoctorOptions) => ctx.setExit(await runDoctor(ctx, opts)))
}

/** Runs the checks and prints them (text or pure JSON on stdout). Returns 0, 2 or 3 as the checks decide. */
export async function runDoctor(ctx: CommandContext, opts: DoctorOptions): Promise<ExitCode> {
  const { deps } = ctx
  const { runDoctorChecks } = await import('../doctor-checks.js')
  const { renderDoctorReport } = await import('../ui/doctor-report.js')
  const report = await runDoctorChecks(deps, { judge: opts.judge, provider: opts.provider, model: opts.model, baseUrl: opts.baseUrl })
  if (opts.format === 'json') deps.stdout.write(JSON.stringify(report, null, 2) + '\n')
  else deps.stdout.write(renderDoctorReport(report, { env: deps.env, stream: deps.stdout }))
  return report.exit_code === 0 ? EXIT.ok : report.exit_code === 2 ? EXIT.usage : EXIT.judge
}
