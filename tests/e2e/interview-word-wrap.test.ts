import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { sessionFile, useInterviewTmux } from '../helpers/tmux.js'
import { layoutLine } from '../../src/cli/ui/answer-layout.js'
import { displayWidth } from '../../src/cli/ui/text.js'

const { skip, start } = await useInterviewTmux('interview word wrap e2e')

const FIXTURE_ARGS = ['--bank', 'tests/fixtures/banks/interview', '--category', 'fixture', '--count', '1', '--follow-ups', '0', '--seed', '2']

const URL = 'https://example.org/papers/smoothquant-accurate-efficient-post-training-quantization-for-llms'
const ANSWER =
  'Quantization error depends on second-order statistics of the activations, so SmoothQuant migrates the ' +
  'difficulty from activations to weights with a per-channel scale; 量化时把激活的难度迁移到权重上，效果很好。 ' +
  `The paper is at ${URL} and GPTQ uses approximate second-order information too.`

/** The rows of the live answer box on screen (after the countdown line), without the `│ ` margin. */
function boxRows(screen: string): string[] {
  const rows = screen.split('\n')
  const from = rows.findLastIndex((r) => / left · \d+ words/.test(r))
  return rows.slice(from + 1).filter((r) => r.startsWith('│ ')).map((r) => r.slice(2).trimEnd())
}

/** What a reader would call a split word: a row ending inside a Latin word that the next row finishes. */
function expectNoSplitWords(rows: string[], width: number): void {
  const words = ANSWER.split(/\s+/).filter((w) => /^[\x21-\x7e]+$/.test(w))
  for (const word of words.filter((w) => w.length <= width)) {
    expect(rows.some((r) => ` ${r} `.includes(` ${word} `)), `"${word}" whole on one row`).toBe(true)
  }
  // Read the rows back against the typed text: each row is the next piece of it (the spaces at a break
  // hang, invisible), and a row that begins between two letters of a word split it — allowed only in the URL.
  const urlAt = ANSWER.indexOf(URL)
  let pos = 0
  for (const [i, row] of rows.entries()) {
    while (ANSWER[pos] === ' ') pos++
    expect(ANSWER.startsWith(row, pos), `row ${i} "${row}" continues the answer at ${pos}`).toBe(true)
    if (i > 0 && /[\w-]/.test(ANSWER[pos - 1]!) && /[\w-]/.test(ANSWER[pos]!)) {
      expect(pos > urlAt && pos < urlAt + URL.length, `word split at "${ANSWER.slice(pos - 10, pos)}|${ANSWER.slice(pos, pos + 10)}"`).toBe(true)
    }
    pos += row.length
  }
  expect(ANSWER.slice(pos)).toBe('')
}

describe.skipIf(!!skip)('answer box word wrapping in a terminal (tmux)', () => {
  it('wraps a long typed line at word boundaries, re-wraps on resize, and saves exactly what was typed', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS], { width: 60, height: 30 })
    await t.waitFor(/Question 1\/1/)
    await t.type(ANSWER)
    const last = ANSWER.split(' ').at(-1)!
    let screen = await t.waitScreen((s) => boxRows(s).at(-1)?.endsWith(last) ?? false)
    let rows = boxRows(screen)
    expect(rows.length).toBeGreaterThan(4)
    for (const r of screen.split('\n')) expect(displayWidth(r)).toBeLessThan(60)
    expectNoSplitWords(rows, 57)
    // The two words the old letter-by-letter cut broke in the issue, each whole on a row.
    expect(rows.some((r) => r.includes('second-order'))).toBe(true)
    expect(rows.some((r) => r.includes('SmoothQuant'))).toBe(true)
    // The URL (94 characters) is longer than a row: it starts a row of its own and is cut there.
    expect(rows.some((r) => r.startsWith('https://example.org/'))).toBe(true)

    await t.resize(44, 30)
    screen = await t.waitScreen((s) => s.split('\n').every((r) => displayWidth(r) < 44) && (boxRows(s).at(-1)?.endsWith(last) ?? false))
    rows = boxRows(screen)
    expectNoSplitWords(rows, 41)

    await t.keys('C-d')
    expect(await t.exitCode()).toBe(0)
    const answer = sessionFile(home).lines.find((l) => l.type === 'answer')
    expect(Buffer.from(answer.text, 'utf8').equals(Buffer.from(ANSWER, 'utf8'))).toBe(true)
    // The transcript left on screen wraps the same way: no split word there either.
    const history = await t.history(false)
    const transcript = history.split('\n').filter((r) => r.startsWith('│ ')).map((r) => r.slice(2).trimEnd())
    const tail = transcript.slice(transcript.findLastIndex((r) => r.startsWith('Quantization error')))
    expectNoSplitWords(tail, 41)
  })

  it('Up moves one screen row within the wrapped line, keeping the column, and the edit lands there', async () => {
    const home = tempDir()
    const t = await start(home, ['--judge', 'offline', ...FIXTURE_ARGS], { width: 60, height: 30 })
    await t.waitFor(/Question 1\/1/)
    const text = 'Paged attention stores the KV cache in fixed-size blocks so that fragmentation stays low and many sequences share the GPU memory pool efficiently.'
    await t.type(text)
    const before = boxRows(await t.waitScreen((s) => boxRows(s).at(-1)?.endsWith('efficiently.') ?? false))
    expect(before.length).toBeGreaterThanOrEqual(3)
    await t.keys('Up')
    await t.type('^')
    const after = boxRows(await t.waitScreen((s) => s.includes('^')))
    // The caret sits on the row above the last one, at the column where the cursor was (the end of the last row).
    const row = after.findIndex((r) => r.includes('^'))
    expect(row).toBe(after.length - 2)
    expect(after[row]!.indexOf('^')).toBe(Math.min(before.at(-1)!.length, before[before.length - 2]!.length))
    await t.keys('C-d')
    expect(await t.exitCode()).toBe(0)
    const saved: string = sessionFile(home).lines.find((l) => l.type === 'answer').text
    expect(saved.replace('^', '')).toBe(text)
    // Where it went in the text: on the second-to-last row of the layout at width 57, at that column.
    const rows = layoutLine(text, 57)
    expect(saved.indexOf('^')).toBe(rows[rows.length - 2]!.start + before.at(-1)!.length)
  })
})
