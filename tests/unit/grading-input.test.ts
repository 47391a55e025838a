import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { arrayElementLines, inputFormat, parseCsvHeader, readInput, readLines, type InputFormat } from '../../src/core/grading/input.js'
import { checkInput, preparedRecords } from '../../src/core/grading/validate.js'
import type { LocatedValue } from '../../src/core/grading/record.js'
import { tempDir } from '../helpers/temp.js'

const FIX = join(process.cwd(), 'tests/fixtures/grade')
let bank: Bank
beforeAll(async () => {
  bank = (await loadBank(shippedBankPaths(), process.cwd())).bank
})

async function collect(file: string, format: InputFormat): Promise<LocatedValue[]> {
  const out: LocatedValue[] = []
  for await (const v of readInput(join(FIX, file), format)) out.push(v)
  return out
}

describe('readInput', () => {
  it('picks the format by extension', () => {
    expect(inputFormat('a.jsonl')).toBe('jsonl')
    expect(inputFormat('A.CSV')).toBe('csv')
    expect(inputFormat('x.json')).toBe('json')
    expect(inputFormat('x.yml')).toBe('yaml')
    expect(inputFormat('x.txt')).toBeUndefined()
  })

  it('reads JSONL with line numbers, skipping blank lines', async () => {
    const rs = await collect('valid.jsonl', 'jsonl')
    expect(rs.map((r) => r.line)).toEqual([1, 3])
    expect((rs[1]!.value as { id: string }).id).toBe('a2')
  })

  it('splits lines across chunk boundaries: CRLF, long lines, CJK split mid-character, no final newline', async () => {
    const dir = tempDir('mockint-lines-')
    const file = join(dir, 'x.jsonl')
    // Longer than a chunk (1 MB): 1.4 MB of two-byte letters, then 1.2 MB of CJK, split wherever the chunks end.
    const long = 'å'.repeat(700_000) + '中文'.repeat(200_000)
    writeFileSync(file, `a\r\n\n${long}\nb\r\n中间\nlast`)
    const lines: string[] = []
    for await (const l of readLines(file)) lines.push(l)
    expect(lines).toEqual(['a', '', long, 'b', '中间', 'last'])
    writeFileSync(file, 'x\n')
    const one: string[] = []
    for await (const l of readLines(file)) one.push(l)
    expect(one).toEqual(['x'])
  })

  it('hands records over grouped by question when asked: JSONL by block, CSV by window of 256 rows, JSON whole; every record once, with its line', async () => {
    const dir = tempDir('mockint-by-question-')
    const qs = ['a/one', 'b/two', 'c/three']
    const recs = Array.from({ length: 600 }, (_, i) => (i % 4 === 3 ? { id: `r${i}`, question: 'Free?', answer: `x${i}` } : { id: `r${i}`, question_id: qs[i % 3], answer: `x${i}` }))
    const files: [InputFormat, string, number][] = [
      ['jsonl', recs.map((r) => JSON.stringify(r)).join('\n') + '\n', recs.length],
      ['csv', ['id,question_id,question,answer', ...recs.map((r) => [r.id, r.question_id ?? '', r.question ?? '', r.answer].join(','))].join('\n'), 256],
      ['json', JSON.stringify(recs, null, 1), recs.length],
    ]
    for (const [format, content, window] of files) {
      const file = join(dir, `x.${format}`)
      writeFileSync(file, content)
      const got: LocatedValue[] = []
      for await (const v of readInput(file, format, file, { byQuestion: true })) got.push(v)
      const ids = got.map((v) => (v.value as { id: string }).id)
      expect(new Set(ids).size, format).toBe(recs.length)
      const key = (v: LocatedValue) => {
        const r = v.value as { question_id?: string; question?: string }
        return r.question_id ?? `free:${r.question}`
      }
      for (let from = 0; from < got.length; from += window) {
        const part = got.slice(from, from + window)
        const keys = part.map(key)
        // Each key's records together, in file order (by line).
        expect(keys.filter((k, i) => i === 0 || k !== keys[i - 1]), `${format} @${from}`).toHaveLength(new Set(keys).size)
        for (const k of new Set(keys)) {
          const lines = part.filter((v) => key(v) === k).map((v) => v.line)
          expect(lines).toEqual([...lines].sort((a, b) => a - b))
        }
      }
      // Each record keeps its own line: JSONL and CSV number them 1 and 2 onwards.
      if (format !== 'json') for (const v of got) expect(v.line - (format === 'csv' ? 2 : 1)).toBe(Number((v.value as { id: string }).id.slice(1)))
    }
  })

  it('reads CSV with a multi-line cell, and empty cells as absent', async () => {
    const rs = await collect('valid.csv', 'csv')
    expect(rs.map((r) => r.line)).toEqual([2, 4])
    const c1 = rs[0]!.value as Record<string, string>
    expect(c1.answer).toContain('\nthe cache keeps')
    expect('question' in c1).toBe(false)
  })

  it('reads a JSON array with the line each element starts on', async () => {
    const rs = await collect('valid.json', 'json')
    expect(rs.map((r) => r.line)).toEqual([2, 3])
    expect(arrayElementLines('[1,\n"a,]",\n{"x":[1,2]}]')).toEqual([1, 2, 3])
  })

  it('reads a YAML list with lines', async () => {
    const rs = await collect('valid.yaml', 'yaml')
    expect(rs.map((r) => r.line)).toEqual([1, 4])
  })

  it('throws an InputError naming the file for a missing file or a non-list', async () => {
    await expect(collect('nope.jsonl', 'jsonl')).rejects.toThrow(/no such file/)
    await expect(collect('../../../package.json', 'json')).rejects.toThrow(/must be an array/)
  })
})

