import { hasCjk, normalise } from '../../text/normalise.js'
import { splitSentences } from '../../text/sentences.js'
import { STOP_WORDS, tokenise, wordCount, type Token } from '../../text/tokenise.js'

/** A term compiled for matching: a token-key sequence (latin, word boundaries) or a compact CJK string. */
export type CompiledTerm = LatinTerm | { kind: 'cjk'; compact: string }
type LatinTerm = { kind: 'latin'; keys: string[] }

/** Compiles a term written by a bank author. Returns null for a term that normalises to nothing. */
export function compileTerm(term: string): CompiledTerm | null {
  const norm = normalise(term)
  return compileTokens(norm, tokenise(norm))
}

/** {@link compileTerm} of a term already normalised and tokenised. */
export function compileTokens(norm: string, tokens: readonly Token[]): CompiledTerm | null {
  if (tokens.length === 0) return null
  if (hasCjk(norm)) return { kind: 'cjk', compact: tokens.map((t) => t.text).join('') }
  return { kind: 'latin', keys: tokens.map((t) => t.key) }
}

/** One sentence of an answer, ready for matching. */
export interface AnalysedSentence {
  /** As written, for quoting. */
  text: string
  start: number
  end: number
  tokens: Token[]
  /** Token texts concatenated (no spaces), for CJK substring matching, and the token of every char. */
  compact: string
  compactToken: number[]
  /** Latin words + numbers + CJK characters / 2. */
  words: number
  /** Token positions by key (see `findTerm`), filled on first use. */
  keyIndex?: Map<string, number[]>
}

/** Splits an answer into analysed sentences, skipping those that overlap any of `drop` (offset ranges). */
export function analyseAnswer(answer: string, drop: readonly { start: number; end: number }[] = []): AnalysedSentence[] {
  const out: AnalysedSentence[] = []
  for (const s of splitSentences(answer)) {
    if (drop.some((d) => d.start < s.end && d.end > s.start)) continue
    const tokens = tokenise(normalise(s.text))
    if (tokens.length === 0) continue
    let compact = ''
    const compactToken: number[] = []
    for (let i = 0; i < tokens.length; i++) {
      const text = tokens[i]!.text
      compact += text
      for (let k = 0; k < text.length; k++) compactToken.push(i)
    }
    out.push({ text: s.text, start: s.start, end: s.end, tokens, compact, compactToken, words: wordCount(tokens) })
  }
  return out
}

const NONE: readonly number[] = []

/**
 * Token positions of a sentence by token key, built on first use and kept on the sentence (not in a
 * WeakMap: young keys of a long-lived WeakMap survive minor collections, so every analysed sentence would
 * be promoted and grow the old generation).
 */
function keyIndex(s: AnalysedSentence): Map<string, number[]> {
  let index = s.keyIndex
  if (!index) {
    index = new Map()
    s.tokens.forEach((t, i) => {
      const at = index!.get(t.key)
      if (at) at.push(i)
      else index!.set(t.key, [i])
    })
    s.keyIndex = index
  }
  return index
}

/** Whether a latin term's keys are the keys of the tokens from `i` on (the first is known to match). */
function latinAt(term: LatinTerm, tokens: readonly Token[], i: number): boolean {
  const keys = term.keys
  if (i + keys.length > tokens.length) return false
  for (let k = 1; k < keys.length; k++) if (tokens[i + k]!.key !== keys[k]) return false
  return true
}

/** Appends the token indexes `i … i + n - 1` (the tokens a match covers) to `hits`. */
function pushRun(hits: number[], i: number, n: number): void {
  for (let k = 0; k < n; k++) hits.push(i + k)
}

/**
 * Where a compiled term occurs in a sentence: the indexes of the tokens it covers (all occurrences), or an
 * empty array when it does not occur. A sentence is matched against every term of every key point and red
 * flag and most terms are absent: a miss allocates nothing (the empty array is shared, never to be mutated).
 */
