import { expect } from 'vitest'
import { displayWidth } from '../../src/cli/ui/text.js'

/** A shipped question whose reference outline is wrapped in its YAML source (continuation lines under bullets). */
export const WRAPPED_OUTLINE_QUESTION = 'llm-fundamentals/attention-variants'

/**
 * Asserts that the "Reference outline:" of a text report was reflowed, not printed with the line breaks of
 * its YAML source: one row block per bullet of `reference`, a sentence the source broke reads on one row
 * block, and rows filled greedily to `width` (a bullet's next row starts only where its first word would
 * not have fitted).
 */
export function expectOutlineReflowed(report: string, reference: string, width: number): void {
  const heading = '  Reference outline:\n'
  const from = report.indexOf(heading)
  expect(from).toBeGreaterThan(0)
  const rows = report.slice(from + heading.length).split('\n\n')[0]!.split('\n')
  const bullets = reference.split('\n').filter((l) => l.startsWith('- '))
  expect(rows.filter((row) => row.startsWith('    - '))).toHaveLength(bullets.length)
  expect(rows.join(' ').replace(/\s+/g, ' ')).toContain('whole KV cache (~1 FLOP/byte for MHA), weights are amortised over the batch')
  rows.forEach((row, i) => {
    expect(displayWidth(row)).toBeLessThanOrEqual(width)
    const next = rows[i + 1]
    if (next && !next.startsWith('    - ')) expect(displayWidth(row) + 1 + displayWidth(next.trim().split(' ')[0]!)).toBeGreaterThan(width)
  })
}
