import { hasCjk, normalise } from '../../text/normalise.js'
import { splitSentences } from '../../text/sentences.js'
import { STOP_WORDS, tokenise, wordCount, type Token } from '../../text/tokenise.js'
import { hasUnit, IdMap, idSet, internUnit, Marks, unitCount, unitId, type UnitSet } from './units.js'

/** A term compiled for matching: a token-key sequence (latin, word boundaries) or a compact CJK string. */
export type CompiledTerm = LatinTerm | { kind: 'cjk'; compact: string }
/** `ids` are the unit ids (units.ts) of its tokens' keys, compared with a sentence's {@link AnalysedSentence.keyIds}. */
type LatinTerm = { kind: 'latin'; ids: number[] }

/**
 * Compiles a term written by a bank author. Returns null for a term that normalises to nothing. A compiled
 * term is immutable and matched by value, so questions that use the same term share one (a third of the
 * bank's term texts repeat another's) until {@link forgetBankTexts}.
 */
export function compileTerm(term: string): CompiledTerm | null {
  let compiled = compiledTerms.get(term)
  if (compiled === undefined) {
    const norm = normalise(term)
    compiled = compileTokens(norm, tokenise(norm))
    compiledTerms.set(term, compiled)
  }
  return compiled
}
const compiledTerms = new Map<string, CompiledTerm | null>()

/** {@link compileTerm} of a term already normalised and tokenised (its keys are interned, see units.ts). */
export function compileTokens(norm: string, tokens: readonly Token[]): CompiledTerm | null {
  if (tokens.length === 0) return null
  if (hasCjk(norm)) return { kind: 'cjk', compact: tokens.map((t) => t.text).join('') }
  return { kind: 'latin', ids: tokens.map((t) => internUnit(t.key)) }
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
  /** Per token: the unit id of its key, or -1 when no compiled text uses it (see {@link sentenceIds}). */
  keyIds?: number[]
  /**
   * Per token: the id of the content unit that starts there (as {@link textUnits} reads them: a content word's key, a
   * number, a CJK bigram with the next token), {@link NO_UNIT}, or {@link UNKNOWN_UNIT} for a unit no compiled
   * text uses (its text is {@link unknownUnit}).
   */
  unitIds?: number[]
  /** Whether a token is a CJK character (else no CJK term can occur). */
  cjk?: boolean
  /** The unit table's size when the ids were read: the table only grows, so equal means current. */
  idsAt?: number
}

/**
 * An analysed sentence. Its compact text and char-to-token map are built on first read: only a sentence with a
 * CJK token is searched for CJK terms, so most are never built.
 */
class Sentence implements AnalysedSentence {
  keyIds?: number[] = undefined
  unitIds?: number[] = undefined
  cjk?: boolean = undefined
  idsAt?: number = undefined
  private compactText: string | undefined = undefined
  private compactIndex: number[] | undefined = undefined

  constructor(
    readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly tokens: Token[],
    readonly words: number,
  ) {}

  get compact(): string {
    if (this.compactText === undefined) this.buildCompact()
    return this.compactText!
  }

  get compactToken(): number[] {
    if (this.compactIndex === undefined) this.buildCompact()
    return this.compactIndex!
  }

  private buildCompact(): void {
    let compact = ''
    const compactToken: number[] = []
    for (let i = 0; i < this.tokens.length; i++) {
      const text = this.tokens[i]!.text
      compact += text
      for (let k = 0; k < text.length; k++) compactToken.push(i)
    }
    this.compactText = compact
    this.compactIndex = compactToken
  }
}

/** Splits an answer into analysed sentences, skipping those that overlap any of `drop` (offset ranges). */
export function analyseAnswer(answer: string, drop: readonly { start: number; end: number }[] = []): AnalysedSentence[] {
  const out: AnalysedSentence[] = []
  for (const s of splitSentences(answer)) {
    if (drop.some((d) => d.start < s.end && d.end > s.start)) continue
    const tokens = tokenise(normalise(s.text))
    if (tokens.length === 0) continue
    out.push(new Sentence(s.text, s.start, s.end, tokens, wordCount(tokens)))
  }
  return out
}

/** No content unit starts at this token. */
export const NO_UNIT = -1
/** A content unit starts here that no compiled text uses. */
export const UNKNOWN_UNIT = -2

