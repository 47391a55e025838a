import type { Command } from 'commander'
import type { CommandContext } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'

export function registerHistory(program: Command, ctx: CommandContext): void {
  program
    .command('history')
    .description('list past interview sessions')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { format: string }) => ctx.setExit(await runHistory(ctx, opts)))
}

export async function runHistory(ctx: CommandContext, _opts: { format: string }): Promise<ExitCode> {
  ctx.deps.stderr.write('mockint history: not built yet\n')
  return EXIT.internal
}
