import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sniffInputFormat } from '../../src/core/grading/input-format.js'

const FIX = join(process.cwd(), 'tests/fixtures/grade')
const sniff = (text: string) => sniffInputFormat(text).format

describe('sniffInputFormat: the format of stdin from its first bytes', () => {
  it('recognises each shipped fixture by its content alone', () => {
    for (const format of ['jsonl', 'json', 'csv', 'yaml'] as const) {
      expect(sniff(readFileSync(join(FIX, `valid.${format}`), 'utf8')), format).toBe(format)
    }
  })

  it('JSON: "[" is an array, "{" is JSONL, after a byte-order mark and blank lines too', () => {
    expect(sniffInputFormat('\uFEFF\n\n  [\n{"id": "a"}]')).toEqual({ format: 'json', reason: 'it starts with "["' })
    expect(sniff('\r\n{"id":"a","answer":"x","question":"q"}\n')).toBe('jsonl')
    expect(sniff('')).toBe('jsonl')
    expect(sniff(' \n\t\n')).toBe('jsonl')
  })

  it('CSV: a header naming the record columns in any case and quoting, or a separated first line', () => {
    expect(sniff('ID,Question,Answer\r\nc1,What?,"a, b"\r\n')).toBe('csv')
    expect(sniff('"id","question_id","answer"\n')).toBe('csv')
    expect(sniff('\uFEFFid,answer,question,notes\n')).toBe('csv')
    // Not the record columns: still CSV, so that the header check says what is missing and the separator.
    expect(sniffInputFormat('ID;Question_ID;Answer\n')).toEqual({ format: 'csv', reason: 'its first line is separated by commas, semicolons or tabs' })
    expect(sniff('candidate\tprompt\ttext\n')).toBe('csv')
  })

  it('YAML: a list item, a key, a comment or a document start; anything else that is not CSV', () => {
    expect(sniff('- id: y1\n  answer: x\n')).toBe('yaml')
    expect(sniff('---\n- id: y1\n')).toBe('yaml')
    expect(sniff('# answers of the cohort, one, two\n- id: y1\n')).toBe('yaml')
    // A key whose value has commas is YAML, not a CSV line.
    expect(sniff('records: [a, b, c]\n')).toBe('yaml')
    expect(sniff('-\n  id: y1\n')).toBe('yaml')
    expect(sniff('just some words\n')).toBe('yaml')
    // A CSV whose cells hold colons is still CSV: the header names the columns.
    expect(sniff('id,question,answer\nq1,"Explain: KV cache",keys: and values\n')).toBe('csv')
  })
})
