import { resolve } from 'node:path'
import type { Bank } from '../../src/core/bank/load.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import type { SessionOptions } from '../../src/core/session/events.js'
import { runSession, type AskResult } from '../../src/core/session/run.js'
import { openSessionStore } from '../../src/core/session/store.js'

/** The bank the session fixtures ask from (`fixture/tokenizer`, `fixture/batching`). */
export const INTERVIEW_FIXTURES = resolve(__dirname, '../fixtures/banks/interview')
const QUESTIONS = ['fixture/tokenizer', 'fixture/batching']

/**
 * Writes one real session file into `home`: started at `startedAt`, then run by `runSession` with the
 * offline judge, answering from `answers` in order (`/skip` skips; running out quits), each answer
 * `stepMs` after the last. With `answers: null` the session is only started (unfinished).
 */
export async function writeSession(opts: {
  home: string
  bank: Bank
  id: string
  startedAt: number
  answers: string[] | null
  options?: Partial<SessionOptions>
  stepMs?: number
  /** Question ids to ask (default: the two interview fixtures). */
  questions?: string[]
}): Promise<void> {
  const { home, bank, id, startedAt } = opts
  const ids = opts.questions ?? QUESTIONS
  const questions = ids.map((q) => bank.byId.get(q)!.question)
  const options: SessionOptions = { count: 2, time: 60, lang: 'en', follow_ups: 0, strict_time: false, categories: ['fixture'], difficulty: null, seed: 1, adaptive: false, ...opts.options }
  const store = openSessionStore(home, id)
  store.append({ type: 'session_start', at: new Date(startedAt).toISOString(), id, version: 1, options, judge: { kind: 'offline' }, questions: ids, banks: [INTERVIEW_FIXTURES] })
  if (opts.answers) {
    let t = startedAt
    const queue = [...opts.answers]
    await runSession(
      { options, questions, prior: [] },
      {
        ask: async (): Promise<AskResult> => {
          t += opts.stepMs ?? 40_000
          const a = queue.shift()
          return a === undefined ? { action: 'quit' } : a === '/skip' ? { action: 'skip' } : { action: 'submit', text: a, via: 'inline' }
        },
        judge: createOfflineJudge(),
        clock: { now: () => t },
        append: (e) => store.append(e),
        rubricFor: (q) => bank.rubrics.get(q.rubric)!.rubric,
      },
    )
  }
  store.close()
}
