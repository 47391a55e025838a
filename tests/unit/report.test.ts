import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import { buildSessionReport } from '../../src/core/report/session-report.js'
import type { SessionEvent } from '../../src/core/session/events.js'
import { renderSessionReportMarkdown, renderSessionReportText } from '../../src/cli/ui/session-report.js'
import { createColors } from '../../src/cli/ui/color.js'
import { displayWidth } from '../../src/cli/ui/text.js'

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank([shippedBankPaths()[0]!, resolve(__dirname, '../fixtures/banks/interview')], process.cwd())).bank
})
const sources = () => ({ question: (id: string) => bank.byId.get(id)?.question, rubric: (id: string) => bank.rubrics.get(id)?.rubric })

const at = '2026-11-25T08:00:00.000Z'
const verdict = (levels: number[]) => ({
  dimensions: ['principle', 'scenario', 'engineering', 'observability'].map((id, i) => ({ id, evidence: [`quote ${id}`], rationale: '', level: levels[i]! })),
  feedback: 'fb',
  missing: [],
  follow_up: '',
  flags: [],
})
const scores = (l: number[]) => ({ principle: l[0]!, scenario: l[1]!, engineering: l[2]!, observability: l[3]! })

function session(): SessionEvent[] {
  const opts = { count: 2, time: 60, lang: 'en' as const, follow_ups: 1, strict_time: false, categories: [], difficulty: null, seed: 1, adaptive: false }
  return [
    { type: 'session_start', at, id: 's', version: 1, options: opts, judge: { kind: 'offline' }, questions: ['fixture/tokenizer', 'fixture/batching'], banks: [] },
    { type: 'question_shown', at, key: 'q1', question_id: 'fixture/tokenizer', kind: 'main', prompt: 'p', dimension: null, budget_s: 60 },
    { type: 'hint', at, key: 'q1', dimension: 'engineering', key_point: 'library', text: 'Engineering: think about "sentencepiece".' },
    { type: 'answer', at, key: 'q1', text: 'BPE merges the most frequent pair. Byte-level fallback. I track compression and perplexity downstream and the fallback rate.', shown_at: at, submitted_at: at, time_used_s: 70, budget_s: 60, overtime_s: 10, via: 'inline', auto_submitted: false },
    { type: 'grade', at, key: 'q1', overall: 50, pass: false, scores: scores([3, 3, 0, 3]), judge: { kind: 'offline' }, latency_ms: 1,
      // The judge lists key points by their text: one made up for in the follow-up, one named but judged thin.
      verdict: { ...verdict([3, 3, 0, 3]), missing: ['Train with sentencepiece or HF tokenizers on a deduplicated sample.', 'Track compression (bytes per token) per language on a held-out set.'] } },
    { type: 'question_shown', at, key: 'q1.f1', question_id: 'fixture/tokenizer', kind: 'follow_up', prompt: 'How do you ship it?', dimension: 'engineering', budget_s: 30 },
    { type: 'answer', at, key: 'q1.f1', text: 'sentencepiece', shown_at: at, submitted_at: at, time_used_s: 20, budget_s: 30, overtime_s: 0, via: 'inline', auto_submitted: false },
    { type: 'grade', at, key: 'q1.f1', overall: 25, pass: false, scores: scores([0, 0, 2, 0]), verdict: verdict([0, 0, 2, 0]), judge: { kind: 'offline' }, latency_ms: 1 },
    { type: 'question_shown', at, key: 'q2', question_id: 'fixture/batching', kind: 'main', prompt: 'p2', dimension: null, budget_s: 60 },
    { type: 'answer', at, key: 'q2', text: 'no idea', shown_at: at, submitted_at: at, time_used_s: 5, budget_s: 60, overtime_s: 0, via: 'inline', auto_submitted: false },
    { type: 'judge_failure', at, key: 'q2', reason: 'HTTP 500', retryable: true, judge: { kind: 'openai' } },
  ]
}