/**
 * Reads a sentence's token keys and content units as unit ids, once (again only if compiling has added
 * units since): one table lookup per token, after which matching compares integers.
 */
export function sentenceIds(s: AnalysedSentence): void {
  const size = unitCount()
  if (s.idsAt === size) return
  const tokens = s.tokens
  const keyIds: number[] = []
  const unitIds: number[] = []
  let cjk = false
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const key = unitId(t.key)
    keyIds.push(key)
    if (t.kind === 'cjk') cjk = true
    let unit = NO_UNIT
    const at = unitAt(tokens, i)
    if (at === KEY_UNIT) unit = key >= 0 ? key : UNKNOWN_UNIT
    else if (at === PAIR_UNIT) {
      const id = unitId(t.text + tokens[i + 1]!.text)
      unit = id >= 0 ? id : UNKNOWN_UNIT
    }
    unitIds.push(unit)
  }
  s.keyIds = keyIds
  s.unitIds = unitIds
  s.cjk = cjk
  s.idsAt = size
}

/** The text of the content unit at token `i` (for a unit marked {@link UNKNOWN_UNIT}). */
export function unknownUnit(s: AnalysedSentence, i: number): string {
  const t = s.tokens[i]!
  return t.kind === 'cjk' ? t.text + s.tokens[i + 1]!.text : t.key
}

/** Whether a latin term's key ids are the key ids of the tokens from `i` on (the first is known to match). */
function latinAt(term: LatinTerm, keyIds: readonly number[], i: number): boolean {
  const ids = term.ids
  if (i + ids.length > keyIds.length) return false
  for (let k = 1; k < ids.length; k++) if (keyIds[i + k] !== ids[k]) return false
  return true
}

/** Appends the token indexes `i … i + n - 1` (the tokens a match covers) to `hits`. */
function pushRun(hits: number[], i: number, n: number): void {
  for (let k = 0; k < n; k++) hits.push(i + k)
}

const NONE: readonly number[] = []

/**
 * Where a compiled term occurs in a sentence: the indexes of the tokens it covers (all occurrences), or an
 * empty array when it does not occur. A sentence is matched against every term of every key point and red
 * flag and most terms are absent: a miss allocates nothing (the empty array is shared, never to be mutated).
 */
