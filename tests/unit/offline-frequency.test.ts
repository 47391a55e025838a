/**
 * The bank-frequency table is searched in place (unit offsets, no split into 16,000 strings): every unit of the
 * table gets the specificity its count gives, and a unit the table lacks gets 1 (latin) or 0 (a CJK bigram).
 */
import { describe, expect, it } from 'vitest'
import TABLE from '../../src/core/judge/offline/bank-frequency.json' with { type: 'json' }
import { specificity } from '../../src/core/judge/offline/frequency.js'

const table = TABLE as { questions: number; units: string; df: number[] }
const expected = (df: number) => Math.max(0.05, Math.min(1, Math.log(table.questions / df) / Math.log(table.questions / 2)))

describe('specificity', () => {
  it('finds every unit of the table, first and last included, with its own count', () => {
    const units = table.units.split('\n')
    expect(units.length).toBe(table.df.length)
    for (let i = 0; i < units.length; i++) if (specificity(units[i]!) !== expected(table.df[i]!)) throw new Error(`${units[i]}: ${specificity(units[i]!)} ≠ ${expected(table.df[i]!)}`)
  })

  it('gives a unit the table lacks 1, or 0 for a CJK bigram, including ones that sort between or around its units', () => {
    expect(specificity('zzzzzzzzzz')).toBe(1)
    expect(specificity('!')).toBe(1)
    expect(specificity('constructor')).toBe(1)
    expect(specificity('龘龘')).toBe(0)
    const first = table.units.slice(0, table.units.indexOf('\n'))
    expect(specificity(`${first}x`)).not.toBeNaN()
  })
})
