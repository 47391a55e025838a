import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint } from '../helpers/spawn.js'

const INVALID = 'tests/fixtures/banks/invalid/yaml'

/** A "billion laughs" document: nine anchors, each a list of nine aliases of the one before. */
function bomb(indent = ''): string {
  const lines = [`${indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]`]
  let prev = 'a'
  for (const name of 'bcdefghi') {
    lines.push(`${indent}${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`)
    prev = name
  }
  return lines.join('\n') + '\n'
}

/** An isolated home and config folder; `config` is written as the config file when given. */
function setup(config?: string): { dir: string; env: Record<string, string | undefined>; configFile: string } {
  const dir = tempDir()
  const configFile = join(dir, 'config', 'mockint', 'config.yaml')
  if (config !== undefined) {
    mkdirSync(join(dir, 'config', 'mockint'), { recursive: true })
    writeFileSync(configFile, config)
  }
  return {
    dir,
    configFile,
    env: { MOCKINT_HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'config'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  }
}

const stderrLines = (s: string) => s.trim().split('\n')

describe('a YAML alias bomb ("billion laughs") is named, with its line, exit 2', () => {
  it('in a bank file', async () => {
    const { env } = setup()
    const r = await mockint(['bank', 'list', '--bank', `${INVALID}/too-many-aliases.yaml`], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/internal error|bug in mockint/)
    expect(stderrLines(r.stderr)[0]).toBe(
      `${INVALID}/too-many-aliases.yaml:8:9  error  yaml/too-many-aliases  too many aliases: the *aliases from here (*a first) expand past the limit of 100, the guard against "billion laughs" YAML bombs; write the values out instead of reusing them with &anchors and *aliases`,
    )
  })

  it('in a grade input file (.yaml)', async () => {
    const { dir, env } = setup()
    const input = join(dir, 'answers.yaml')
    writeFileSync(input, `- id: a1\n  question: What is RAG?\n  answer: Retrieval, then generation.\n  notes:\n${bomb('    ')}`)
    const r = await mockint(['grade', input, '--judge', 'offline'], { env })
    expect(r.code).toBe(2)
    expect(stderrLines(r.stderr)).toEqual([
      `mockint: ${input}:6: too many aliases: the *aliases from here (*a first) expand past the limit of 100, the guard against "billion laughs" YAML bombs; write the values out instead of reusing them with &anchors and *aliases`,
    ])
    expect(r.stdout).toBe('')
  })

  it('in the config file', async () => {
    const { env, configFile } = setup(bomb())
    const r = await mockint(['bank', 'list'], { env })
    expect(r.code).toBe(2)
    expect(stderrLines(r.stderr)).toEqual([
      `mockint: ${configFile}:2:8: too many aliases: the *aliases from here (*a first) expand past the limit of 100, the guard against "billion laughs" YAML bombs; write the values out instead of reusing them with &anchors and *aliases`,
    ])
  })

  it('an alias without its anchor is named too, not an internal error', async () => {
    const { env } = setup()
    const r = await mockint(['bank', 'list', '--bank', `${INVALID}/unknown-alias.yaml`], { env })
    expect(r.code).toBe(2)
    expect(stderrLines(r.stderr)[0]).toBe(
      `${INVALID}/unknown-alias.yaml:6:17  error  yaml/unknown-alias  unknown alias *nope: no &nope anchor comes before it; define the anchor first, or write the value out`,
    )
  })
})
