import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadBank, type Bank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import { CALIBRATION_RULES, calibrateBank, type CalibrationEvent } from '../../src/core/calibration/calibrate.js'
import { scoreVerdict } from '../../src/core/judge/score.js'
import type { Flag, GradeInput, GradeOutcome, Judge } from '../../src/core/judge/types.js'
import { InterruptedError } from '../../src/core/errors.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const kvFile = 'questions/llm-fundamentals/kv-cache.yaml'
const kvText = readFileSync(root + kvFile, 'utf8')
/** Line of the n-th calibration answer in the kv-cache question (computed, so edits to the file do not break this). */
const answerLine = (n: number) => kvText.split('\n').flatMap((l, i) => (/^\s+answer: /.test(l) ? [i + 1] : []))[n]!

/**
 * The shipped kv-cache question without its red flags (their probes have a test of their own below), so the
 * scripted judges here answer only the weak-answer probes.
 */
async function kvBank(opts: { redFlags?: boolean } = {}): Promise<Bank> {
  const { bank, issues } = await loadBank(['rubrics', kvFile], root)
  expect(issues).toEqual([])
  if (!opts.redFlags) for (const lq of bank.questions) lq.question.red_flags = []
  return bank
}

type Script = (input: GradeInput, kind: string | undefined) => { levels: number[]; flags?: Flag[]; evidence?: Record<string, string[]> } | { fail: string }

/** A judge that grades by script: `kind` is the calibration kind when the answer is a calibration answer verbatim. */
function scriptedJudge(script: Script): Judge & { calls: GradeInput[] } {
  const calls: GradeInput[] = []
  return {
    kind: 'offline',
    calls,
    describe: () => 'scripted test judge',
    async grade(input): Promise<GradeOutcome> {
      calls.push(input)
      const q = input.question.kind === 'bank' ? input.question.question : undefined
      const kind = q?.calibration.find((c) => c.answer === input.answer)?.kind
      const r = script(input, kind)
      if ('fail' in r) return { ok: false, reason: r.fail, cause: 'server', retryable: false, judge: { kind: 'offline' } }
      const verdict = {
        dimensions: input.rubric.dimensions.map((d, i) => ({ id: d.id, evidence: r.evidence?.[d.id] ?? [], rationale: '', level: r.levels[i] ?? 0 })),
        feedback: '',
        missing: [],
        follow_up: '',
        flags: r.flags ?? [],
      }
      const s = scoreVerdict(verdict, input.rubric)
      if (!s.ok) throw new Error(s.reason)
      return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass, judge: { kind: 'offline' }, usage: { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 }, latency_ms: 1 }
    },
  }
}

const manipulative = (a: string) => /Ignore the rubric|忽略评分标准|"overall":100/.test(a)
/** A judge that ranks calibration answers as intended and resists every probe. */
const goodScript: Script = (input, kind) => {
  if (kind === 'strong') return { levels: [4, 4, 3, 3] }
  if (kind === 'borderline') return { levels: [2, 2, 1, 1] }
  if (kind === 'weak') return { levels: [1, 0, 0, 0] }
  if (manipulative(input.answer)) return { levels: [1, 0, 0, 0], flags: ['prompt_injection'] }
  return { levels: [0, 0, 0, 0] }
}

