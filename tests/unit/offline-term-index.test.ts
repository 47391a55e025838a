/**
 * termsIn reads a sentence against a whole question's terms at once, from an index (a flat table of latin terms
 * by first key id, CJK terms by first character). It must find exactly what findTerm finds term by term: the
 * same terms, and for an index that keeps hits, the same token positions.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBank, packageRoot, shippedBankPaths, type Bank } from '../../src/core/bank/load.js'
import type { Question } from '../../src/core/bank/schema.js'
import { analyseAnswer, compileTerm, findTerm, indexTerms, termsIn, type AnalysedSentence, type CompiledTerm } from '../../src/core/judge/offline/analyse.js'

let bank: Bank
beforeAll(async () => {
  bank = (await loadBank(shippedBankPaths(), packageRoot())).bank
})

/** Every term, `with` term and red-flag term of a question, compiled (repeats kept: each has its own number). */
function termsOf(q: Question): CompiledTerm[] {
  const texts: string[] = []
  for (const points of Object.values(q.key_points))
    for (const p of points) texts.push(...p.terms.en, ...p.terms.zh, ...(p.with?.en ?? []), ...(p.with?.zh ?? []))
  for (const f of q.red_flags ?? []) texts.push(...f.terms.en, ...f.terms.zh)
  return texts.map(compileTerm).filter((t): t is CompiledTerm => t !== null)
}

/**
 * Sentences that hold many terms, several times, next to each other and cut short: the question's own texts,
 * its terms run together and repeated, and the same texts with every other word dropped.
 */
function sentencesFor(q: Question): AnalysedSentence[] {
  const texts = [q.reference.en, q.reference.zh, q.prompt.en, q.prompt.zh]
  for (const points of Object.values(q.key_points))
    for (const p of points) {
      texts.push(`${p.en} ${p.terms.en.join(' ')} ${p.terms.en.join(' ')}`, `${p.zh}${p.terms.zh.join('')}${p.terms.zh.join('')}`)
      texts.push(p.en.split(' ').filter((_, i) => i % 2 === 0).join(' '), [...p.terms.en, ...p.terms.zh].join(' '))
    }
  for (const f of q.red_flags ?? []) texts.push(`${f.en} ${f.terms.en.join(' and ')} ${f.with.en.join(' ')}`, `${f.zh}${f.terms.zh.join('、')}`)
  return texts.flatMap((t) => analyseAnswer(t))
}

describe('termsIn', () => {
  it('finds the terms findTerm finds, at the same tokens, for every question of the bank', () => {
    let found = 0
    let repeated = 0
    let sentences = 0
    for (const { question: q } of bank.questions) {
      const terms = termsOf(q)
      const withHits = indexTerms(terms)
      const withoutHits = indexTerms(terms, false)
      for (const s of sentencesFor(q)) {
        sentences++
        const expected = terms.flatMap((t, n) => (findTerm(t, s).length > 0 ? [n] : []))
        const scan = termsIn(withHits, s)
        expect([...scan.found].sort((a, b) => a - b), s.text).toEqual(expected)
        // A term not found has no hits, whatever an earlier sentence held.
        expect(terms.flatMap((_, n) => (scan.counts[n]! > 0 ? [n] : [])), s.text).toEqual(expected)
        for (const n of scan.found) {
          const hits = findTerm(terms[n]!, s)
          expect(scan.hits[n]!.slice(0, scan.counts[n]), `${s.text} / term ${n}`).toEqual(hits)
          if (hits.length > (terms[n]!.kind === 'latin' ? terms[n]!.ids.length : terms[n]!.compact.length)) repeated++
        }
        expect([...termsIn(withoutHits, s).found].sort((a, b) => a - b), s.text).toEqual(expected)
        found += expected.length
      }
    }
    // Many sentences, many terms found, some more than once in a sentence (hits of a repeat are appended).
    expect(sentences).toBeGreaterThan(2000)
    expect(found).toBeGreaterThan(5000)
    expect(repeated).toBeGreaterThan(100)
  })

  it('reads each scan afresh: a term found in one sentence is not carried into the next', () => {
    const terms = ['kv cache', 'cache', '缓存', 'paged attention'].map((t) => compileTerm(t)!)
    const index = indexTerms(terms)
    const [a, b, c] = analyseAnswer('The kv cache grows with the kv cache size. Paged attention helps. 缓存很大。')
    expect(termsIn(index, a!).found).toEqual([0, 1])
    expect(index.scan.hits[0]!.slice(0, index.scan.counts[0])).toEqual([1, 2, 6, 7])
    expect(termsIn(index, b!).found).toEqual([3])
    expect([...index.scan.counts]).toEqual([0, 0, 0, 2])
    expect(termsIn(index, c!).found).toEqual([2])
    expect(index.scan.hits[2]!.slice(0, index.scan.counts[2])).toEqual(findTerm(terms[2]!, c!))
    // A later, shorter run of the same term overwrites the start of its array: only the count says where it ends.
    const [d] = analyseAnswer('The kv cache.')
    expect(termsIn(index, d!).found).toEqual([0, 1])
    expect(index.scan.hits[0]!.slice(0, index.scan.counts[0])).toEqual([1, 2])
  })

  it('finds a CJK term one character long, and one whose first characters occur apart before they occur together', () => {
    const terms = ['大', '缓存', '存储'].map((t) => compileTerm(t)!)
    const index = indexTerms(terms)
    const [s] = analyseAnswer('缓慢的存取，缓存很大，存储也大。')
    expect([...termsIn(index, s!).found].sort()).toEqual([0, 1, 2])
    for (const n of [0, 1, 2]) expect(index.scan.hits[n]!.slice(0, index.scan.counts[n])).toEqual(findTerm(terms[n]!, s!))
  })
})