export function findTerm(term: CompiledTerm, s: AnalysedSentence): readonly number[] {
  if (term.kind === 'latin') {
    // Only where the first key occurs.
    const starts = keyIndex(s).get(term.keys[0]!)
    if (!starts) return NONE
    let hits: number[] | undefined
    for (const i of starts) if (latinAt(term, s.tokens, i)) pushRun((hits ??= []), i, term.keys.length)
    return hits ?? NONE
  }
  let at = s.compact.indexOf(term.compact)
  if (at < 0) return NONE
  const hits: number[] = []
  while (at >= 0) {
    for (let k = at; k < at + term.compact.length; k++) {
      const t = s.compactToken[k]
      if (t !== undefined && hits[hits.length - 1] !== t) hits.push(t)
    }
    at = s.compact.indexOf(term.compact, at + 1)
  }
  return hits
}

/** Compiled terms by the token key (latin) or the UTF-16 code (CJK) they start with. */
export interface TermIndex {
  latin: Map<string, LatinTerm[]>
  cjk: Map<number, CompiledTerm[]>
  /** 1 for each ASCII character a CJK term starts with ("kv 缓存"): a latin sentence's letters are mostly not. */
  cjkAscii: Uint8Array
}

/** Indexes terms for {@link termsIn}. */
export function indexTerms(terms: Iterable<CompiledTerm>): TermIndex {
  const index: TermIndex = { latin: new Map(), cjk: new Map(), cjkAscii: new Uint8Array(128) }
  const add = <K, T extends CompiledTerm>(map: Map<K, T[]>, first: K, t: T) => {
    const list = map.get(first)
    if (list) list.push(t)
    else map.set(first, [t])
  }
  for (const t of terms) {
    if (t.kind === 'latin') add(index.latin, t.keys[0]!, t)
    else {
      const first = t.compact.charCodeAt(0)
      if (first < 128) index.cjkAscii[first] = 1
      add(index.cjk, first, t)
    }
  }
  return index
}

/**
 * The terms of `index` that occur in a sentence, each with {@link findTerm}'s hits; a term not in the map
 * does not occur. Only terms that start with one of the sentence's token keys or characters are searched:
 * a sentence is checked against a question's hundreds of terms with a few dozen lookups.
 */
export function termsIn(index: TermIndex, s: AnalysedSentence): Map<CompiledTerm, readonly number[]> {
  const found = new Map<CompiledTerm, readonly number[]>()
  const search = (terms: readonly CompiledTerm[] | undefined) => {
    if (terms)
      for (const t of terms) {
        const hits = findTerm(t, s)
        if (hits.length > 0) found.set(t, hits)
      }
  }
  if (index.latin.size > 0) {
    // Each token against the terms that start with its key, in sentence order: every occurrence of a term
    // is found at its start, in order, as findTerm finds them (no key index needed).
    const tokens = s.tokens
    for (let i = 0; i < tokens.length; i++) {
      const terms = index.latin.get(tokens[i]!.key)
      if (!terms) continue
      for (const t of terms) {
        if (!latinAt(t, tokens, i)) continue
        let hits = found.get(t) as number[] | undefined
        if (!hits) found.set(t, (hits = []))
        pushRun(hits, i, t.keys.length)
      }
    }
  }
  if (index.cjk.size > 0) {
    // By UTF-16 unit, like the index (a term may start with half of a surrogate pair), each character once;
    // most characters start no term, and only those that do are remembered.
    let seen: Set<number> | undefined
    for (let i = 0; i < s.compact.length; i++) {
      const code = s.compact.charCodeAt(i)
      if (code < 128 && index.cjkAscii[code] === 0) continue
      const terms = index.cjk.get(code)
      if (!terms || seen?.has(code)) continue
      ;(seen ??= new Set()).add(code)
      search(terms)
    }
  }
  return found
}

/** The weight of a set of tokens in words (latin words 1, CJK characters ½, numbers and symbols 0). */
export function contentWeight(tokens: readonly Token[], indexes: Iterable<number>): number {
  const chosen: Token[] = []
  for (const i of new Set(indexes)) {
    const t = tokens[i]
    if (t) chosen.push(t)
  }
  return wordCount(chosen, { numbers: false })
}

