import { describe, expect, it } from 'vitest'
import { estimateCost } from '../../src/core/grading/prices.js'
import type { ResultRecord } from '../../src/core/grading/result.js'
import { createSummary } from '../../src/core/grading/summary.js'
import { renderBatchReportMd } from '../../src/cli/ui/batch-report-md.js'
import { renderBatchReportHtml } from '../../src/cli/ui/batch-report-html.js'
import { renderProgressLine } from '../../src/cli/ui/progress.js'

function rec(id: string, overall: number | null, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    id,
    question_id: 'llm-fundamentals/kv-cache',
    status: overall === null ? 'error' : 'graded',
    overall,
    scores: overall === null ? null : { principle: 3, scenario: 1 },
    feedback: 'f',
    missing: [],
    follow_up: '',
    flags: [],
    judge: { kind: 'openai', model: 'gpt-4.1-mini' },
    usage: { prompt_tokens: 1_000_000, completion_tokens: 100_000, cached_tokens: 500_000 },
    latency_ms: 10,
    error: overall === null ? { message: 'HTTP 500 after 4 attempts', cause: 'server', retryable: true, attempts: 4 } : null,
    rubric: 'llm-engineer',
    pass: overall === null ? null : overall >= 60,
    cached: false,
    ...extra,
  }
}

describe('summary', () => {
  it('computes mean, median, distribution, dimensions, questions, flags, errors, tokens and cost', () => {
    const s = createSummary({ repeat: 1 })
    s.add(rec('a', 40))
    s.add(rec('b', 80, { flags: ['prompt_injection'] }))
    s.add(rec('c', 100, { question_id: null }), { questionText: 'What is RAG?' })
    s.add(rec('d', null))
    s.add(rec('e', 90), { previous: true })
    const r = s.finish(1234)
    expect(r).toMatchObject({ total: 5, graded: 4, errors: 1, resumed: 1, mean_overall: 77.5, median_overall: 85, pass_rate: 0.75 })
    expect(r.distribution).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 1, 2])
    expect(r.dimensions.principle).toEqual({ mean: 3, n: 4 })
    expect(r.flags).toEqual({ prompt_injection: 1 })
    expect(r.questions.map((q) => q.question)).toEqual(['llm-fundamentals/kv-cache', 'free: What is RAG?'])
    expect(r.error_samples).toEqual([{ id: 'd', message: 'HTTP 500 after 4 attempts' }])
    // resumed records spent nothing in this run
    expect(r.usage.prompt_tokens).toBe(4_000_000)
    // 4 × (0.5M × 0.4 + 0.5M × 0.1 + 0.1M × 1.6) / 1M = 4 × 0.41
    expect(r.cost.usd).toBeCloseTo(1.64, 6)
  })

  it('gives no cost for an unknown model but says how to add one; halves for the Batch API', () => {
    const u = { prompt_tokens: 1_000_000, completion_tokens: 0, cached_tokens: 0 }
    expect(estimateCost(u, 'my-model')).toMatchObject({ usd: null, note: expect.stringMatching(/prices/) })
    expect(estimateCost(u, 'my-model', { 'my-model': { input: 3, output: 1 } }).usd).toBe(3)
    expect(estimateCost(u, 'gpt-4.1-mini-2025-04-14', undefined, { batch: true }).usd).toBeCloseTo(0.2)
  })

  it('renders md and html reports with every section, escaping untrusted text', () => {
    const s = createSummary({ repeat: 1 })
    s.add(rec('a', 70))
    s.add(rec('b', null, { error: { message: '<script>alert(1)</script>', cause: 'invalid_reply', retryable: false, attempts: 1 } }))
    const r = s.finish(10)
    const meta = { input: 'answers.jsonl', generated_at: '2026-01-01T00:00:00Z', min_score: 60 }
    const md = renderBatchReportMd(r, meta)
    for (const h of ['## Score distribution', '## Dimensions', '## Questions', '## Flags', '## Errors', '## Tokens and cost']) expect(md).toContain(h)
    expect(md).toContain('**pass**')
    const html = renderBatchReportHtml(r, meta)
    expect(html).toContain('<svg id="distribution"')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('renders a progress line with rate and ETA', () => {
    expect(renderProgressLine({ done: 50, total: 200, errors: 2, tokens: 12_300 }, 10_000, 10)).toBe(
      '[███░░░░░░░] 50/200 25% · 5.0/s · ETA 30s · errors 2 · tokens 12k',
    )
    expect(renderProgressLine({ done: 50, total: 200, errors: 2, tokens: 12_300, note: '重试 3 次' }, 10_000, 0, 'zh')).toBe(
      '50/200 25% · 5.0/s · 预计剩余 30s · 出错 2 · tokens 12k · 重试 3 次',
    )
  })
})

describe('progress on stderr', () => {
  it('redraws one line in a terminal and ends it with a newline', async () => {
    const { createProgress } = await import('../../src/cli/ui/progress.js')
    let out = ''
    let t = 0
    const p = createProgress({ write: (s: string) => (out += s), isTTY: true, columns: 120 }, { total: 4, now: () => t })
    for (let i = 1; i <= 4; i++) {
      t += 200
      p.update({ done: i, tokens: i * 1000 })
    }
    p.log('retrying a1 in 2s (429)')
    p.finish()
    expect(out.split('\r\x1b[K').length).toBeGreaterThan(4)
    expect(out).toContain('4/4 100%')
    expect(out).toContain('retrying a1 in 2s (429)\n')
    expect(out.endsWith('\n')).toBe(true)
    expect(out).toMatch(/\[█+\]/)
  })

  it('prints a plain line every few seconds when stderr is not a terminal', async () => {
    const { createProgress } = await import('../../src/cli/ui/progress.js')
    let out = ''
    let t = 1_000_000
    const p = createProgress({ write: (s: string) => (out += s), isTTY: false }, { total: 100, now: () => t, plainEveryMs: 5000 })
    for (let i = 1; i <= 100; i++) {
      t += 100 // 10 s in all
      p.update({ done: i })
    }
    p.finish()
    const lines = out.trim().split('\n')
    // One line at 5 s, one at 10 s (the last one is not repeated by finish()).
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^mockint: 50\/100 50%/)
    expect(out).not.toContain('\r')
    expect(lines.at(-1)).toMatch(/^mockint: 100\/100 100% · 10\/s · ETA 0s · errors 0 · tokens 0$/)
  })
})
