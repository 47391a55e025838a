import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { parseCsvHeader, readCsv } from '../../src/core/grading/input-csv.js'
import { createUtf8LineCheck, ORDERED_BLOCK_BYTES, readLines, readOrderedLineGroups, type NumberedLine } from '../../src/core/grading/input-lines.js'
import { questionLineKey } from '../../src/core/grading/question-key.js'
import { arrayElementLines, readJsonArray, readYamlList } from '../../src/core/grading/input-whole.js'
import type { LocatedValue } from '../../src/core/grading/record.js'

const dir = mkdtempSync(join(tmpdir(), 'mockint-input-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
async function all<T>(g: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of g) out.push(x)
  return out
}

describe('input-lines', () => {
  it('reads lines without their CR, and the last line without a newline', async () => {
    expect(await all(readLines(file('crlf.txt', 'a\r\nb\n\nc')))).toEqual(['a', 'b', '', 'c'])
  })
  it('reads a file of many chunks line for line, naming lines with bad bytes by their number, after a line longer than a chunk', async () => {
    // About 4 MB in 1 MB chunks, with a line of 1.5 MB.
    const lines = Array.from({ length: 30_000 }, (_, i) => (i === 15_000 ? 'x'.repeat(1_500_000) : `{"id":"r${i}","answer":"${'中'.repeat(i % 40)}"}`))
    const bytes = Buffer.concat(lines.flatMap((l, i) => [Buffer.from(l), i === 1200 || i === 24321 ? Buffer.from([0xff]) : Buffer.alloc(0), Buffer.from(i % 3 ? '\n' : '\r\n')]))
    const bad: number[] = []
    const read = await all(readLines(file('many.txt', bytes), (line) => bad.push(line)))
    expect(read).toHaveLength(lines.length)
    expect(read.filter((l, i) => i !== 1200 && i !== 24321 && l !== lines[i])).toEqual([])
    expect(read[1200]).toBe(lines[1200] + '\uFFFD')
    expect(bad).toEqual([1201, 24322])
  })
  it('reads files one after another and two at once line for line (a finished read hands its buffer to the next)', async () => {
    const a = Array.from({ length: 40_000 }, (_, i) => `a${i} ${'x'.repeat(i % 90)}`)
    const b = Array.from({ length: 40_000 }, (_, i) => `b${i} ${'y'.repeat(i % 70)}`)
    const fa = file('seq-a.txt', a.join('\n'))
    const fb = file('seq-b.txt', b.join('\n') + '\n')
    expect(await all(readLines(fa))).toEqual(a)
    expect(await all(readLines(fb))).toEqual(b)
    // Interleaved: each read's lines stay its own while the other one reads.
    const ra = readLines(fa)
    const rb = readLines(fb)
    const gotA: string[] = []
    const gotB: string[] = []
    for (;;) {
      const [x, y] = await Promise.all([ra.next(), rb.next()])
      if (!x.done) gotA.push(x.value)
      if (!y.done) gotB.push(y.value)
      if (x.done && y.done) break
    }
    expect(gotA).toEqual(a)
    expect(gotB).toEqual(b)
    expect(await all(readLines(fa))).toEqual(a)
  })
  it('names each line holding bytes that are not UTF-8, fed in any chunks', () => {
    const bad: number[] = []
    const check = createUtf8LineCheck((l) => bad.push(l))
    const bytes = Buffer.concat([Buffer.from('ok\n中'), Buffer.from([0xff]), Buffer.from('\nfine\n'), Buffer.from([0xc3])])
    for (let i = 0; i < bytes.length; i += 2) check.push(bytes.subarray(i, i + 2))
    check.end()
    expect(bad).toEqual([2, 4])
  })
})

describe('readOrderedLineGroups', () => {
  /** The lines of each group, in the order handed over. */
  async function groups(path: string, key: (text: string) => number, bad?: (line: number) => void): Promise<NumberedLine[][]> {
    const out: NumberedLine[][] = []
    for await (const g of readOrderedLineGroups(path, (b, s, e) => key(b.toString('utf8', s, e)), bad)) out.push([...g])
    return out
  }

  it('hands over each block\'s lines ordered by key, file order among equal keys, each with its own line number', async () => {
    // 3 blocks or more: keys cycle through 7 values, so file order is the worst order for them.
    const lines = Array.from({ length: 3 * (ORDERED_BLOCK_BYTES / 64) }, (_, i) => `{"k":${i % 7},"pad":"${'x'.repeat(40)}","i":${i}}`)
    const read = await groups(file('ordered.jsonl', lines.join('\n') + '\n'), (t) => JSON.parse(t).k)
    expect(read.length).toBeGreaterThanOrEqual(3)
    // Every line once, with its number.
    const all = read.flat()
    expect(all).toHaveLength(lines.length)
    expect(all.every(({ line, text }) => lines[line - 1] === text)).toBe(true)
    expect(new Set(all.map((l) => l.line)).size).toBe(lines.length)
    let first = 1
    for (const g of read) {
      // A block holds consecutive lines, ordered by key, then by line.
      const numbers = g.map((l) => l.line).sort((a, b) => a - b)
      expect(numbers[0]).toBe(first)
      expect(numbers[numbers.length - 1]).toBe(first + g.length - 1)
      first += g.length
      const keys = g.map((l) => JSON.parse(l.text).k as number)
      for (let i = 1; i < g.length; i++) expect(keys[i - 1]! < keys[i]! || (keys[i - 1] === keys[i] && g[i - 1]!.line < g[i]!.line)).toBe(true)
    }
  })

  it('reads CRLF, blank lines, a line longer than a block, bad bytes (by line number) and a last line without a newline', async () => {
    const long = `{"k":0,"a":"${'中'.repeat(ORDERED_BLOCK_BYTES / 2)}"}`
    const bytes = Buffer.concat([Buffer.from('{"k":2}\r\n\n{"k":1,"a":"'), Buffer.from([0xff]), Buffer.from(`"}\n${long}\n{"k":0}`)])
    const bad: number[] = []
    const all = (await groups(file('edges.jsonl', bytes), (t) => (t ? JSON.parse(t.replace('\uFFFD', '')).k : 9), (l) => bad.push(l))).flat()
    expect(all.map((l) => l.line).sort()).toEqual([1, 2, 3, 4, 5])
    expect(all.find((l) => l.line === 1)!.text).toBe('{"k":2}')
    expect(all.find((l) => l.line === 2)!.text).toBe('')
    expect(all.find((l) => l.line === 3)!.text).toBe('{"k":1,"a":"\uFFFD"}')
    expect(all.find((l) => l.line === 4)!.text).toBe(long)
    expect(all.find((l) => l.line === 5)!.text).toBe('{"k":0}')
    expect(bad).toEqual([3])
  })
})

describe('questionLineKey', () => {
  const key = (line: string) => {
    const b = Buffer.from(`xx${line}yy`)
    return questionLineKey(b, 2, b.length - 2)
  }
  it('is the same for the same question id wherever and however the line writes it, and differs between ids', () => {
    const a = key('{"id":"1","question_id":"rag/chunking","answer":"x"}')
    expect(key('{"answer":"y, \\"question_id\\": \\"other\\"","question_id" :  "rag/chunking","id":"2"}')).toBe(a)
    expect(key('{"question_id":"rag/chunking"}')).toBe(a)
    expect(key('{"question_id":"rag/chunkinG"}')).not.toBe(a)
    expect(a).not.toBe(0)
  })
  it('reads a free-text record by its question, escapes and all, and gives 0 when there is nothing to read', () => {
    const q = key('{"id":"1","question":"Why \\"KV\\" cache?","answer":"x"}')
    expect(key('{"question":"Why \\"KV\\" cache?","id":"9"}')).toBe(q)
    expect(key('{"question":"Why \\"KV\\" cache!"}')).not.toBe(q)
    expect(key('{"id":"1","answer":"no question"}')).toBe(0)
    expect(key('{"question_id":17}')).toBe(0)
    expect(key('{"question_id":"unterminated')).toBe(0)
    expect(key('')).toBe(0)
  })
})

describe('input-csv', () => {
  it('reads records with the line each starts on; an empty cell is absent', async () => {
    const p = file('a.csv', 'id,question_id,answer\n1,q/a,"two\nlines"\n2,q/b,\n')
    expect(await all(readCsv(p, {}))).toEqual([
      { line: 2, value: { id: '1', question_id: 'q/a', answer: 'two\nlines' } },
      { line: 4, value: { id: '2', question_id: 'q/b' } },
    ])
  })
  it('a bad header is one problem on line 1 and no row is read', async () => {
    const rows: LocatedValue[] = await all(readCsv(file('b.csv', 'id;answer\n1;x\n'), {}))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ line: 1 })
    expect((rows[0] as { error: string }).error).toContain('the separator looks like ";"')
    expect(parseCsvHeader([' ID ', 'Answer', 'question'])).toEqual({ columns: ['id', 'answer', 'question'] })
  })
})

