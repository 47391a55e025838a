import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { COMMANDS, targetCommand } from '../../src/cli/commands/index.js'
import { createProgram, type CommandContext } from '../../src/cli/run.js'

const ctx = {
  deps: { stdout: { write: () => true }, stderr: { write: () => true } },
  setExit: () => {},
  debug: false,
} as unknown as CommandContext

describe('the command table behind the fast `mockint --help`', () => {
  it('lists every command exactly as its own registration does', async () => {
    const stubs = await createProgram(ctx, ['--help'])
    const real = await createProgram(ctx, ['--help'])
    // Replace the stand-ins by the real commands, then compare what --help prints.
    ;(real as unknown as { commands: Command[] }).commands.length = 0
    for (const entry of Object.values(COMMANDS)) (await entry.load())(real, ctx)
    // Name, arguments and description must match; only the real ones carry their options.
    const shape = (p: Command) =>
      p.commands.map((c) => ({
        name: c.name(),
        args: c.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)),
        description: c.description(),
      }))
    expect(shape(stubs)).toEqual(shape(real))
    expect(real.commands.map((c) => c.name())).toEqual(Object.keys(COMMANDS))
  })

  it('finds the command argv runs', () => {
    expect(targetCommand(['grade', 'a.jsonl', '--out', 'x'])).toBe('grade')
    expect(targetCommand(['--debug', 'bank', 'list'])).toBe('bank')
    expect(targetCommand(['help', 'check'])).toBe('check')
    expect(targetCommand(['--help'])).toBeUndefined()
    expect(targetCommand(['chek'])).toBeUndefined()
  })
})