describe('CSV header', () => {
  it('names the record fields in any case and with spaces around; other columns keep their names', () => {
    expect(parseCsvHeader(['ID', ' Question_ID ', 'Answer', 'Notes'])).toEqual({ columns: ['id', 'question_id', 'answer', 'Notes'] })
    expect(parseCsvHeader(['id', 'question', 'answer', 'REFERENCE', 'Rubric', 'LANG'])).toEqual({
      columns: ['id', 'question', 'answer', 'reference', 'rubric', 'lang'],
    })
    // Columns mockint ignores may repeat, and may be unnamed (a spreadsheet's trailing commas).
    expect(parseCsvHeader(['id', 'question', 'answer', 'note', 'note', '', ''])).toEqual({ columns: ['id', 'question', 'answer', 'note', 'note', '', ''] })
  })

  it('refuses a field named twice, in any case, naming both columns', () => {
    expect(parseCsvHeader(['id', 'question', 'answer', 'answer'])).toEqual({ error: 'the CSV header names "answer" twice: columns 3 and 4; keep one' })
    expect(parseCsvHeader(['id', 'ID', 'question', 'answer'])).toEqual({
      error: 'the CSV header names "id" twice: columns 1 and 2 ("id" and "ID"; names match in any case); keep one',
    })
  })

  it('names what is missing and what the header holds, and a separator that is not a comma', () => {
    expect(parseCsvHeader(['ID;Question_ID;Answer'])).toEqual({
      error:
        'the CSV header has no column "id", "answer" or "question_id"/"question" (it has 1 column: "ID;Question_ID;Answer"); ' +
        'the separator looks like ";", but mockint reads comma-separated CSV: save the file again with "," as the separator',
    })
    expect((parseCsvHeader(['id\tquestion\tanswer']) as { error: string }).error).toMatch(/the separator looks like a tab/)
    expect(parseCsvHeader(['identifier', 'question', 'text'])).toEqual({
      error:
        'the CSV header has no column "id" or "answer" (it has 3 columns: "identifier", "question", "text"); ' +
        'name the columns id, answer, and question_id or question (any letter case; other columns are ignored)',
    })
    const wide = parseCsvHeader(['answer', ...Array.from({ length: 10 }, (_, i) => `c${i}`)]) as { error: string }
    expect(wide.error).toMatch(/has no column "id" or "question_id"\/"question" \(it has 11 columns: "answer", "c0", .*"c6", and 3 more\)/)
  })

  it('reads an upper-case header into the usual fields; a bad header is one problem on line 1', async () => {
    const dir = tempDir('mockint-csv-')
    writeFileSync(join(dir, 'upper.csv'), 'ID,Question_ID,Answer\na1,llm-fundamentals/kv-cache,It stores K and V.\n')
    const rs: LocatedValue[] = []
    for await (const r of readInput(join(dir, 'upper.csv'), 'csv')) rs.push(r)
    expect(rs).toEqual([{ line: 2, value: { id: 'a1', question_id: 'llm-fundamentals/kv-cache', answer: 'It stores K and V.' } }])
    writeFileSync(join(dir, 'dup.csv'), 'id,question,answer,answer\na1,Q,x,y\na2,Q,x,y\n')
    const c = await checkInput(readInput(join(dir, 'dup.csv'), 'csv'), bank, { lang: 'en' })
    expect(c.problems).toEqual([{ line: 1, message: 'the CSV header names "answer" twice: columns 3 and 4; keep one' }])
    expect(c.problemCount).toBe(1)
  })
})