describe('input-whole', () => {
  it('reads a JSON array with the line each element starts on', async () => {
    const p = file('a.json', '[\n  {"id": "1"},\n  {"id": "2",\n   "answer": "]"}\n]\n')
    expect(await all(readJsonArray(p, 'a.json', {}))).toEqual([
      { line: 2, value: { id: '1' } },
      { line: 3, value: { id: '2', answer: ']' } },
    ])
    expect(arrayElementLines('[1,\n"a\\"",\n[2]]')).toEqual([1, 2, 3])
  })
  it('invalid JSON and a non-array are input errors naming the file and line', async () => {
    await expect(all(readJsonArray(file('bad.json', '[\n{"id": 1,,}\n]'), 'bad.json', {}))).rejects.toMatchObject({ where: { file: 'bad.json', line: 2 } })
    await expect(all(readJsonArray(file('obj.json', '{"id": 1}'), 'obj.json', {}))).rejects.toBeInstanceOf(InputError)
  })
  it('reads a YAML list with the line each item starts on', async () => {
    const p = file('a.yaml', '# answers\n- id: "1"\n  answer: x\n- id: "2"\n  answer: y\n')
    expect(await all(readYamlList(p, 'a.yaml', {}))).toEqual([
      { line: 2, value: { id: '1', answer: 'x' } },
      { line: 4, value: { id: '2', answer: 'y' } },
    ])
  })
})
