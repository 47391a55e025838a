import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { mockint } from '../helpers/spawn.js'

// What a hostile input or server would send: a window-title change (OSC … BEL) and a screen clear (CSI 2J).
const TITLE = '\u001b]0;pwned\u0007'
const CLEAR = '\u001b[2J'
/** Any raw C0/C1 control but line feed and tab: what a terminal would obey. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/

const FIXTURE = join(process.cwd(), 'tests/fixtures/banks/invalid/bank/control-characters.yaml')

let srv: FakeOpenAI
beforeAll(async () => {
  srv = await startFakeOpenAI()
})
afterAll(() => srv.close())

function env(home: string) {
  return { MOCKINT_HOME: home, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, XDG_CONFIG_HOME: join(home, 'cfg') }
}

describe('control characters from input and servers reach the terminal visible, never raw (built binary)', () => {
  it('grade: validation errors quoting an id, a question_id, a rubric and a broken JSON line', async () => {
    const dir = tempDir()
    const file = join(dir, 'answers.jsonl')
    writeFileSync(
      file,
      [
        JSON.stringify({ id: `a${TITLE}`, question_id: `x/${CLEAR}`, answer: 'a' }),
        JSON.stringify({ id: 'a2', question: 'What is RAG?', rubric: `${CLEAR}rubric`, answer: 'a' }),
        `${TITLE}{"id": "a3"`,
        JSON.stringify({ id: `dup${TITLE}`, question: 'What is RAG?', answer: 'a' }),
        JSON.stringify({ id: `dup${TITLE}`, question: 'What is RAG?', answer: 'a' }),
      ].join('\n') + '\n',
    )
    const r = await mockint(['grade', file, '--judge', 'offline'], { env: env(dir) })
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(RAW)
    expect(r.stderr).toContain('answers.jsonl:1: unknown question_id "x/\\x1b[2J"')
    expect(r.stderr).toContain('answers.jsonl:2: unknown rubric "\\x1b[2Jrubric"')
    expect(r.stderr).toMatch(/answers\.jsonl:3: not valid JSON/)
    expect(r.stderr).toContain('answers.jsonl:5: duplicate id "dup\\x1b]0;pwned\\x07" (first on line 4)')
  })

  it("grade: the summary's error lines and the Markdown report show the id and the server's error text escaped; JSONL keeps them", async () => {
    const dir = tempDir()
    const file = join(dir, 'answers.jsonl')
    const id = `cand${TITLE}`
    writeFileSync(file, JSON.stringify({ id, question: 'What is RAG?', answer: 'Retrieve, then generate. [[levels:2,2,2,2]]' }) + '\n')
    srv.reset()
    srv.script({ kind: 'status', status: 400, body: { error: { message: `bad request${CLEAR}${TITLE}`, type: 'invalid_request_error' } } })
    const out = join(dir, 'out.jsonl')
    const md = join(dir, 'report.md')
    const html = join(dir, 'report.html')
    const args = ['--out', out, '--no-cache', '--judge', 'openai', '--base-url', srv.url, '--model', 'gpt-4.1-mini']
    const r = await mockint(['grade', file, ...args, '--report', md], { env: env(dir) })
    expect(r.code, r.stderr).toBe(3)
    expect(r.stdout + r.stderr).not.toMatch(RAW)
    expect(r.stdout).toMatch(/^error cand\\x1b\]0;pwned\\x07: .*bad request\\x1b\[2J\\x1b\]0;pwned\\x07/m)
    const report = readFileSync(md, 'utf8')
    expect(report).not.toMatch(RAW)
    expect(report).toMatch(/- `cand\\x1b\]0;pwned\\x07`: .*bad request\\x1b\[2J/)
    // The results file is data: the id exactly as given (JSON escapes it on its own).
    const rec = JSON.parse(readFileSync(out, 'utf8').trim()) as { id: string; status: string; error: { message: string } }
    expect(rec).toMatchObject({ id, status: 'error' })
    expect(rec.error.message).toContain(CLEAR)

    srv.script({ kind: 'status', status: 400, body: { error: { message: `bad request${CLEAR}`, type: 'invalid_request_error' } } })
    const h = await mockint(['grade', file, ...args, '--resume', '--report', html], { env: env(dir) })
    expect(h.code, h.stderr).toBe(3)
    const page = readFileSync(html, 'utf8')
    expect(page).not.toMatch(RAW)
    expect(page).toContain('bad request\\x1b[2J')
  })

  it('bank show prints a bank text with escapes visible; check fails it with bank/control-characters', async () => {
    const dir = tempDir()
    const show = await mockint(['bank', 'show', 'fixture/prompt-caching', '--bank', FIXTURE], { env: env(dir) })
    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).not.toMatch(RAW)
    expect(show.stdout).toContain('prompt caching work,\\x1b]0;pwned\\x07 and when')
    expect(show.stdout).toContain('A hit skips prefill for the cached part.\\x1b[2J')
    // --format json is data: the text as it is, JSON-escaped.
    const json = await mockint(['bank', 'show', 'fixture/prompt-caching', '--bank', FIXTURE, '--format', 'json'], { env: env(dir) })
    expect(JSON.parse(json.stdout).prompt.en).toContain(TITLE)

    const check = await mockint(['check', '--no-calibrate', '--no-shipped-questions', FIXTURE], { env: env(dir) })
    expect(check.code).toBe(1)
    expect(check.stdout).not.toMatch(RAW)
    expect(check.stdout).toMatch(/control-characters\.yaml:10:7 {2}error {2}bank\/control-characters {2}prompt\.en holds control characters \\x1b, \\x07/)
    expect(check.stdout).toMatch(/control-characters\.yaml:19:11 {2}error {2}bank\/control-characters {2}key_points\.principle\[1\]\.en/)
  })
})
