import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { writeAnswers } from '../helpers/answers.js'
import { unconfiguredEnv } from '../helpers/openai-setup.js'
import { BIN, mockint, spawnAsync } from '../helpers/spawn.js'

let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())

const answers = (dir: string, n: number) => writeAnswers(dir, n).file

const env = (home: string) => unconfiguredEnv(home)
const judgeArgs = () => ['--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini', '--no-cache']

describe('mockint grade checks every output path before the first grade (built binary)', () => {
  // Each case: the paid LLM judge on a loopback server, so "nothing graded" is "no request reached it".
  const cases: { name: string; args: (dir: string) => string[]; line: RegExp }[] = [
    {
      name: '--report into a missing folder',
      args: () => ['--out', 'results.jsonl', '--report', 'nodir/r.html'],
      line: /^mockint: nodir\/r\.html: cannot be written: the folder nodir does not exist; create it \(mkdir -p nodir\) or choose another --report$/,
    },
    {
      name: '--report naming an existing folder',
      args: (dir) => (mkdirSync(join(dir, 'reports.html')), ['--out', 'results.jsonl', '--report', 'reports.html']),
      line: /^mockint: reports\.html: is a folder; give --report a file name, e\.g\. reports\.html\/report\.html$/,
    },
    {
      name: '--report naming an existing folder without an extension',
      args: (dir) => (mkdirSync(join(dir, 'out')), ['--report', 'out']),
      line: /^mockint: out: is a folder; give --report a file name, e\.g\. out\/report\.html$/,
    },
    {
      name: '--report under a path whose parent is a file',
      args: () => ['--report', 'answers.jsonl/r.md'],
      line: /^mockint: answers\.jsonl\/r\.md: cannot be written: part of the path is a file, not a folder; choose another --report$/,
    },
    {
      name: '--out into a missing folder',
      args: () => ['--out', 'nodir/sub/results.jsonl'],
      line: /^mockint: nodir\/sub\/results\.jsonl: cannot be written: the folder nodir\/sub does not exist; create it \(mkdir -p nodir\/sub\) or choose another --out$/,
    },
    {
      name: '--out naming an existing folder, with --resume',
      args: (dir) => (mkdirSync(join(dir, 'results')), ['--out', 'results', '--resume']),
      line: /^mockint: results: is a folder; give --out a file name, e\.g\. results\/results\.jsonl$/,
    },
    {
      name: '--out naming an existing folder, without --resume',
      args: (dir) => (mkdirSync(join(dir, 'results')), ['--out', 'results/']),
      line: /^mockint: results\/: is a folder; give --out a file name, e\.g\. results\/results\.jsonl$/,
    },
    {
      name: '--report naming an existing folder, with --resume',
      args: (dir) => (mkdirSync(join(dir, 'reports')), ['--out', 'results.jsonl', '--resume', '--report', 'reports']),
      line: /^mockint: reports: is a folder; give --report a file name, e\.g\. reports\/report\.html$/,
    },
  ]

  for (const c of cases)
    it(`${c.name}: exit 2, one line naming the path and what to do, nothing graded`, async () => {
      const dir = tempDir()
      answers(dir, 4)
      const args = c.args(dir)
      const before = new Set(readdirSync(dir))
      const requests = srv.chatRequests().length
      const r = await mockint(['grade', 'answers.jsonl', ...args, ...judgeArgs()], { env: env(dir), cwd: dir })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr.trimEnd()).toMatch(c.line)
      expect(srv.chatRequests().length).toBe(requests)
      // Nothing was created either: no results file, no lock, no report.
      expect(readdirSync(dir).filter((f) => !before.has(f) && f !== 'data')).toEqual([])
    })

  it('--out naming a folder is reported before the input is read (a missing input is not the first complaint)', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'results'))
    for (const resume of [[], ['--resume']]) {
      const r = await mockint(['grade', 'missing.jsonl', '--out', 'results', ...resume, ...judgeArgs()], { env: env(dir), cwd: dir })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.trimEnd().split('\n')).toEqual(['mockint: results: is a folder; give --out a file name, e.g. results/results.jsonl'])
    }
  })

  it('a report that cannot be written at the end (file-size limit) is exit 2 in words; the results are kept', async () => {
    const dir = tempDir()
    answers(dir, 2)
    // 4 KiB: room for two results, not for the self-contained HTML page with its charts.
    const r = await spawnAsync('bash', ['-c', `ulimit -f 4; exec "${process.execPath}" "${BIN}" "$@"`, 'mockint', 'grade', 'answers.jsonl', '--out', 'results.jsonl', '--report', 'r.html', ...judgeArgs()], {
      env: env(dir),
      cwd: dir,
    })
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).not.toMatch(/internal error|bug in mockint/)
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'mockint: r.html: cannot write the report (the file size limit was reached, EFBIG); the results are safe in results.jsonl: raise the limit (ulimit -f), then run again with --resume to write the report',
    )
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
    expect(existsSync(join(dir, 'results.jsonl.lock'))).toBe(false)
    expect(existsSync(join(dir, 'r.html')), 'no half report is left behind').toBe(false)
    // As the message says: --resume grades nothing more and writes the report.
    const requests = srv.chatRequests().length
    const again = await mockint(['grade', 'answers.jsonl', '--out', 'results.jsonl', '--resume', '--report', 'r.html', ...judgeArgs()], { env: env(dir), cwd: dir })
    expect(again.code, again.stderr).toBe(0)
    expect(srv.chatRequests().length).toBe(requests)
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<html/)
  })
})
