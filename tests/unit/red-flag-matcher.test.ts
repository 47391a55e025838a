/**
 * The red-flag matcher's reading of ordinary words: a Chinese word that starts with a negating character but
 * does not negate (不错, 不足, 不超过) does not cancel a claim, and "false alarms", 错误率 or 错误码 do not make a
 * sentence a correction; real negations and corrections still do.
 */
import { describe, expect, it } from 'vitest'
import type { RedFlag } from '../../src/core/bank/schema.js'
import { analyseAnswer } from '../../src/core/judge/offline/analyse.js'
import { findRedFlags } from '../../src/core/judge/offline/red-flags.js'

const flag: RedFlag = {
  id: 'kv-full-crashes',
  dimension: 'principle',
  cap: 1,
  en: 'When the KV cache is full the server crashes.',
  zh: 'KV cache 满了服务就会崩溃。',
  correction: { en: 'vLLM preempts and requeues requests.', zh: 'vLLM 会抢占并重新排队请求。' },
  terms: { en: ['kv cache'], zh: ['kv cache'] },
  with: { en: ['server crashes', 'crashes the server'], zh: ['服务就会崩溃', '服务会崩溃'] },
}
const fires = (text: string) => findRedFlags({ red_flags: [flag] }, analyseAnswer(text)).length > 0

describe('red-flag matcher', () => {
  it('is not cancelled by Chinese words that only begin with a negating character', () => {
    expect(fires('显存不足的时候 KV cache 一满，服务就会崩溃。')).toBe(true)
    expect(fires('这个方案不错，KV cache 满了以后服务会崩溃。')).toBe(true)
    expect(fires('KV cache 满了服务不会崩溃，只会抢占请求。')).toBe(false)
  })

  it('does not read "false alarms" or 错误率 as a correction, but still reads "it is wrong" as one', () => {
    expect(fires('To cut false alarms we watched it: once the KV cache filled, the server crashes.')).toBe(true)
    expect(fires('错误率上升是因为 KV cache 满了服务就会崩溃。')).toBe(true)
    expect(fires('It is wrong to think that a full KV cache means the server crashes.')).toBe(false)
    expect(fires('A common mistake is to assume a full KV cache means the server crashes.')).toBe(false)
    expect(fires('When the KV cache is full, avoid server crashes by preempting requests.')).toBe(false)
    expect(fires('认为 KV cache 满了服务就会崩溃，这是错误的。')).toBe(false)
  })

  it('is not cancelled by 不过 (but), 没关系 (no matter) or 差不多 (about the same)', () => {
    expect(fires('吞吐差不多，不过 KV cache 满了服务就会崩溃。')).toBe(true)
    expect(fires('没关系，KV cache 满了服务会崩溃，重启就行。')).toBe(true)
    expect(fires('KV cache 满了服务不会崩溃。')).toBe(false)
  })

  it('reads 不管 as "whatever", and "close to", 几乎 or 基本 before a predicate as a hedge', () => {
    expect(fires('不管流量多大，KV cache 满了服务就会崩溃。')).toBe(true)
    const lossless: RedFlag = { ...flag, id: 'int4-lossless', terms: { en: ['int4'], zh: ['int4'] }, with: { en: ['lossless'], zh: ['无损'] } }
    const says = (text: string) => findRedFlags({ red_flags: [lossless] }, analyseAnswer(text)).length > 0
    expect(says('INT4 weight quantisation is lossless for this model.')).toBe(true)
    expect(says('INT4 weight quantisation is close to lossless for this model.')).toBe(false)
    expect(says('INT4 量化对这个模型是无损的。')).toBe(true)
    expect(says('INT4 量化对这个模型几乎无损。')).toBe(false)
    expect(says('INT4 量化对这个模型基本无损。')).toBe(false)
    expect(says('INT4 quantisation rarely stays lossless on small models.')).toBe(false)
  })
})
