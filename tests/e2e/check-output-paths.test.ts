import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { mockint } from '../helpers/spawn.js'

// The passing calibration fixture, copied into each test's folder so paths in messages are short.
const FIX = join(process.cwd(), 'tests/fixtures/banks/calibration/passing')

let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())

const env = (dir: string) => ({ MOCKINT_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined })
const judgeArgs = () => ['--judge', 'openai', '--base-url', srv.url, '--model', 'fake-model']

describe('mockint check checks --junit before it loads or grades anything (built binary)', () => {
  // Before: the bank was calibrated with the (paid) judge, then writing the report died with an internal
  // error, exit 4, and no report.
  const cases: { name: string; junit: (dir: string) => string; line: string; extra?: string[] }[] = [
    {
      name: 'a missing folder',
      junit: () => 'nodir/check.xml',
      line: 'mockint: nodir/check.xml: cannot be written: the folder nodir does not exist; create it (mkdir -p nodir) or choose another --junit',
    },
    {
      name: 'an existing folder',
      junit: (dir) => (mkdirSync(join(dir, 'reports')), 'reports'),
      line: 'mockint: reports: is a folder; give --junit a file name, e.g. reports/check.xml',
    },
    {
      name: 'a path under a file',
      junit: (dir) => (writeFileSync(join(dir, 'notes.txt'), 'x\n'), 'notes.txt/check.xml'),
      line: 'mockint: notes.txt/check.xml: cannot be written: part of the path is a file, not a folder; choose another --junit',
    },
    {
      name: 'a missing folder, with --format json (stdout stays empty, not half a document)',
      junit: () => 'nodir/check.xml',
      line: 'mockint: nodir/check.xml: cannot be written: the folder nodir does not exist; create it (mkdir -p nodir) or choose another --junit',
      extra: ['--format', 'json'],
    },
  ]

  for (const c of cases)
    it(`--junit naming ${c.name}: exit 2, one line, no judge request`, async () => {
      const dir = tempDir()
      const junit = c.junit(dir)
      const requests = srv.chatRequests().length
      const r = await mockint(['check', '--no-shipped-questions', FIX, '--junit', junit, ...judgeArgs(), ...(c.extra ?? [])], { env: env(dir), cwd: dir })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.trimEnd().split('\n')).toEqual([c.line])
      expect(r.stdout).toBe('')
      expect(srv.chatRequests().length, 'nothing was graded').toBe(requests)
    })

  it('a good --junit path relative to the working folder is written there', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'ci'))
    const r = await mockint(['check', '--no-calibrate', '--no-shipped-questions', FIX, '--junit', 'ci/check.xml'], { env: env(dir), cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(dir, 'ci', 'check.xml'))).toBe(true)
  })
})
