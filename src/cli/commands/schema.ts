import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { packageRoot } from '../../core/bank/load.js'
import { QuestionSchema } from '../../core/bank/schema.js'
import { RubricSchema } from '../../core/rubric/schema.js'
import type { CommandContext } from '../command.js'
import { EXIT, type ExitCode } from '../deps.js'

/** The JSON Schemas editors use, generated from the zod schemas (the single source of truth). */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (schema: z.ZodType, title: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    title,
  })
  return {
    'question.schema.json': gen(QuestionSchema, 'mockint question'),
    'rubric.schema.json': gen(RubricSchema, 'mockint rubric'),
  }
}

export function registerSchema(program: Command, ctx: CommandContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of questions or rubrics (for editor validation and completion)')
    .argument('[kind]', 'question or rubric', 'question')
    .option('--write', 'write schemas/*.schema.json in the package')
    .action(async (kind: string, opts: { write?: boolean }) => ctx.setExit(await runSchema(ctx, kind, opts)))
}

export async function runSchema(ctx: CommandContext, kind: string, opts: { write?: boolean }): Promise<ExitCode> {
  const schemas = jsonSchemas()
  if (opts.write) {
    const dir = join(packageRoot(), 'schemas')
    await mkdir(dir, { recursive: true })
    for (const [name, s] of Object.entries(schemas)) await writeFile(join(dir, name), JSON.stringify(s, null, 2) + '\n')
    ctx.deps.stderr.write(`wrote ${Object.keys(schemas).length} schemas to ${dir}\n`)
    return EXIT.ok
  }
  const s = schemas[`${kind}.schema.json`]
  if (!s) {
    ctx.deps.stderr.write(`mockint schema: unknown kind "${kind}"; use question or rubric\n`)
    return EXIT.usage
  }
  ctx.deps.stdout.write(JSON.stringify(s, null, 2) + '\n')
  return EXIT.ok
}
