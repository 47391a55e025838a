import type { Command } from 'commander'
import type { CommandContext } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report <session-id>')
    .description("print one session's report again")
    .option('--html <file>', 'also write the report as an HTML page')
    .option('--lang <lang>', 'language of the report')
    .action(async (id: string, opts: { html?: string; lang?: string }) => ctx.setExit(await runReport(ctx, id, opts)))
}

export async function runReport(ctx: CommandContext, _id: string, _opts: { html?: string; lang?: string }): Promise<ExitCode> {
  ctx.deps.stderr.write('mockint report: not built yet\n')
  return EXIT.internal
}
