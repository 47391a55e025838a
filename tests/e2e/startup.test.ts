import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

const COMMANDS = ['interview', 'grade', 'check', 'bank', 'history', 'stats', 'report']

describe('the built binary', () => {
  it('--help lists every command with a description and examples', async () => {
    const r = await mockint(['--help'])
    expect(r.code).toBe(0)
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b.*\\S+.*$`, 'm'))
    expect(r.stdout).toMatch(/Examples:/)
    expect(r.stdout).toMatch(/Exit codes:/)
  })

  it('every command has its own --help with examples', async () => {
    for (const c of ['interview', 'grade', 'check', 'bank']) {
      const r = await mockint([c, '--help'])
      expect(r.code, c).toBe(0)
      expect(r.stdout, c).toMatch(/Examples:\n\s+\$ mockint/)
    }
  })

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const r = await mockint(['--version'])
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('--help and --version do not import openai, inquirer or ora', async () => {
    const spy = join(process.cwd(), 'tests/helpers/import-spy.mjs')
    const dir = tempDir()
    // The spy works: importing openai is recorded.
    const control = join(dir, 'control.log')
    await spawnAsync(process.execPath, ['--import', spy, '-e', 'await import("openai")'], { env: { IMPORT_SPY_LOG: control } })
    expect(readFileSync(control, 'utf8')).toMatch(/^openai$/m)
    for (const args of [['--help'], ['--version'], ['bank', 'list']]) {
      const log = join(dir, `${args.join('_')}.log`)
      const r = await spawnAsync(process.execPath, ['--import', spy, BIN, ...args], { env: { IMPORT_SPY_LOG: log } })
      expect(r.code).toBe(0)
      let loaded = ''
      try {
        loaded = readFileSync(log, 'utf8')
      } catch {
        /* nothing heavy was imported: no log written */
      }
      expect(loaded, `mockint ${args.join(' ')} imported heavy modules`).toBe('')
    }
  })

  it('--help, --version and one graded answer do not load node:child_process (commander gets it lazily in the bundle)', async () => {
    // At exit, whether Node loaded its child_process module (a builtin, so no import hook sees it).
    const hook = `data:text/javascript,process.on('exit',()=>process.stderr.write('CHILD_PROCESS '+process.moduleLoadList.includes('NativeModule child_process')+'\\n'))`
    const loaded = (stderr: string) => /CHILD_PROCESS (true|false)/.exec(stderr)?.[1]
    // The probe works: a script that requires it is seen.
    const control = await spawnAsync(process.execPath, ['--import', hook, '-e', 'require("node:child_process")'])
    expect(loaded(control.stderr)).toBe('true')
    const dir = tempDir()
    const answers = join(dir, 'a.jsonl')
    writeFileSync(answers, JSON.stringify({ id: 'b1', question_id: 'llm-fundamentals/kv-cache', answer: 'It keeps past keys and values.' }) + '\n')
    for (const args of [['--help'], ['--version'], ['grade', answers, '--judge', 'offline']]) {
      const r = await spawnAsync(process.execPath, ['--import', hook, BIN, ...args], { env: { MOCKINT_HOME: join(dir, 'home'), OPENAI_API_KEY: '' } })
      expect(r.code, r.stderr).toBe(0)
      expect(loaded(r.stderr), args.join(' ')).toBe('false')
    }
  })

  it('an unknown command exits 2 with a suggestion', async () => {
    const r = await mockint(['chek'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Did you mean check\?/)
  })
})

describe('a reader that goes away', () => {
  it('`mockint check --format json | head -1` ends quietly with exit 0, not an EPIPE crash', async () => {
    // About 1 MB of JSON: far more than a pipe holds, so writes continue after head has gone.
    const r = await spawnAsync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" check --format json 2>&1 | head -1`])
    expect(r.stdout).toMatch(/^(\{|judge:)/)
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/)
    expect(r.code).toBe(0)
  })
})