describe('buildSessionReport', () => {
  it('scores only graded main answers, lifts a dimension its follow-up probed, and never scores a failure', () => {
    const r = buildSessionReport('s', session(), sources(), 'en')
    expect(r.overall).toBe(50)
    expect(r.ungraded).toBe(1)
    expect(r.status).toBe('unfinished')
    const eng = r.dimensions.find((d) => d.id === 'engineering')!
    expect(eng.mean).toBe(2) // 0 in the main answer, 2 in its engineering follow-up
    expect(r.weakest).toBe('engineering')
    expect(r.strongest).toBe('principle')
    const q2 = r.steps.find((s) => s.key === 'q2')!
    expect(q2.grade).toBeNull()
    expect(q2.failure).toBe('HTTP 500')
  })

  it('gives next steps from the missing key points of the weakest dimension, hints and overtime per question', () => {
    const r = buildSessionReport('s', session(), sources(), 'en')
    expect(r.next_steps[0]).toMatch(/^Engineering: /)
    expect(r.next_steps).toContain('Engineering: Fix Unicode normalisation (NFKC) before training and at inference.')
    // Missed in both questions comes first; the library point was covered by q1's follow-up, missed only in q2.
    expect(r.next_steps.slice(0, 2).sort()).toEqual([
      'Engineering: Fix Unicode normalisation (NFKC) before training and at inference.',
      'Engineering: Reserve special tokens and keep ids stable across versions.',
    ])
    expect(r.next_steps[2]).toBe('Engineering: Train with sentencepiece or HF tokenizers on a deduplicated sample.')
    expect(r.next_steps).toHaveLength(3)
    const q1 = r.steps[0]!
    expect(q1.overtime_s).toBe(10)
    const q1Missing = q1.missing_key_points.map((m) => m.text)
    expect(q1Missing).toContain('Track compression (bytes per token) per language on a held-out set.') // named, judged missing
    expect(q1Missing).not.toContain('Train with sentencepiece or HF tokenizers on a deduplicated sample.') // made up in the follow-up
    expect(q1Missing).not.toContain('BPE starts from bytes and repeatedly merges the most frequent adjacent pair.')
    expect(q1.hints).toEqual([{ dimension: 'Engineering', text: 'Engineering: think about "sentencepiece".' }])
    expect(q1.grade!.dimensions.find((d) => d.id === 'principle')!.descriptor).toMatch(/^Explains the mechanism correctly and specifically/)
    expect(q1.reference).toMatch(/BPE: bytes/)
  })

  it("shows the offline judge's own count of key points instead of a level descriptor it never checked", () => {
    const offline = session().map((e) =>
      e.type === 'grade'
        ? {
            ...e,
            judge: { ...e.judge, kind: 'offline' as const },
            verdict: {
              ...e.verdict,
              dimensions: e.verdict.dimensions.map((d) =>
                d.id === 'observability' ? { ...d, rationale: 'Makes none of its 3 key points.' } : { ...d, rationale: 'Makes 1 of 3 key points: BPE starts from bytes.' },
              ),
            },
          }
        : e,
    )
    const r = buildSessionReport('s', offline, sources(), 'en')
    const text = renderSessionReportText(r, 100, createColors({ NO_COLOR: '1' }, {}))
    expect(text).toMatch(/Principle \d\/4 — Makes 1 of 3 key points\.\n/)
    expect(text).toMatch(/Observability & evaluation \d\/4 — Makes none of its 3 key points\./)
    expect(text).not.toMatch(/No measurement or monitoring mentioned/)
    expect(renderSessionReportMarkdown(r)).toMatch(/— Makes 1 of 3 key points: BPE starts from bytes\./)
  })

  it('reflows the reference outline to the terminal: wrapped source lines join their bullet', () => {
    const r = buildSessionReport('s', session(), sources(), 'en')
    // An outline as a YAML author wraps it, at 60 columns.
    r.steps[0]!.reference = [
      '- BPE: start from bytes and merge the most frequent pair',
      '  repeatedly; encode greedily by rank.',
      '- Size: trade sequence length against embedding size;',
      '  balance fertility across languages with temperature',
      '  sampling.',
      '',
      '- Watch: bytes per token, fallback rate, perplexity.',
    ].join('\n')
    const section = (columns: number) => {
      const text = renderSessionReportText(r, columns, createColors({ NO_COLOR: '1' }, {}))
      const from = text.indexOf('  Reference outline:\n')
      return text.slice(from, text.indexOf('\n\n', text.indexOf('Watch', from))).split('\n').slice(1)
    }
    expect(section(100)).toEqual([
      '    - BPE: start from bytes and merge the most frequent pair repeatedly; encode greedily by rank.',
      '    - Size: trade sequence length against embedding size; balance fertility across languages with',
      '      temperature sampling.',
      '      ',
      '    - Watch: bytes per token, fallback rate, perplexity.',
    ])
    const narrow = section(50)
    for (const row of narrow) expect(displayWidth(row)).toBeLessThanOrEqual(49)
    expect(narrow.filter((row) => row.startsWith('    - '))).toHaveLength(3)
    expect(narrow.join(' ').replace(/\s+/g, ' ')).toContain('merge the most frequent pair repeatedly; encode greedily by rank.')
  })

  it('renders the level descriptor in the report language', () => {
    const r = buildSessionReport('s', session(), sources(), 'zh')
    const text = renderSessionReportText(r, 80, createColors({ NO_COLOR: '1' }, {}))
    expect(text).toContain('面试报告')
    expect(text).toMatch(/原理 3\/4 — 正确且具体地解释机制/)
    expect(text).toContain('评分失败——无分数: HTTP 500')
    const md = renderSessionReportMarkdown(buildSessionReport('s', session(), sources(), 'en'))
    expect(md).toContain('**Hints used:**')
    expect(md).toContain('| Engineering ▼ |')
    expect(md).toMatch(/time 1:10 \/ 1:00 · overtime \+0:10/)
    const withCode = session().map((e) => (e.type === 'answer' && e.key === 'q2' ? { ...e, text: 'see:\n```py\nx = 1\n```' } : e))
    expect(renderSessionReportMarkdown(buildSessionReport('s', withCode, sources(), 'en'))).toContain('````text\nsee:\n```py\nx = 1\n```\n````')
  })
})