describe('invalid UTF-8', () => {
  /** Reads `bytes` as `name` and returns the records and the lines reported as holding invalid UTF-8. */
  async function read(name: string, bytes: Buffer, fmt: InputFormat) {
    const file = join(tempDir('mockint-utf8-'), name)
    writeFileSync(file, bytes)
    const bad: number[] = []
    const records: LocatedValue[] = []
    for await (const r of readInput(file, fmt, file, { onInvalidUtf8: (line) => bad.push(line) })) records.push(r)
    return { records, bad }
  }
  const rec = (id: string, answer: string) => Buffer.from(JSON.stringify({ id, question: 'Q', answer }))
  const latin1 = Buffer.from('caf\xe9', 'latin1') // "café" saved as Latin-1: 0xE9 alone is not UTF-8

  it('names each JSONL line holding bad bytes, reads it with U+FFFD, and reads every record', async () => {
    const bytes = Buffer.concat([rec('a', 'ok'), Buffer.from('\n'), rec('b', 'x').subarray(0, -2), latin1, Buffer.from('"}\r\n\n'), rec('c', '中文 ok'), Buffer.from('\n')])
    const { records, bad } = await read('a.jsonl', bytes, 'jsonl')
    expect(bad).toEqual([2])
    expect(records.map((r) => r.line)).toEqual([1, 2, 4])
    expect((records[1]!.value as { answer: string }).answer).toBe('xcaf\uFFFD')
  })

  it('finds bad bytes in a line that runs over many read chunks, and none in CJK split between chunks', async () => {
    const long = Buffer.from(JSON.stringify({ id: 'long', question: 'Q', answer: '缓存'.repeat(60_000) }))
    const broken = Buffer.concat([long.subarray(0, 150_001), Buffer.from([0xff]), long.subarray(150_001)])
    const { records, bad } = await read('b.jsonl', Buffer.concat([long, Buffer.from('\n'), broken, Buffer.from('\n')]), 'jsonl')
    expect(bad).toEqual([2])
    expect((records[0]!.value as { answer: string }).answer).toBe('缓存'.repeat(60_000))
  })

  it('names the physical line in CSV, a multi-line cell included, and in JSON', async () => {
    const csv = Buffer.concat([Buffer.from('id,question,answer\r\na1,Q,"two\nlines '), latin1, Buffer.from('"\r\na2,Q,ok\r\na3,Q,'), latin1, Buffer.from('\r\n')])
    const c = await read('c.csv', csv, 'csv')
    expect(c.bad).toEqual([3, 5])
    expect(c.records.map((r) => (r.value as { id: string }).id)).toEqual(['a1', 'a2', 'a3'])
    const json = Buffer.concat([Buffer.from('[\n  {"id": "a", "question": "Q", "answer": "'), latin1, Buffer.from('"}\n]\n')])
    expect((await read('d.json', json, 'json')).bad).toEqual([2])
  })

  it('reports nothing for a clean file', async () => {
    expect((await read('e.jsonl', Buffer.concat([rec('a', 'naïve 中文 🎉'), Buffer.from('\n')]), 'jsonl')).bad).toEqual([])
  })
})

describe('checkInput', () => {
  it('accepts every valid fixture format', async () => {
    for (const [f, fmt] of [
      ['valid.jsonl', 'jsonl'],
      ['valid.csv', 'csv'],
      ['valid.json', 'json'],
      ['valid.yaml', 'yaml'],
    ] as const) {
      const c = await checkInput(readInput(join(FIX, f), fmt), bank, { lang: 'en' })
      expect(c.problems, f).toEqual([])
      expect(c.ids.size, f).toBe(2)
    }
  })

  it('reports each bad record with its line and what to do', async () => {
    const c = await checkInput(readInput(join(FIX, 'invalid.jsonl'), 'jsonl'), bank, { lang: 'en' })
    const byLine = Object.fromEntries(c.problems.map((p) => [p.line, p.message]))
    expect(c.problemCount).toBe(7)
    expect(byLine[2]).toMatch(/missing "answer"/)
    expect(byLine[3]).toMatch(/"id" must be a string, got number 3/)
    expect(byLine[4]).toMatch(/duplicate id "b1" \(first on line 1\)/)
    expect(byLine[5]).toMatch(/unknown question_id "llm-fundamentals\/no-such"/)
    expect(byLine[6]).toMatch(/unknown rubric "nope"/)
    expect(byLine[7]).toMatch(/neither "question_id".*nor "question"/)
    expect(byLine[8]).toMatch(/not valid JSON/)
    expect(c.ids.has('b1')).toBe(true)
  })

  it('keeps only the first problems but counts them all', async () => {
    const c = await checkInput(readInput(join(FIX, 'invalid.jsonl'), 'jsonl'), bank, { lang: 'en' }, 2)
    expect(c.problems).toHaveLength(2)
    expect(c.problemCount).toBe(7)
  })

  it('uses --rubric for free-text records and the question rubric for bank records', async () => {
    const got = []
    for await (const p of preparedRecords(readInput(join(FIX, 'valid.jsonl'), 'jsonl'), bank, { lang: 'zh' }, new Set(['a1'])))
      got.push(p)
    expect(got.map((p) => p.record.id)).toEqual(['a2'])
    expect(got[0]!.input.question).toEqual({ kind: 'free', prompt: 'What is RAG?', reference: 'Retrieval-augmented generation.' })
    expect(got[0]!.input.rubric.id).toBe('llm-engineer')
    expect(got[0]!.input.lang).toBe('zh')
    expect(got[0]!.questionId).toBeNull()
  })
})
