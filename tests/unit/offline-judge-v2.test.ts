/**
 * What offline-v2 adds, on shipped questions: red flags cap their rung (and a negated claim does not), feedback
 * that quotes the answer and names the two most valuable points, stories read as stories ("I" vs "we"),
 * answers to another question earn nothing, and an answer that quotes an attack is graded, not flagged.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, type Bank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import type { Lang } from '../../src/core/i18n.js'
import { createOfflineJudge } from '../../src/core/judge/offline/index.js'
import type { Grade } from '../../src/core/judge/types.js'

const root = join(import.meta.dirname, '../..')
let bank: Bank
const judge = createOfflineJudge()

beforeAll(async () => {
  bank = (await loadBank([join(root, 'rubrics'), join(root, 'questions')], root)).bank
})

function question(id: string): Question {
  const q = bank.byId.get(id)?.question
  if (!q) throw new Error(`no shipped question ${id}`)
  return q
}

async function grade(id: string, answer: string, lang: Lang = 'en'): Promise<Grade> {
  const q = question(id)
  const out = await judge.grade({ question: { kind: 'bank', question: q }, rubric: bank.rubrics.get(q.rubric)!.rubric, answer, lang })
  if (!out.ok) throw new Error(out.reason)
  return out
}

const strong = (q: Question, lang: Lang = 'en') => q.calibration.find((c) => c.kind === 'strong' && c.lang === lang)!.answer

describe('red flags', () => {
  const id = 'ml-fundamentals/mixed-precision-training'

  it('cap the rung of a wrong claim, quote it and give the correction', async () => {
    const q = question(id)
    const flag = q.red_flags.find((f) => f.id === 'bf16-more-mantissa')!
    const clean = await grade(id, strong(q))
    const wrong = await grade(id, `${strong(q)}\nBF16 doesn't need loss scaling because it has more mantissa bits than FP16.`)
    expect(clean.scores[flag.dimension]).toBeGreaterThan(flag.cap)
    expect(wrong.scores[flag.dimension]).toBeLessThanOrEqual(flag.cap)
    const dim = wrong.verdict.dimensions.find((d) => d.id === flag.dimension)!
    expect(dim.evidence.join(' ')).toContain('more mantissa bits than FP16')
    expect(dim.rationale).toContain(flag.correction.en)
    expect(wrong.verdict.feedback).toMatch(/Wrong claim: "BF16 doesn't need loss scaling/)
  })

  it('do not fire on a claim the answer negates or corrects', async () => {
    const q = question(id)
    const flag = q.red_flags.find((f) => f.id === 'bf16-more-mantissa')!
    for (const text of [
      'BF16 does not have more mantissa bits than FP16; it has fewer, and keeps FP32 range instead.',
      'A common misconception is that BF16 has more mantissa bits than FP16.',
    ]) {
      const g = await grade(id, `${strong(q)}\n${text}`)
      expect(g.scores[flag.dimension], text).toBeGreaterThan(flag.cap)
    }
  })

  it('work in Chinese', async () => {
    const q = question(id)
    const flag = q.red_flags.find((f) => f.id === 'bf16-more-mantissa')!
    const zh = q.calibration.find((c) => c.kind === 'strong' && c.lang === 'zh')?.answer ?? strong(q)
    const g = await grade(id, `${zh}\n${flag.zh}`, 'zh')
    expect(g.scores[flag.dimension]).toBeLessThanOrEqual(flag.cap)
  })
})

describe("the rubric's common red flags", () => {
  it('fire in an answer to any question, cap every rung and say why', async () => {
    const id = 'agents/agent-infinite-loops'
    const q = question(id)
    const common = bank.rubrics.get(q.rubric)!.rubric.red_flags
    expect(common.map((f) => f.id)).toContain('temperature-zero-deterministic')
    expect(q.red_flags.map((f) => f.id)).not.toContain('temperature-zero-deterministic')
    const clean = await grade(id, strong(q))
    const wrong = await grade(id, `${strong(q)}\nSetting the temperature to 0 makes the model fully deterministic, so it cannot loop on a random path.`)
    expect(clean.overall).toBeGreaterThan(60)
    for (const d of ['principle', 'scenario']) expect(wrong.scores[d], d).toBe(0)
    for (const d of ['engineering', 'observability']) expect(wrong.scores[d], d).toBeLessThanOrEqual(1)
    const scenario = wrong.verdict.dimensions.find((d) => d.id === 'scenario')!
    expect(scenario.rationale).toMatch(/known wrong claim elsewhere/)
    expect(scenario.evidence.join(' ')).toContain('fully deterministic')
  })

  it('do not fire on a hedged statement, which is advice rather than the absolute claim', async () => {
    const id = 'agents/agent-infinite-loops'
    const q = question(id)
    const hedged = await grade(id, `${strong(q)}\nFor planning steps I set temperature to 0 to make outputs more deterministic.`)
    const absolute = await grade(id, `${strong(q)}\nFor planning steps I set temperature to 0 to make outputs fully deterministic.`)
    expect(hedged.overall).toBeGreaterThan(60)
    expect(absolute.scores.principle).toBe(0)
  })

  it('do not fire on the correct statement, negated', async () => {
    const id = 'agents/agent-infinite-loops'
    const q = question(id)
    const g = await grade(id, `${strong(q)}\nEven at temperature 0 served outputs are not fully deterministic, because batching changes the floating-point sums.`)
    expect(g.overall).toBeGreaterThan(60)
  })
})

  it('catch cross-topic claims in answers to any question, and not a report of them as failed attempts', async () => {
    const id = 'frontier/test-time-scaling'
    const q = question(id)
    const wrong = await grade(id, `${strong(q)}\nDeepSeek-R1 is the best example: it used a learned process reward model during its RL stage.`)
    expect(wrong.scores.principle).toBe(0)
    expect(wrong.verdict.feedback).toContain('GRPO')
    const reported = await grade(id, `${strong(q)}\nThe DeepSeek-R1 report lists a learned process reward model and MCTS among its unsuccessful attempts.`)
    expect(reported.overall).toBeGreaterThan(60)
    const serving = 'system-design/cost-cut-70b'
    const s = question(serving)
    const decode = await grade(serving, `${strong(s)}\nEach generated token costs 140 GFLOPs, and decode is compute-bound on the tensor cores.`)
    expect(decode.scores.principle).toBe(0)
    const right = await grade(serving, `${strong(s)}\nPrefill is compute-bound while decode is memory-bound, so batching decode steps is nearly free.`)
    expect(right.overall).toBeGreaterThan(60)
  })

  it('catch a claim split over two sentences when the second continues about the same subject, and only then', async () => {
    const id = 'agents/agent-infinite-loops'
    const q = question(id)
    const split = await grade(id, `${strong(q)}\nThe other lever is to run the planner at temperature 0. Then the model is deterministic, so it cannot wander.`)
    expect(split.scores.principle).toBe(0)
    expect(split.verdict.dimensions.find((d) => d.id === 'principle')!.evidence.join(' ')).toContain('temperature 0. Then the model is deterministic')
    // The next sentence starts a new subject: nothing links "deterministic" to the temperature.
    const unrelated = await grade(id, `${strong(q)}\nThe other lever is to run the planner at temperature 0. Our replay harness is deterministic, so a trace can be re-run.`)
    expect(unrelated.overall).toBeGreaterThan(60)
    // Continuing, but negated.
    const negated = await grade(id, `${strong(q)}\nThe other lever is to run the planner at temperature 0. That does not make the model deterministic, though.`)
    expect(negated.overall).toBeGreaterThan(60)
  })

describe('feedback', () => {
  it('quotes what the answer did well, names two points to add and says what the offline judge checks', async () => {
    const id = 'llm-fundamentals/kv-cache'
    const q = question(id)
    const answer = q.calibration.find((c) => c.kind === 'borderline' && c.lang === 'en')!.answer
    const g = await grade(id, answer)
    const quoted = /Strongest on [^:]+: "([^"]+)"/.exec(g.verdict.feedback)?.[1]
    expect(quoted, g.verdict.feedback).toBeDefined()
    expect(answer.replace(/\s+/g, ' ')).toContain(quoted!.replace(/…$/, ''))
    const add = /Most valuable to add: \(1\) (.+) \(2\) (.+?) \(The offline judge/.exec(g.verdict.feedback)
    expect(add, g.verdict.feedback).not.toBeNull()
    const points = Object.values(q.key_points).flat().map((p) => p.en)
    expect(points).toContain(add![1])
    expect(points).toContain(add![2])
    expect(g.verdict.missing).toEqual(expect.arrayContaining([add![1], add![2]]))
    expect(g.verdict.feedback).toContain("compares your answer with this question's key points")
    const zh = await grade(id, answer, 'zh')
    expect(zh.verdict.feedback).toMatch(/最值得补充：（1）.+（2）/)
  })
})

describe('behavioural questions are graded as stories', () => {
  const id = 'behavioural/agent-product-users-love'

  it('credits a story told in its own words, and caps decision and build rungs of a story told only as "we"', async () => {
    const story =
      'I led an invoice-matching agent for our accounts-payable team of 15 clerks, who were drowning in about 4,000 invoices a week. ' +
      'The root cause of their pain was that every invoice needed three documents checked by hand, and errors compounded across steps. ' +
      'I decided to keep it narrow: deterministic matching first and the model only for fuzzy vendor names, instead of a general assistant, because we could not test a general one. ' +
      'I built four tools with strict schemas, a confidence threshold below which it abstained, and a human approval queue inside the ERP they already used. ' +
      'I measured precision on 1,200 historical invoices before launch, 97% on auto-suggested matches, and we piloted with three clerks first. ' +
      'After launch 85% of suggestions were accepted unedited and time per invoice went from 6 to 2 minutes; I tracked the edit rate weekly. ' +
      'In hindsight I should have logged why clerks edited a suggestion from day one.'
    const mine = await grade(id, story)
    expect(mine.overall).toBeGreaterThanOrEqual(40)
    const ours = await grade(id, story.replace(/\bI\b/g, 'we').replace(/\bwe led\b/, 'we ran'))
    expect(ours.scores.scenario).toBeLessThanOrEqual(2)
    expect(ours.scores.engineering).toBeLessThanOrEqual(2)
    expect(ours.overall).toBeLessThanOrEqual(mine.overall)
  })
})

describe('size', () => {
  it('reads only the first 20,000 characters of a 5 MB answer, and says so', async () => {
    const q = question('llm-fundamentals/kv-cache')
    const big = `${strong(q)}\n${'The cache grows with every token of the context window. '.repeat(90_000)}`
    expect(big.length).toBeGreaterThan(5_000_000)
    const g = await grade('llm-fundamentals/kv-cache', big)
    expect(g.verdict.flags).toContain('truncated')
    expect(g.verdict.feedback).toContain('Only the first 20,000 characters were graded')
    expect(g.overall).toBeGreaterThan(0)
  })
})

describe('words that are also object keys', () => {
  it('grades an answer about a class constructor and __proto__ like any other (no NaN)', async () => {
    const g = await grade('coding/lora-layer', 'The constructor creates A with Kaiming init and B as zeros so the update B·A starts at zero; __proto__ and toString are just words here.')
    expect(Number.isFinite(g.overall)).toBe(true)
    for (const d of g.verdict.dimensions) expect(Number.isInteger(d.level)).toBe(true)
  })
})

describe('topic and injection', () => {
  it('gives the strong answer of another question nothing and flags it off topic', async () => {
    const g = await grade('llm-fundamentals/kv-cache', strong(question('training/constitutional-ai-rlaif')))
    expect(g.overall).toBe(0)
    expect(g.verdict.flags).toContain('off_topic')
  })

  it('grades an honest jailbreak-defence answer that quotes an attack instead of flagging it', async () => {
    const answer =
      'Role-play jailbreaks and prompts that say "ignore previous instructions" are the common families, and many-shot jailbreaking fills a long context with fake dialogues. ' +
      'I would first verify how the 5% was measured and check the classifier false-positive rate on a hand-labelled sample, split by harm severity. ' +
      'Defence in depth: an input classifier, a hardened system prompt, the safety-trained model, an output classifier and account-level enforcement, because each layer can be bypassed. ' +
      'I track attack success rate per release on HarmBench plus our own attacks, and gate releases on it together with the over-refusal rate on XSTest.'
    const g = await grade('production/jailbreak-defense', answer)
    expect(g.verdict.flags).not.toContain('prompt_injection')
    expect(g.overall).toBeGreaterThanOrEqual(40)
  })
})

describe('compiling questions before a batch', () => {
  it('prepare() compiles every question given and leaves grades as they are', async () => {
    const ids = ['llm-fundamentals/kv-cache', 'production/jailbreak-defense']
    const before = await Promise.all(ids.map((id) => grade(id, strong(question(id)))))
    const prepared = createOfflineJudge()
    await prepared.prepare!(ids.map((id) => ({ question: question(id), rubric: bank.rubrics.get(question(id).rubric)!.rubric })))
    for (const [i, id] of ids.entries()) {
      const q = question(id)
      const out = await prepared.grade({ question: { kind: 'bank', question: q }, rubric: bank.rubrics.get(q.rubric)!.rubric, answer: strong(q), lang: 'en' })
      if (!out.ok) throw new Error(out.reason)
      expect({ ...out, latency_ms: 0 }).toEqual({ ...before[i]!, latency_ms: 0 })
    }
    await prepared.prepare!([])
  })
})
