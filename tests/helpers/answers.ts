import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One grade input record. */
export type AnswerRecord = Record<string, unknown> & { id: string }

/**
 * A free-text answer to a RAG question. The `[[levels:…]]` marker makes the fake OpenAI server grade it
 * 3,3,2,2 (see fake-openai-server.ts); the offline judge reads it as text.
 */
export const ragAnswer = (id: string, i: number): AnswerRecord => ({
  id,
  question: 'Explain retrieval-augmented generation.',
  reference: 'Retrieve, then generate.',
  answer: `answer ${i} [[levels:3,3,2,2]]`,
})

/**
 * Writes `dir/answers.jsonl` with `n` records `record(id, i)` for ids `ans-0` … `ans-<n-1>` (one JSON
 * object a line, newline-terminated); returns the file and the ids in order.
 */
export function writeAnswers(dir: string, n: number, record: (id: string, i: number) => AnswerRecord = ragAnswer): { file: string; ids: string[] } {
  const file = join(dir, 'answers.jsonl')
  const ids = Array.from({ length: n }, (_, i) => `ans-${i}`)
  writeJsonl(file, ids.map((id, i) => record(id, i)))
  return { file, ids }
}

/** Writes `records` to `file` as JSONL: one JSON object a line, newline-terminated. */
export function writeJsonl(file: string, records: readonly object[]): void {
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
}

/** The records of a JSONL text (results on stdout or in a file), one object a line, blank lines skipped. */
export function parseJsonl(text: string): Record<string, any>[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>)
}