export function findTerm(term: CompiledTerm, s: AnalysedSentence): readonly number[] {
  sentenceIds(s)
  if (term.kind === 'latin') {
    const keyIds = s.keyIds!
    const first = term.ids[0]!
    let hits: number[] | undefined
    for (let i = keyIds.indexOf(first); i >= 0; i = keyIds.indexOf(first, i + 1)) if (latinAt(term, keyIds, i)) pushRun((hits ??= []), i, term.ids.length)
    return hits ?? NONE
  }
  if (!s.cjk) return NONE
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

/** Compiled terms, numbered in the order given, by the key id (latin) or the UTF-16 code (CJK) they start with. */
export interface TermIndex {
  terms: readonly CompiledTerm[]
  /**
   * The latin terms in one flat table, grouped by the key id they start with: a group is its size, then per term
   * its number, its length and the key ids after its first. Matching reads one array, not a term object and its
   * list of ids per candidate.
   */
  latin: Int32Array
  /** The offset in `latin` of the group of terms starting with a key id (-1: none). */
  latinFirst: IdMap
  /** The key ids that start a latin term: most tokens are checked with one bit instead of a lookup. */
  latinStarts: UnitSet
  /** The CJK terms (their numbers) by the UTF-16 code they start with: `cjkTerms[cjk.get(code)]`. */
  cjk: Map<number, number>
  cjkTerms: number[][]
  /**
   * A screen of the CJK terms' openings: a bit (hashed, see {@link cjkOpening}) for the first two UTF-16 units of
   * each, and one for the unit of each term that is one unit long. Most characters of a sentence open no term:
   * they are passed over without a lookup.
   */
  cjkScreen: Uint32Array
  /** Whether {@link termsIn} records each term's token hits, or only which terms occur. */
  keepHits: boolean
  /** The result of the last {@link termsIn} on this index, reused. */
  scan: TermScan
}

/** The terms found in one sentence: their numbers (each once), and each one's token hits by number. */
export interface TermScan {
  found: number[]
  /**
   * By term number, for an index that keeps hits: term n's token hits are `hits[n][0 … counts[n])` (0 for a
   * term not found). Each term's array is made when first found, then overwritten, never shrunk: an emptied
   * array would give up its storage and the next hit allocate it again.
   */
  hits: (number[] | undefined)[]
  counts: Int32Array
}

/**
 * Indexes terms for {@link termsIn}; a term's number is its position in `terms`. With `keepHits` false, a scan
 * says which terms occur and not where (a red flag's terms are only looked for).
 */
export function indexTerms(terms: readonly CompiledTerm[], keepHits = true): TermIndex {
  const latin = new Map<number, number[]>()
  const cjk = new Map<number, number>()
  const cjkTerms: number[][] = []
  const cjkScreen = new Uint32Array(CJK_SCREEN_BITS >>> 5)
  const screen = (bit: number) => (cjkScreen[bit >>> 5]! |= 1 << (bit & 31))
  terms.forEach((t, n) => {
    if (t.kind === 'latin') {
      const list = latin.get(t.ids[0]!)
      if (list) list.push(n)
      else latin.set(t.ids[0]!, [n])
    } else {
      const first = t.compact.charCodeAt(0)
      screen(t.compact.length > 1 ? cjkOpening(first, t.compact.charCodeAt(1)) : cjkSingle(first))
      const g = cjk.get(first)
      if (g !== undefined) cjkTerms[g]!.push(n)
      else cjk.set(first, cjkTerms.push([n]) - 1)
    }
  })
  const table: number[] = []
  const offsets: [number, number][] = []
  for (const [first, list] of latin) {
    offsets.push([first, table.length])
    table.push(list.length)
    for (const n of list) {
      const ids = (terms[n] as LatinTerm).ids
      table.push(n, ids.length, ...ids.slice(1))
    }
  }
  return {
    terms,
    latin: Int32Array.from(table),
    latinFirst: new IdMap(offsets),
    latinStarts: idSet(latin.keys()),
    cjk,
    cjkTerms,
    cjkScreen,
    keepHits,
    scan: { found: [], hits: [], counts: new Int32Array(keepHits ? terms.length : 0) },
  }
}

/** Bits of an index's {@link TermIndex.cjkScreen}: the first half for openings, the second for one-unit terms. */
const CJK_SCREEN_BITS = 8192

/** The screen bit of a term's first two UTF-16 units. */
function cjkOpening(first: number, second: number): number {
  return (Math.imul(first, 0x9e3779b1) ^ second) & (CJK_SCREEN_BITS / 2 - 1)
}

/** The screen bit of a term one UTF-16 unit long. */
function cjkSingle(code: number): number {
  return CJK_SCREEN_BITS / 2 + (code & (CJK_SCREEN_BITS / 2 - 1))
}

function screened(screen: Uint32Array, bit: number): boolean {
  return (screen[bit >>> 5]! & (1 << (bit & 31))) !== 0
}

/** CJK start characters (by their group in an index) already searched in the sentence being scanned. */
const cjkSeen = new Marks()

/**
 * The terms of `index` that occur in a sentence, each with {@link findTerm}'s hits (when the index keeps them).
 * Only terms that start with one of the sentence's token keys or characters are searched: a sentence is checked
 * against a question's hundreds of terms with a few dozen lookups. The result is the index's own
 * {@link TermScan}, overwritten by the next call on the same index.
 */
export function termsIn(index: TermIndex, s: AnalysedSentence): TermScan {
  const scan = index.scan
  const found = scan.found
  const keep = index.keepHits
  const counts = scan.counts
  if (keep) for (const n of found) counts[n] = 0
  found.length = 0
  sentenceIds(s)
  if (index.latin.length > 0) {
    // Each token against the terms that start with its key, in sentence order: every occurrence of a term
    // is found at its start, in order, as findTerm finds them.
    const keyIds = s.keyIds!
    const table = index.latin
    const starts = index.latinStarts
    const tokens = keyIds.length
    for (let i = 0; i < tokens; i++) {
      const key = keyIds[i]!
      if (key < 0 || !hasUnit(starts, key)) continue
      let at = index.latinFirst.get(key)
      for (let left = table[at++]!; left > 0; left--) {
        const n = table[at]!
        const length = table[at + 1]!
        const ids = at + 2
        at = ids + length - 1
        if (i + length > tokens) continue
        let k = 1
        while (k < length && keyIds[i + k] === table[ids + k - 1]) k++
        if (k < length) continue
        if (!keep) {
          if (!found.includes(n)) found.push(n)
          continue
        }
        const hits = (scan.hits[n] ??= [])
        let c = counts[n]!
        if (c === 0) found.push(n)
        // In bounds or one past the end: the array grows without holes.
        for (let k = 0; k < length; k++) hits[c++] = i + k
        counts[n] = c
      }
    }
  }
  if (index.cjkTerms.length > 0 && s.cjk) {
    // By UTF-16 unit, like the index (a term may start with half of a surrogate pair), each character once.
    const compact = s.compact
    cjkSeen.next()
    for (let i = 0; i < compact.length; i++) {
      const code = compact.charCodeAt(i)
      // A term that occurs opens with its first two units at some position (or is one unit long): a start
      // character's terms are searched at the first position that could open one of them.
      const next = i + 1 < compact.length ? compact.charCodeAt(i + 1) : -1
      if (!screened(index.cjkScreen, cjkOpening(code, next)) && !screened(index.cjkScreen, cjkSingle(code))) continue
      const g = index.cjk.get(code)
      if (g === undefined || !cjkSeen.mark(g)) continue
      for (const n of index.cjkTerms[g]!) {
        const hits = findTerm(index.terms[n]!, s)
        if (hits.length === 0) continue
        found.push(n)
        if (!keep) continue
        const into = (scan.hits[n] ??= [])
        for (let k = 0; k < hits.length; k++) into[k] = hits[k]!
        counts[n] = hits.length
      }
    }
  }
  return scan
}

// CJK characters that are function words or fillers; a bigram holding one says nothing about the topic.
const CJK_FUNCTION = new Set([...'的了是在我你他她它们这那就也都和与及或而但很要会能可以对把被让给从到为于之其所有个一些上下中里来去说过着没不还再又更最已'])

/**
 * Content units of tokens: stems of latin content words (not stop words), numbers, and CJK character bigrams
 * without function characters (the units {@link sentenceIds} reads as ids).
 */
function tokenUnits(tokens: readonly Token[]): string[] {
  const out: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const at = unitAt(tokens, i)
    if (at === KEY_UNIT) out.push(tokens[i]!.key)
    else if (at === PAIR_UNIT) out.push(tokens[i]!.text + tokens[i + 1]!.text)
  }
  return out
}

