import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

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

const deep = (n = 5000) => '['.repeat(n) + ']'.repeat(n)

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

describe('5,000-deep nesting is "nesting too deep" at one stable place, exit 2', () => {
  const TOO_DEEP = `nesting too deep: more than 100 lists or maps inside one another from here; this file needs only a few levels — look for a runaway run of "[", "{" or "- "`

  it('in a bank file: the same line and column whatever stack the process has', async () => {
    const { env } = setup()
    const args = ['bank', 'list', '--bank', `${INVALID}/too-deep.yaml`]
    const expected = `${INVALID}/too-deep.yaml:6:106  error  yaml/too-deep  ${TOO_DEEP}`
    const normal = await mockint(args, { env })
    // A smaller stack overflowed the parser at another depth, which used to move the reported column.
    const small = await spawnAsync(process.execPath, ['--stack-size=500', BIN, ...args], { env })
    for (const r of [normal, small]) {
      expect(r.code).toBe(2)
      expect(r.stderr).not.toMatch(/Maximum call stack/)
      expect(stderrLines(r.stderr)[0]).toBe(expected)
    }
  })

  it('in a grade input file (.yaml, flow or block style)', async () => {
    const { dir, env } = setup()
    const flow = join(dir, 'flow.yaml')
    writeFileSync(flow, `- id: a1\n  question: What is RAG?\n  answer: ${deep()}\n`)
    const block = join(dir, 'block.yaml')
    writeFileSync(block, '- '.repeat(5000) + 'x\n')
    for (const [file, line] of [[flow, 3], [block, 1]] as const) {
      const r = await mockint(['grade', file, '--judge', 'offline'], { env })
      expect(r.code).toBe(2)
      expect(stderrLines(r.stderr)).toEqual([`mockint: ${file}:${line}: ${TOO_DEEP}`])
    }
  })

  it('in the config file', async () => {
    const { env, configFile } = setup(`banks: ${deep()}\n`)
    const r = await mockint(['bank', 'list'], { env })
    expect(r.code).toBe(2)
    expect(stderrLines(r.stderr)).toEqual([`mockint: ${configFile}:1:107: ${TOO_DEEP}`])
  })

  it('a 5,000-deep JSON input is reported as the wrong shape it is, not a stack overflow', async () => {
    const { dir, env } = setup()
    const json = join(dir, 'answers.json')
    writeFileSync(json, `[${deep()}]\n`)
    const jsonl = join(dir, 'answers.jsonl')
    writeFileSync(jsonl, `{"id": "a1", "question": "What is RAG?", "answer": ${deep()}}\n`)
    const a = await mockint(['grade', json, '--judge', 'offline'], { env })
    expect(a.code).toBe(2)
    expect(stderrLines(a.stderr)[0]).toBe(`${json}:1: expected an object with "id" and "answer", got an array`)
    const b = await mockint(['grade', jsonl, '--judge', 'offline'], { env })
    expect(b.code).toBe(2)
    expect(stderrLines(b.stderr)[0]).toBe(`${jsonl}:1: "answer" must be a string, got an array`)
  })
})
