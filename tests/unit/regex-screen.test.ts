import { describe, expect, it } from 'vitest'
import { countCues, RUNG_CUES, STORY_CUES, type CueList } from '../../src/core/judge/offline/cues.js'
import { LiteralScreen, requiredLiterals, TextGrams } from '../../src/core/text/regex-screen.js'

function lcg(seed: number): (n: number) => number {
  return (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
}

/** Random texts built from `pieces` (whole literals, parts of words, spaces, punctuation). */
function texts(pieces: readonly string[], n: number, seed: number): string[] {
  const rand = lcg(seed)
  return Array.from({ length: n }, () => Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join(''))
}

/** Holds a pattern's literals to what it matches: every text it matches holds one of them. */
function expectSound(re: RegExp, samples: readonly string[]): number {
  const literals = requiredLiterals(re)
  let matched = 0
  for (const t of samples) {
    if (!re.test(t)) continue
    matched++
    if (literals !== null) expect(literals.some((l) => t.includes(l)), `${re} matches ${JSON.stringify(t)} but holds none of ${JSON.stringify(literals)}`).toBe(true)
  }
  return matched
}

describe('requiredLiterals', () => {
  it.each([
    [/\b(?:because|due to)\b|因为/, ['因为', 'due to', 'because']],
    [/\bfull\s+marks\b/, ['marks']],
    [/\btrade-?offs?\b/, ['tradeoff', 'trade-off']],
    [/\b\d+(?:\.\d+)?\s*(?:ms|gb)\b/, ['ms', 'gb']],
    [/\b\d+(?:\.\d+)?\s*(?:m|%|x)/, ['m', '%', 'x']],
    [/\d+(?:ms|%)?/, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']],
    [/p(?:50|99)\b|percentiles?/, ['p50', 'p99', 'percentile']],
    [/colou?r/, ['color', 'colour']],
    [/ab{2}c/, ['abbc']],
    [/x{0,3}y/, ['y']],
  ])('reads %s as %j', (re, want) => {
    expect(new Set(requiredLiterals(re))).toEqual(new Set(want))
  })

  it.each([/\w+/, /a|\s/, /(?:x)?/, /[^a]b?/, /(a)\1/, /./, /foo/i, /[a-z]+/])('knows no literal that %s needs', (re) => {
    // Either nothing is known, or what is known is sound (checked on the patterns' own strings below).
    const literals = requiredLiterals(re)
    if (literals !== null) expect(literals.every((l) => l.length > 0)).toBe(true)
  })

  it('is sound on constructs that make a part optional, repeated, alternative or zero-width', () => {
    const patterns = [
      /ab?c/,
      /a(?:bc|d)?e/,
      /(?:ab|cd)+ef/,
      /a{2,}b/,
      /(?:x|y){2}z/,
      /ab*?c/,
      /(?=abc)a/,
      /(?<!x)ab/,
      /a(?:cd|)e/,
      /[abc]d|e[^f]g/,
      /\x41\u0042[\x43-\x45]/,
      /(a|b)\1c/,
      /(?<name>ab)c\k<name>/,
      /a\.b\/c\(d\)/,
      /[-_]x|y[.,]z/,
      /😀?a/,
      /😀?a/u,
      /\u{1F600}b/u,
      /[😀]c/u,
      /^a$|b/,
      /a(?:b|c(?:d|e)?)f/,
    ]
    const pieces = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'x', 'y', 'z', 'A', 'B', 'C', 'D', 'E', '.', '/', '(', ')', '-', '_', ',', ' ', '😀', '\ud83d', '\ude00', 'ab', 'abc', 'cd', 'a.b/c(d)']
    const samples = texts(pieces, 20_000, 17)
    for (const re of patterns) expect(expectSound(re, samples), String(re)).toBeGreaterThan(0)
  })
})

const LISTS: [string, CueList][] = [...Object.entries(RUNG_CUES), ...Object.entries(STORY_CUES).map(([k, v]) => [`story ${k}`, v] as [string, CueList])]

/** Pieces of cue-like text: every cue's literals, their halves, and the characters that sit between words. */
function cuePieces(): string[] {
  const pieces = new Set([' ', ' ', '\n', '.', ',', "'", '-', '/', '(', ')', '=', '%', '1', '0.5', 'x', '×', 's', 'ed', 'ing', 'i', 'we', 'the', 'a', '如果', '就', '我们', '缓存'])
  for (const [, list] of LISTS)
    for (const re of list)
      for (const l of requiredLiterals(re) ?? []) {
        pieces.add(l)
        pieces.add(l.slice(0, Math.ceil(l.length / 2)))
        pieces.add(l.slice(Math.ceil(l.length / 2)))
      }
  return [...pieces]
}

describe('countCues', () => {
  const samples = texts(cuePieces(), 4000, 23)

  it('every cue pattern can be read, and its literals are sound on random cue text', () => {
    let matched = 0
    for (const [, list] of LISTS) for (const re of list) matched += expectSound(re, samples)
    expect(matched).toBeGreaterThan(3000)
  })

  it('counts what testing every pattern counts, on random cue text', () => {
    let cues = 0
    for (const [, list] of LISTS)
      for (const t of samples) {
        const want = list.filter((re) => re.test(t)).length
        cues += want
        expect(countCues(list, t), JSON.stringify(t)).toBe(want)
      }
    expect(cues).toBeGreaterThan(3000)
  })

  it('counts a text again after another one (the recorded pairs follow the text)', () => {
    const list = RUNG_CUES.principle!
    expect(countCues(list, 'it fails because of the cache')).toBe(1)
    expect(countCues(list, 'nothing here')).toBe(0)
    expect(countCues(list, 'it fails because of the cache')).toBe(1)
  })
})

describe('LiteralScreen', () => {
  it('rules a pattern out only when none of its literals is in the text', () => {
    const screen = new LiteralScreen(/\b(?:because|due to)\b|因为/)
    const pairs = new TextGrams()
    expect(screen.mayMatch(pairs.load('late due to rain'))).toBe(true)
    expect(screen.mayMatch(pairs.load('因为下雨'))).toBe(true)
    expect(screen.mayMatch(pairs.load('the cause was rain, due'))).toBe(false)
    expect(screen.mayMatch(pairs.load(''))).toBe(false)
    expect(new LiteralScreen(/\w+/).mayMatch(pairs.load(''))).toBe(true)
  })

  it('rules a literal out when its grams are in the text but apart, in either script', () => {
    const grams = new TextGrams()
    // "cos" and "ost" are both there, "cost" is not; 监 and 控 are there, 监控 is not.
    expect(new LiteralScreen(/\bcost\b/).mayMatch(grams.load('a cosy ghost'))).toBe(false)
    expect(new LiteralScreen(/\bcost\b/).mayMatch(grams.load('the cost of it'))).toBe(true)
    expect(new LiteralScreen(/监控/).mayMatch(grams.load('控制和监督'))).toBe(false)
    expect(new LiteralScreen(/监控/).mayMatch(grams.load('我们会监控缓存'))).toBe(true)
    // One and two characters long: the character, the pair.
    expect(new LiteralScreen(/\d+x/).mayMatch(grams.load('no figures here'))).toBe(false)
    expect(new LiteralScreen(/\d+x/).mayMatch(grams.load('3x faster'))).toBe(true)
    expect(new LiteralScreen(/p9|vs/).mayMatch(grams.load('p 9 v s'))).toBe(false)
    expect(new LiteralScreen(/p9|vs/).mayMatch(grams.load('a vs b'))).toBe(true)
  })
})

describe('the code cue', () => {
  it('tests as the pattern with `\\w+\\(` that it stands for, on random code-like text', () => {
    const written = /\b(?:def |class |return |import |async |await )|\w+\([^)]*\)|```/
    const cue = RUNG_CUES.engineering!.find((re) => re.source.includes('def |class'))!
    const rand = lcg(31)
    const pieces = ['f', 'x1', '_', 'é', '缓', ' ', '(', ')', '((', '))', '`', '```', 'def ', 'return ', '.', '\n', 'a(b)', '(x', 'y)', '-']
    let hits = 0
    for (let i = 0; i < 20_000; i++) {
      const t = Array.from({ length: 1 + rand(10) }, () => pieces[rand(pieces.length)]).join('')
      const want = written.test(t)
      if (want) hits++
      expect(cue.test(t), JSON.stringify(t)).toBe(want)
    }
    expect(hits).toBeGreaterThan(2000)
    expect(hits).toBeLessThan(18_000)
  })
})