// CJK characters that are function words or fillers; a bigram holding one says nothing about the topic.
const CJK_FUNCTION = new Set([...'的了是在我你他她它们这那就也都和与及或而但很要会能可以对把被让给从到为于之其所有个一些上下中里来去说过着没不还再又更最已'])

/**
 * Content units of a sentence, skipping the tokens in `skip`: stems of latin content words (not stop
 * words), numbers, and CJK character bigrams without function characters.
 */
export function sentenceUnits(s: AnalysedSentence, skip: ReadonlySet<number> = NO_SKIP): string[] {
  return tokenUnits(s.tokens, skip)
}

const NO_SKIP: ReadonlySet<number> = new Set()

function tokenUnits(tokens: readonly Token[], skip: ReadonlySet<number>): string[] {
  const out: string[] = []
  tokens.forEach((t, i) => {
    if (skip.has(i)) return
    if (t.kind === 'word' && t.text.length >= 2 && !STOP_WORDS.has(t.text) && !STOP_WORDS.has(t.key)) out.push(t.key)
    else if (t.kind === 'num') out.push(t.key)
    else if (t.kind === 'cjk') {
      const next = tokens[i + 1]
      if (next?.kind === 'cjk' && !skip.has(i + 1) && !CJK_FUNCTION.has(t.text) && !CJK_FUNCTION.has(next.text))
        out.push(t.text + next.text)
    }
  })
  return out
}

/** Content units (see {@link sentenceUnits}) of a whole text. */
export function textUnits(text: string): string[] {
  let units = unitsByText.get(text)
  if (!units) {
    units = []
    // analyseAnswer's sentences without what matching needs (compact text, token map): only their units.
    for (const s of splitSentences(text)) units.push(...tokenUnits(tokenise(normalise(s.text)), NO_SKIP))
    if (unitsByText.size >= UNITS_BY_TEXT_MAX) unitsByText.clear()
    unitsByText.set(text, units)
  }
  return units.slice()
}

/**
 * Units of the bank texts a question is compiled from, by text: a key point's description and terms are
 * read for the question's vocabulary, the point's bag and the names of all points. Bounded.
 */
const unitsByText = new Map<string, string[]>()
const UNITS_BY_TEXT_MAX = 4_000

/**
 * {@link textUnits} of the texts joined by line breaks, text by text (each remembered): no sentence runs
 * across a line break between two texts in a way that changes units — a line that wraps on ends and the
 * next starts with latin letters, digits or symbols, so no CJK bigram forms across it, and every other
 * unit is one token's (tests/unit/offline-units.test.ts holds it to the joined text's units).
 */
export function textsUnits(texts: readonly string[]): string[] {
  const out: string[] = []
  for (const t of texts) out.push(...textUnits(t))
  return out
}

/**
 * Joins runs of fragments — sentences shorter than `min` words, as in a terse answer written as notes
 * ("Causes: no progress signal. Actionable tool errors. Pinned attempts log.") — with the sentence that
 * follows, until the joined unit holds `min` words. Full sentences are left as they are.
 */
export function joinFragments(sentences: readonly AnalysedSentence[], min: number): AnalysedSentence[] {
  const out: AnalysedSentence[] = []
  let run: AnalysedSentence[] = []
  const flush = () => {
    if (run.length === 0) return
    if (run.length === 1) out.push(run[0]!)
    else {
      const tokens: Token[] = []
      let compact = ''
      const compactToken: number[] = []
      for (const s of run) {
        const base = tokens.length
        tokens.push(...s.tokens)
        compact += s.compact
        for (const t of s.compactToken) compactToken.push(base + t)
      }
      out.push({ text: run.map((s) => s.text).join(' '), start: run[0]!.start, end: run[run.length - 1]!.end, tokens, compact, compactToken, words: run.reduce((n, s) => n + s.words, 0) })
    }
    run = []
  }
  let words = 0
  for (const s of sentences) {
    run.push(s)
    words += s.words
    if (words >= min) {
      flush()
      words = 0
    }
  }
  flush()
  return out
}

