import type { Command } from 'commander'
import type { CommandContext } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'

export function registerStats(program: Command, ctx: CommandContext): void {
  program
    .command('stats')
    .description('progress over time: scores per dimension and category across sessions')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { format: string }) => ctx.setExit(await runStats(ctx, opts)))
}

export async function runStats(ctx: CommandContext, _opts: { format: string }): Promise<ExitCode> {
  ctx.deps.stderr.write('mockint stats: not built yet\n')
  return EXIT.internal
}
