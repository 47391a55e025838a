import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { parseCsvHeader, readCsv } from '../../src/core/grading/input-csv.js'
import { createUtf8LineCheck, readLines } from '../../src/core/grading/input-lines.js'
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
    const lines = Array.from({ length: 5000 }, (_, i) => (i === 2500 ? 'x'.repeat(200_000) : `{"id":"r${i}","answer":"${'中'.repeat(i % 40)}"}`))
    const bytes = Buffer.concat(lines.flatMap((l, i) => [Buffer.from(l), i === 1200 || i === 4321 ? Buffer.from([0xff]) : Buffer.alloc(0), Buffer.from(i % 3 ? '\n' : '\r\n')]))
    const bad: number[] = []
    const read = await all(readLines(file('many.txt', bytes), (line) => bad.push(line)))
    expect(read).toHaveLength(lines.length)
    expect(read.filter((l, i) => i !== 1200 && i !== 4321 && l !== lines[i])).toEqual([])
    expect(read[1200]).toBe(lines[1200] + '\uFFFD')
    expect(bad).toEqual([1201, 4322])
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
