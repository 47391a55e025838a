import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

function setup(): { dir: string; env: Record<string, string | undefined> } {
  const dir = tempDir()
  return { dir, env: { MOCKINT_HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'config'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined } }
}

const mkfifo = (path: string) => promisify(execFile)('mkfifo', [path])

// Before: /dev/zero was read until memory ran out, and a FIFO blocked forever. A run that is killed by the
// timeout has no exit code, so these fail rather than hang.
const timeoutMs = 30_000

describe('a path that is not a regular file is refused before it is read, exit 2', () => {
  it('--bank /dev/zero (a device) says what it is', async () => {
    const { env } = setup()
    const r = await mockint(['bank', 'list', '--bank', '/dev/zero'], { env, timeoutMs })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([
      '/dev/zero:1:1  error  file/not-regular  is a character device, not a file; a bank is .yaml files or folders of them',
      "mockint: /dev/zero:1:1: 1 problem in the question banks; fix them (`mockint check --no-calibrate` lists them all)",
    ])
  })

  it('--bank <a FIFO> does not wait for a writer', async () => {
    const { dir, env } = setup()
    await mkfifo(join(dir, 'bank.yaml'))
    const r = await mockint(['bank', 'list', '--bank', 'bank.yaml'], { env, cwd: dir, timeoutMs })
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('bank.yaml:1:1  error  file/not-regular  is a FIFO (named pipe), not a file; a bank is .yaml files or folders of them')
  })

  it('grade <a FIFO> and a config file that is a FIFO: one line each', async () => {
    const { dir, env } = setup()
    await mkfifo(join(dir, 'answers.jsonl'))
    const g = await mockint(['grade', 'answers.jsonl', '--judge', 'offline'], { env, cwd: dir, timeoutMs })
    expect(g.code).toBe(2)
    expect(g.stderr.trim().split('\n')).toEqual([
      'mockint: answers.jsonl: is a FIFO (named pipe), not a file; save the answers to a file, or pipe them into `mockint grade -`',
    ])
    mkdirSync(join(dir, 'config', 'mockint'), { recursive: true })
    const config = join(dir, 'config', 'mockint', 'config.yaml')
    await mkfifo(config)
    const c = await mockint(['bank', 'list'], { env, cwd: dir, timeoutMs })
    expect(c.code).toBe(2)
    expect(c.stderr.trim().split('\n')).toEqual([`mockint: ${config}: the config file is a FIFO (named pipe), not a file; replace it with a YAML file (or remove it)`])
  })

  it('check --labels <a FIFO>', async () => {
    const { dir, env } = setup()
    await mkfifo(join(dir, 'labels.jsonl'))
    const r = await mockint(['check', '--labels', 'labels.jsonl'], { env, cwd: dir, timeoutMs })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('mockint: labels.jsonl: the labels file is a FIFO (named pipe), not a file; save the labels to a file\n')
  })

  it('a symlink loop is called a symlink loop, not a missing file', async () => {
    const { dir, env } = setup()
    mkdirSync(join(dir, 'bank'))
    symlinkSync('loop.yaml', join(dir, 'bank', 'loop.yaml'))
    const r = await mockint(['bank', 'list', '--bank', 'bank/loop.yaml'], { env, cwd: dir, timeoutMs })
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(
      'bank/loop.yaml:1:1  error  file/unreadable  is a symlink loop (ELOOP: a link points back to itself); point at the real file or folder',
    )
    // A missing path keeps its message.
    const missing = await mockint(['bank', 'list', '--bank', 'bank/none.yaml'], { env, cwd: dir, timeoutMs })
    expect(missing.stderr.split('\n')[0]).toBe('bank/none.yaml:1:1  error  file/unreadable  no such file or folder; check the path')
  })

  // root reads any folder whatever its mode: as root, the binary runs without the capabilities that let it
  // (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), still as root, so a checkout in a 0700 folder
  // (mktemp -d) stays reachable — running as nobody could not even start the binary there.
  const asRoot = process.getuid?.() === 0
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p))
  it.skipIf(asRoot && !setpriv)('a bank folder that cannot be read is an issue naming it, not an internal error', async () => {
    const { dir, env } = setup()
    mkdirSync(join(dir, 'bank', 'locked'), { recursive: true })
    writeFileSync(join(dir, 'bank', 'locked', 'q.yaml'), 'id: q\n')
    chmodSync(join(dir, 'bank', 'locked'), 0o000)
    const args = ['bank', 'list', '--bank', 'bank']
    try {
      const r = asRoot
        ? await spawnAsync(setpriv!, ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', process.execPath, BIN, ...args], { env, cwd: dir, timeoutMs })
        : await mockint(args, { env, cwd: dir, timeoutMs })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.split('\n')[0]).toBe(
        'bank:1:1  error  file/unreadable  cannot read (EACCES: permission denied); make it readable, or point at a copy you can read',
      )
    } finally {
      chmodSync(join(dir, 'bank', 'locked'), 0o755)
    }
  })
})