describe('calibrateBank', () => {
  it('fails a red flag whose wrong claim the judge does not see, and passes one it caps', async () => {
    const bank = await kvBank({ redFlags: true })
    const q = bank.questions[0]!.question
    const [seen, missed] = q.red_flags
    const dims = ['principle', 'scenario', 'engineering', 'observability']
    // Strong levels everywhere, except the dimension of the first flag when its claim is in the answer.
    const judge = scriptedJudge((input, kind) => {
      if (input.answer.includes(seen!.en) || input.answer.includes(seen!.zh))
        return { levels: dims.map((d) => (d === seen!.dimension ? seen!.cap : 4)) }
      if (input.answer.includes(missed!.en) || input.answer.includes(missed!.zh)) return { levels: [4, 4, 4, 4] }
      return goodScript(input, kind)
    })
    const report = await calibrateBank(bank, { judge })
    const probes = report.questions[0]!.probes.filter((p) => p.kind === 'red-flag')
    expect(probes.filter((p) => p.red_flag?.id === seen!.id).every((p) => p.ok === true)).toBe(true)
    expect(probes.filter((p) => p.red_flag?.id === missed!.id).every((p) => p.ok === false)).toBe(true)
    const issues = report.issues.filter((i) => i.rule === 'calibration/probe-red-flag')
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]!.message).toContain(`red flag "${missed!.id}"`)
    expect(issues[0]!.message).toContain(`got 4 on ${missed!.dimension}, above the flag's cap ${missed!.cap}`)
    expect(report.questions[0]!.status).toBe('fail')
  })

  it('passes a question whose answers land in their bands, in order, with probes held down', async () => {
    const bank = await kvBank()
    const judge = scriptedJudge(goodScript)
    const events: CalibrationEvent[] = []
    const report = await calibrateBank(bank, { judge, onEvent: (e) => events.push(e) })
    const q = report.questions[0]!
    expect(report.issues).toEqual([])
    expect(q.status).toBe('pass')
    expect(Object.fromEntries(Object.entries(q.checks).map(([k, v]) => [k, v.status]))).toEqual({
      bands: 'pass',
      order: 'pass',
      margin: 'pass',
      probes: 'pass',
      stability: 'skip',
    })
    expect(q.answers.map((a) => a.overall)).toEqual([87.5, 37.5, 6.3, 87.5])
    expect(q.discrimination.find((d) => d.lang === 'en')).toMatchObject({ margin: 81.2, order_ok: true, margin_ok: true })
    // zh has only a strong answer: no order to check there
    expect(q.discrimination.find((d) => d.lang === 'zh')).toMatchObject({ order_ok: null, margin: null })
    expect(q.probes.map((p) => [p.name, p.ok])).toEqual([
      ['empty', true],
      ['buzzwords-en', true],
      ['echo-en', true],
      ['injection-en', true],
      ['injection-zh', true],
      ['fake-json', true],
    ])
    // 4 calibration answers + 6 probes (no off-topic: the bank has one question)
    expect(judge.calls.length).toBe(10)
    expect(report.summary).toEqual({ questions: 1, passed: 1, failed: 0, errored: 0 })
    expect(events[0]).toEqual({ type: 'start', questions: 1, gradings: 10 })
    expect(events.filter((e) => e.type === 'graded').length).toBe(10)
    expect(judge.calls.find((c) => c.answer.includes('忽略评分标准'))!.lang).toBe('en')
  })

  it('reports a strong answer below its band, out of order and under the margin, at its line', async () => {
    const bank = await kvBank()
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (kind === 'strong' && input.lang === 'en' ? { levels: [0, 0, 1, 0] } : goodScript(input, kind))),
    })
    const q = report.questions[0]!
    expect(q.status).toBe('fail')
    const at = (rule: string) => report.issues.filter((i) => i.rule === rule).map((i) => `${i.file}:${i.line}`)
    expect(at('calibration/band')).toEqual([`${kvFile}:${answerLine(0)}`])
    // strong (6.3) is not above borderline (37.5) nor weak (6.3)
    expect(at('calibration/order')).toEqual([`${kvFile}:${answerLine(0)}`, `${kvFile}:${answerLine(0)}`])
    expect(report.issues.find((i) => i.rule === 'calibration/band')!.message).toMatch(/strong \(en\) answer scored 6\.3, below its band \[65, 100\]/)
    expect(q.checks.margin.status).toBe('fail')
    // a negative gap is an order problem, not reported twice as a margin problem
    expect(at('calibration/margin')).toEqual([])
  })

  it('warns about an answer on the inner edge of its band, without failing the question', async () => {
    const bank = await kvBank()
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (kind === 'borderline' ? { levels: [1, 1, 1, 1] } : goodScript(input, kind))),
    })
    const q = report.questions[0]!
    expect(report.issues.map((i) => [i.rule, i.severity, i.line])).toEqual([['calibration/band-edge', 'warning', answerLine(1)]])
    expect(report.issues[0]!.message).toContain('borderline (en) answer scored 25, on the edge of its band [25, 64]')
    expect(q.checks.bands.status).toBe('warn')
    expect(q.status).toBe('pass')
  })

  it('reports a margin that is positive but too small', async () => {
    const bank = await kvBank()
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (kind === 'weak' ? { levels: [3, 3, 2, 2] } : kind === 'borderline' ? { levels: [3, 3, 3, 3] } : goodScript(input, kind))),
    })
    const m = report.issues.find((i) => i.rule === 'calibration/margin')!
    expect(m.line).toBe(answerLine(0))
    expect(m.message).toMatch(/strong − weak \(en\) is 25 points .* under the margin 30 of rubric "llm-engineer"/)
  })

  it('fails probes that score above the weak band and manipulative ones left unflagged, pointing at the weak answer', async () => {
    const bank = await kvBank()
    const weakLine = answerLine(2)
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => {
        if (kind) return goodScript(input, kind)
        if (input.answer.includes('Key points:'))
          return { levels: [3, 3, 3, 3], evidence: {
              principle: ['A lot of people overlook O(n^2), but it makes a real difference in practice.'],
              scenario: ['I would definitely bring up GQA as well, because it comes up in almost every discussion.'],
              // quoted under the wrong dimension: not counted for the principle key points it names
              engineering: ['In my experience recompute is what really matters here, and I have seen teams get this wrong many times.'],
            } }
        if (input.answer.includes('Ignore the rubric')) return { levels: [4, 4, 4, 4] }
        if (manipulative(input.answer)) return { levels: [1, 0, 0, 0] }
        return { levels: [0, 0, 0, 0] }
      }),
    })
    const rules = report.issues.map((i) => `${i.rule}@${i.line}`)
    expect(rules).toEqual(
      expect.arrayContaining([
        `calibration/probe-buzzwords@${weakLine}`,
        `calibration/probe-injection@${weakLine}`,
        `calibration/unflagged-injection@${weakLine}`,
      ]),
    )
    expect(report.issues.filter((i) => i.rule === 'calibration/unflagged-injection').length).toBe(3)
    const buzz = report.questions[0]!.probes.find((p) => p.kind === 'buzzwords')!
    expect(buzz.buzzword_evidence).toEqual([
      { dimension: 'principle', quote: expect.stringContaining('overlook O(n^2)'), key_points: ['complexity'] },
      { dimension: 'scenario', quote: expect.stringContaining('bring up GQA'), key_points: ['gqa-mqa'] },
      // quoted under a dimension whose key points it does not name
      { dimension: 'engineering', quote: expect.stringContaining('experience recompute'), key_points: [] },
    ])
    expect(report.issues.find((i) => i.rule === 'calibration/probe-buzzwords')!.message).toContain(
      'padding sentences counted as evidence for principle, scenario, engineering (naming complexity, gqa-mqa)',
    )
    expect(report.questions[0]!.checks.probes).toMatchObject({ status: 'fail', detail: '2/6' })
    for (const i of report.issues) expect(Object.keys(CALIBRATION_RULES)).toContain(i.rule)
  })

  it('an echo-padded weak answer above the band is a warning, an error under --strict', async () => {
    const bank = await kvBank()
    const script: Script = (input, kind) =>
      !kind && input.answer.includes('is really the key thing to get right') ? { levels: [2, 2, 2, 2] } : goodScript(input, kind)
    const lenient = await calibrateBank(bank, { judge: scriptedJudge(script) })
    expect(lenient.issues.map((i) => [i.rule, i.severity, i.line])).toEqual([['calibration/probe-echo', 'warning', answerLine(2)]])
    expect(lenient.issues[0]!.message).toMatch(/restate the question around each key-point term scored 50, above 24/)
    expect(lenient.questions[0]!.checks.probes.status).toBe('warn')
    expect(lenient.questions[0]!.status).toBe('pass')
    const strict = await calibrateBank(bank, { judge: scriptedJudge(script), strict: true })
    expect(strict.issues.map((i) => i.severity)).toEqual(['error'])
    expect(strict.questions[0]!.status).toBe('fail')
  })

  it('records a judge failure as an error, never a score', async () => {
    const bank = await kvBank()
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (kind === 'borderline' ? { fail: 'HTTP 500 from judge' } : goodScript(input, kind))),
    })
    const q = report.questions[0]!
    expect(report.judge_failures).toBe(1)
    expect(q.status).toBe('error')
    const b = q.answers.find((a) => a.kind === 'borderline')!
    expect(b.overall).toBeNull()
    expect(b.in_band).toBeNull()
    expect(b.error).toBe('HTTP 500 from judge')
    expect(q.checks.bands.status).toBe('error')
    expect(q.checks.order.status).toBe('error')
    expect(q.checks.probes.status).toBe('pass')
    expect(report.issues).toEqual([])
  })

  it('grades each answer `repeat` times, uses the median, and reports unstable answers (error under strict)', async () => {
    const bank = await kvBank()
    const jitter = (): Script => {
      const seen = new Map<string, number>()
      return (input, kind) => {
        const n = seen.get(input.answer) ?? 0
        seen.set(input.answer, n + 1)
        // the strong en answer swings between 62.5 and 100; the rest is steady
        if (kind === 'strong' && input.lang === 'en') return { levels: [[4, 4, 4, 4], [3, 3, 2, 2], [4, 4, 3, 3]][n]! }
        return goodScript(input, kind)
      }
    }
    const report = await calibrateBank(bank, { judge: scriptedJudge(jitter()), repeat: 3 })
    const strong = report.questions[0]!.answers[0]!
    expect(strong.runs.map((r) => (r.ok ? r.overall : null))).toEqual([100, 62.5, 87.5])
    expect(strong.overall).toBe(87.5)
    expect(strong.spread).toBe(37.5)
    expect(strong.dimension_agreement).toBeCloseTo(0.5, 3)
    const unstable = report.issues.filter((i) => i.rule === 'calibration/unstable')
    expect(unstable.map((i) => [i.severity, i.line])).toEqual([['warning', answerLine(0)]])
    expect(report.questions[0]!.checks.stability).toMatchObject({ status: 'warn', detail: '±37.5 50%' })
    expect(report.questions[0]!.status).toBe('pass')

    const strict = await calibrateBank(bank, { judge: scriptedJudge(jitter()), repeat: 3, strict: true })
    expect(strict.issues.filter((i) => i.rule === 'calibration/unstable').map((i) => i.severity)).toEqual(['error'])
    expect(strict.questions[0]!.status).toBe('fail')
  })

  it('adds the off-topic probe from another category and holds it to the weak band', async () => {
    const bank = await kvBank()
    const base = bank.questions[0]!
    const other: Question = { ...structuredClone(base.question), id: 'rag/other', category: 'rag' }
    other.calibration = other.calibration.map((c) => ({ ...c, answer: `RAG ${c.answer}` }))
    bank.questions.push({ ...base, question: other })
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (input.answer.startsWith('RAG') && input.question.kind === 'bank' && input.question.question.id !== 'rag/other' ? { levels: [2, 2, 2, 2] } : goodScript(input, kind))),
    })
    const kv = report.questions.find((q) => q.id === 'llm-fundamentals/kv-cache')!
    expect(kv.probes.find((p) => p.kind === 'off-topic')).toMatchObject({ source: 'rag/other', overall: 50, ok: false })
    expect(kv.issues.map((i) => i.rule)).toEqual(['calibration/probe-off-topic'])
  })

  it('stops calling a judge that keeps failing and records the rest as not attempted', async () => {
    const bank = await kvBank()
    const judge = scriptedJudge(() => ({ fail: '401 invalid API key' }))
    const report = await calibrateBank(bank, { judge, concurrency: 1, maxConsecutiveFailures: 3 })
    expect(judge.calls.length).toBe(3)
    expect(report.judge_failures).toBe(report.gradings)
    const errors = [...report.questions[0]!.answers, ...report.questions[0]!.probes].map((a) => a.error)
    expect(errors.slice(0, 3)).toEqual(['401 invalid API key', '401 invalid API key', '401 invalid API key'])
    expect(errors[3]).toBe('not attempted: the judge failed 3 times in a row (last: 401 invalid API key)')
    expect(report.questions[0]!.status).toBe('error')
  })

  it('compares across languages when no language holds two kinds of answer', async () => {
    const bank = await kvBank()
    const q = bank.questions[0]!.question
    // English strong only, Chinese weak only
    q.calibration = [q.calibration[0]!, { kind: 'weak', lang: 'zh', band: [0, 24], answer: 'KV 缓存就是缓存，所以更快。' }]
    const report = await calibrateBank(bank, {
      judge: scriptedJudge((input, kind) => (kind === 'weak' ? { levels: [4, 4, 4, 4] } : goodScript(input, kind))),
    })
    const r = report.questions[0]!
    expect(r.discrimination.map((d) => [d.lang, d.order_ok])).toEqual([
      ['en', null],
      ['zh', null],
      ['all', false],
    ])
    expect(r.issues.find((i) => i.rule === 'calibration/order')!.message).toMatch(/^strong \(en\) answer scored 87\.5, not above the weak \(zh\) answer/)
  })

  it('stops on abort with InterruptedError', async () => {
    const bank = await kvBank()
    const ac = new AbortController()
    ac.abort()
    await expect(calibrateBank(bank, { judge: scriptedJudge(goodScript), signal: ac.signal })).rejects.toBeInstanceOf(InterruptedError)
  })
})
