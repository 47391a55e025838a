import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { decodePng, type Png } from '../helpers/png.js'
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

    // The untrusted question text is escaped in the file, so the browser shows it as text, never as an element.
    expect(html).toContain('free: What is RAG? &lt;img src=')
    expect(html).not.toMatch(/<img/i)
    expect(html.match(/<rect class="bar"/g)).toHaveLength(10)
    expect(html.match(/<rect class="dim"/g)).toHaveLength(4)

    // What a person sees: a screenshot of the page at a fixed size, read pixel by pixel.
    const file = join(dir, 'shot.png')
    const shot = await spawnAsync(chromium!, [...flags(join(dir, 'chrome')), '--hide-scrollbars', '--force-device-scale-factor=1', '--window-size=1000,1400', `--screenshot=${file}`, `file://${report}`], { timeoutMs: 60_000 })
    expect(existsSync(file), shot.stderr).toBe(true)
    const png = decodePng(readFileSync(file))
    expect([png.width, png.height]).toEqual([1000, 1400])
    const page = readPage(png)

    // Score distribution: two blue bars (bins 0–9 with two answers, 90–100 with one), nine bins apart,
    // standing on one baseline, the first twice as tall as the second.
    const bars = page.bars(BLUE, 'x')
    expect(bars.map((b) => Math.abs(b.to - b.from + 1 - 40) <= 2), 'two blue bars 40 px wide').toEqual([true, true])
    expect(bars[1]!.from - bars[0]!.from).toBeCloseTo(9 * 46.4, -1)
    expect(bars[0]!.bottom).toBe(bars[1]!.bottom)
    expect(bars[0]!.size / bars[1]!.size).toBeCloseTo(2, 1)
    // Dimensions: four green bars below it, left-aligned, lengths in the ratio of the mean levels (1.67 : 1.33).
    const dims = page.bars(GREEN, 'y')
    expect(dims).toHaveLength(4)
    expect(dims[0]!.top).toBeGreaterThan(bars[0]!.bottom)
    expect(new Set(dims.map((d) => d.start)).size).toBe(1)
    expect(dims.map((d) => d.size / dims[1]!.size)).toEqual([expect.closeTo(1.67 / 1.33, 1), 1, 1, 1])

    // Text: above the charts the title, the input line and two rows of total cards; below them the
    // question, flag, error and cost tables, full width (their right-aligned numbers end near the page's
    // right margin, 40 px in at 1000 px), each row a separate line of ink.
    expect(page.inkRows(0, bars[0]!.top).length).toBeGreaterThanOrEqual(6)
    const below = page.inkRows(dims.at(-1)!.bottom + 1, png.height)
    expect(below.length).toBeGreaterThanOrEqual(10)
    const right = Math.max(...below.map((r) => r.right))
    expect(right).toBeGreaterThan(950)
    expect(right).toBeLessThan(1000)
  })
})

const BLUE = [0x3b, 0x6f, 0xd8] as const // .bar
const GREEN = [0x2f, 0x9e, 0x74] as const // .dim

interface Bar {
  /** First and last column (x) or row (y) of the bar across the axis it is grouped on. */
  from: number
  to: number
  top: number
  bottom: number
  /** Where the bar starts and how long it is along the other axis (height of a column bar, width of a row bar). */
  start: number
  size: number
}

/**
 * Reads a screenshot as a person would: solid bars of one colour, and rows of "ink" (anything clearly darker
 * than the white page: text, borders, bars).
 */
function readPage(png: Png) {
  const near = (c: readonly number[], t: readonly number[]) => Math.abs(c[0]! - t[0]!) + Math.abs(c[1]! - t[1]!) + Math.abs(c[2]! - t[2]!) < 30
  return {
    /** Bars of `colour`, as runs of adjacent columns (`x`) or rows (`y`) that hold that colour. */
    bars(colour: readonly number[], axis: 'x' | 'y'): Bar[] {
      const [outer, inner] = axis === 'x' ? [png.width, png.height] : [png.height, png.width]
      const at = (o: number, i: number) => (axis === 'x' ? png.rgb(o, i) : png.rgb(i, o))
      const found: Bar[] = []
      let open: Bar | undefined
      for (let o = 0; o <= outer; o++) {
        const hits: number[] = []
        if (o < outer) for (let i = 0; i < inner; i++) if (near(at(o, i), colour)) hits.push(i)
        if (hits.length && open) {
          open.to = o
        } else if (hits.length) {
          const [start, end] = [hits[0]!, hits.at(-1)!]
          open = { from: o, to: o, start, size: end - start + 1, top: axis === 'x' ? start : o, bottom: axis === 'x' ? end : o }
          found.push(open)
        } else open = undefined
        if (open && axis === 'y') open.bottom = o
      }
      return found
    },
    /** The rows of ink between `from` and `to` (exclusive): a row is one line of text or one border. */
    inkRows(from: number, to: number): Array<{ top: number; bottom: number; right: number }> {
      const rows: Array<{ top: number; bottom: number; right: number }> = []
      let open: { top: number; bottom: number; right: number } | undefined
      for (let y = from; y < to; y++) {
        let right = -1
        for (let x = 0; x < png.width; x++) {
          const [r, g, b] = png.rgb(x, y)
          if (r + g + b < 600) right = x
        }
        if (right < 0) open = undefined
        else if (open) (open.bottom = y), (open.right = Math.max(open.right, right))
        else rows.push((open = { top: y, bottom: y, right }))
      }
      return rows
    },
  }
}