/** No content unit starts at a token; its key is one (a content word, a number); or it and the next CJK character are one. */
const NOT_UNIT = 0
const KEY_UNIT = 1
const PAIR_UNIT = 2

/** Which content unit starts at token `i` (the rule {@link tokenUnits} and {@link sentenceIds} both read). */
function unitAt(tokens: readonly Token[], i: number): typeof NOT_UNIT | typeof KEY_UNIT | typeof PAIR_UNIT {
  const t = tokens[i]!
  if (t.kind === 'word') return t.text.length >= 2 && !STOP_WORDS.has(t.text) && !STOP_WORDS.has(t.key) ? KEY_UNIT : NOT_UNIT
  if (t.kind === 'num') return KEY_UNIT
  if (t.kind !== 'cjk') return NOT_UNIT
  const next = tokens[i + 1]
  return next?.kind === 'cjk' && !CJK_FUNCTION.has(t.text) && !CJK_FUNCTION.has(next.text) ? PAIR_UNIT : NOT_UNIT
}

/** Content units (see {@link sentenceIds}) of a whole text. */
export function textUnits(text: string): string[] {
  let units = unitsByText.get(text)
  if (!units) {
    units = []
    // analyseAnswer's sentences without what matching needs (compact text, token map): only their units.
    for (const s of splitSentences(text)) units.push(...tokenUnits(tokenise(normalise(s.text))))
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

/** Empties the caches of bank texts' units and compiled terms: once a question is compiled its texts are not read again. */
export function forgetBankTexts(): void {
  unitsByText.clear()
  compiledTerms.clear()
}

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
      for (const s of run) tokens.push(...s.tokens)
      out.push(new Sentence(run.map((s) => s.text).join(' '), run[0]!.start, run[run.length - 1]!.end, tokens, run.reduce((n, s) => n + s.words, 0)))
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

