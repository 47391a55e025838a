import { describe, expect, it, beforeAll } from 'vitest'
import { join } from 'node:path'
import { loadBank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import type { Rubric } from '../../src/core/rubric/schema.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import type { GradeInput, Grade } from '../../src/core/judge/types.js'
import type { Lang } from '../../src/core/i18n.js'

const root = join(import.meta.dirname, '../..')
let q: Question
let rubric: Rubric
const judge = createOfflineJudge()

beforeAll(async () => {
  const { bank } = await loadBank([join(root, 'rubrics'), join(root, 'questions/llm-fundamentals/kv-cache.yaml')], root)
  const loaded = bank.byId.get('llm-fundamentals/kv-cache')
  const r = bank.rubrics.get('llm-engineer')
  if (!loaded || !r) throw new Error('shipped kv-cache question or llm-engineer rubric did not load')
  q = loaded.question
  rubric = r.rubric
})

async function grade(answer: string, lang: Lang = 'en', extra: Partial<GradeInput> = {}): Promise<Grade> {
  const out = await judge.grade({ question: { kind: 'bank', question: q }, rubric, answer, lang, ...extra })
  if (!out.ok) throw new Error(`offline judge failed: ${out.reason}`)
  return out
}

function cal(kind: string, lang: Lang = 'en'): { answer: string; band: [number, number] } {
  const c = q.calibration.find((x) => x.kind === kind && x.lang === lang)
  if (!c) throw new Error(`no ${kind}/${lang} calibration answer`)
  return c
}

describe('offline judge on the shipped kv-cache question', () => {
  it('puts every calibration answer in its band', async () => {
    for (const c of q.calibration) {
      const g = await grade(c.answer, c.lang)
      console.log(c.kind, c.lang, g.overall, JSON.stringify(g.scores))
      expect(g.overall, `${c.kind}/${c.lang}`).toBeGreaterThanOrEqual(c.band[0])
      expect(g.overall, `${c.kind}/${c.lang}`).toBeLessThanOrEqual(c.band[1])
    }
  })
})
