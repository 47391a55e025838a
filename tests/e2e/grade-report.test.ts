import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { mockint, spawnAsync } from '../helpers/spawn.js'

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined
    } catch {}
  }
  return undefined
}
const chromium = findChromium()
const ci = process.env.CI === 'true'
const reason = 'chromium is not installed (apt-get install -y chromium); the HTML report was not checked in a browser'
if (!chromium && !ci) console.warn(`grade-report.test.ts: SKIPPED — ${reason}`)

const flags = (profile: string) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--user-data-dir=${profile}`,
]

describe.skipIf(!chromium && !ci)(`mockint grade --report file.html in headless Chromium${chromium ? '' : ` (skipped: ${reason})`}`, () => {
  it('renders a self-contained page: charts, tables and totals, nothing loaded from outside', async () => {
    if (!chromium) throw new Error(`CI=true but ${reason}`)
    const dir = tempDir()
    const input = join(dir, 'answers.jsonl')
    writeFileSync(
      input,
      [
        { id: 'a1', question_id: 'llm-fundamentals/kv-cache', answer: 'Without a cache every decoding step recomputes the keys and values of all previous tokens; with it each step projects only the new token.' },
        { id: 'a2', question: 'What is RAG? <img src="http://example.com/x.png">', reference: 'Retrieval then generation.', answer: 'Retrieval of documents, then generation conditioned on them.' },
        { id: 'a3', question_id: 'llm-fundamentals/kv-cache', answer: '' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    const report = join(dir, 'report.html')
    const r = await mockint(['grade', input, '--judge', 'offline', '--out', join(dir, 'out.jsonl'), '--report', report], {
      env: { MOCKINT_HOME: join(dir, 'home') },
    })
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(report, 'utf8')
    // Self-contained: no scripts, no external stylesheets or images.
    expect(html).not.toMatch(/<script|<link|src=["']https?:|url\(/i)

    const dom = await spawnAsync(chromium!, [...flags(join(dir, 'chrome')), '--dump-dom', `file://${report}`], { timeoutMs: 60_000 })
    expect(dom.stdout).toContain('<svg id="distribution"')
    // Ten distribution bins and one bar per rubric dimension were laid out by the browser.
    expect(dom.stdout.match(/<rect class="bar"/g)).toHaveLength(10)
    expect(dom.stdout.match(/<rect class="dim"/g)).toHaveLength(4)
    expect(dom.stdout).toMatch(/<b id="mean">[\d.]+<\/b>/)
    expect(dom.stdout).toContain('llm-fundamentals/kv-cache')
    // The untrusted question text is shown as text, never as an element.
    expect(dom.stdout).toContain('&lt;img src=')
    expect(dom.stdout).not.toMatch(/<img/)

    const shot = join(dir, 'shot.png')
    await spawnAsync(chromium!, [...flags(join(dir, 'chrome2')), '--window-size=1000,1400', `--screenshot=${shot}`, `file://${report}`], { timeoutMs: 60_000 })
    const png = readFileSync(shot)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(statSync(shot).size).toBeGreaterThan(10_000)
  })
})
