import type { Question, RedFlag } from '../../bank/schema.js'
import { normalise } from '../../text/normalise.js'
import { tokenise } from '../../text/tokenise.js'
import { compileTerm, compileTokens, findTerm, indexTerms, sentenceIds, termsIn, type AnalysedSentence, type CompiledTerm, type TermIndex } from './analyse.js'
import { internUnit, Marks } from './units.js'

/** A wrong claim found in an answer, with the sentence that makes it. */
export interface RedFlagHit {
  flag: RedFlag
  evidence: string
}

/** A `with` term: its latin words in order (a few words may stand between them, `ids` their unit ids) or a CJK substring. */
type Predicate = { kind: 'words'; ids: number[] } | { kind: 'term'; term: CompiledTerm }

interface CompiledFlag {
  flag: RedFlag
  terms: CompiledTerm[]
  with: Predicate[]
}

/**
 * Words that negate the predicate when they stand just before it ("HNSW is not exact", "non-deterministic", "并不是精确的"):
 * looked for in the {@link NEGATION_REACH} tokens before the predicate's first word, and inside it.
 */
const NEGATION_WORDS = new Set(['not', 'non', 'no', 'never', 'neither', 'nor', 'isn\'t', 'aren\'t', 'doesn\'t', 'don\'t', 'didn\'t', 'won\'t', 'can\'t', 'cannot', 'wasn\'t', 'weren\'t', 'shouldn\'t', 'without', 'avoid', 'avoids', 'avoiding', 'rather', 'instead', 'unlike', 'rarely', 'seldom', '不', '没', '非', '未', '无', '别'])
const NEGATION_REACH = 4
/** Chinese words that begin with a negating character but do not negate what follows: 不错 (good), 不足 (short of), 不超过 (at most), 不同 (different), 不仅 (not only), 不断 (keeps), 不少 (many), 差不多 (about the same), 不过 (but), 没关系 (no matter), 不管/无论 (whatever), 非常 (very). */
const NOT_NEGATING = new Set(['不错', '不足', '不超', '不同', '不仅', '不断', '不少', '不多', '不过', '没关', '不管', '无论', '非常', '未来'])
/**
 * Hedges that turn an absolute wrong claim into a defensible one when they stand in the same place
 * ("makes outputs more deterministic", "nearly exact neighbours", "mostly lossless"): a red flag is an
 * absolute claim, so a hedged one is not reported. Only right before one of the predicate's words: "more agents
 * are always better" is still the claim.
 */
const HEDGE_WORDS = new Set(['more', 'mostly', 'nearly', 'almost', 'largely', 'roughly', 'approximately', 'near', 'closer', 'relatively', 'somewhat', 'less', 'virtually', 'practically'])
/** Chinese hedges, written right before the predicate ("几乎无损", "基本上是精确的", "接近无损"). */
const CJK_HEDGE = /(?:几乎|基本上?|接近|大体上?|大多|相对|比较|更)$/
/** Words that may stand between two consecutive words of a `with` predicate. */
const PREDICATE_GAP = 2
/** Words that mark the whole sentence as a correction ("a common myth is that …", "… were unsuccessful", "误以为 …"). */
const CORRECTION =
  /\b(?:myth|misconception|mistaken\w*|(?:common |classic |typical )mistakes?|(?:is|are|was|were|it's|that's|its|thats) wrong|wrongly|wrong to|incorrect\w*|false(?! (?:alarm|positive|negative|rejection)s?\b)|fallacy|contrary to|misread\w*|misunderstand\w*|go(?:es|ing)? beyond|not enough|insufficient|unsuccessful|did(?:n't| not) work|abandoned)\b|误区|错误(?![率码])|误解|误以为|以为|不等于|不代表|不足以|不够(?=[,.;!?，。；！？]|$)|不成功|没成功|失败尝试|列为失败/

const compiledFlags = new WeakMap<object, CompiledFlag[]>()

function compilePredicate(text: string): Predicate | null {
  // Normalised and tokenised once, for the term and for its words.
  const norm = normalise(text)
  const tokens = tokenise(norm)
  const term = compileTokens(norm, tokens)
  if (!term) return null
  if (term.kind === 'cjk') return { kind: 'term', term }
  const ids = tokens.filter((t) => t.kind === 'num' || t.kind === 'word').map((t) => internUnit(t.key))
  return ids.length > 1 ? { kind: 'words', ids } : { kind: 'term', term }
}

/** Compiled once per flag list (a question's, or a rubric's common list). */
function compile(list: readonly RedFlag[]): CompiledFlag[] {
  const cached = compiledFlags.get(list)
  if (cached) return cached
  const flags = list.map((flag) => ({
    flag,
    terms: [...flag.terms.en, ...flag.terms.zh].map(compileTerm).filter((t): t is CompiledTerm => t !== null),
    with: [...flag.with.en, ...flag.with.zh].map(compilePredicate).filter((t): t is Predicate => t !== null),
  }))
  compiledFlags.set(list, flags)
  return flags
}

/** Token positions of a predicate in a sentence, or null when it is not there. */
function findPredicate(p: Predicate, s: AnalysedSentence): readonly number[] | null {
  if (p.kind === 'term') {
    const hits = findTerm(p.term, s)
    return hits.length ? hits : null
  }
  // Each word after the first within GAP + 1 tokens of the one before it: "makes gradients overflow" says
  // "gradients overflow"; "more of the mantissa bits" says "more mantissa bits".
  sentenceIds(s)
  const keyIds = s.keyIds!
  // From each occurrence of the first word (found by the array's own search: most tokens are not it).
  for (let start = keyIds.indexOf(p.ids[0]!); start >= 0; start = keyIds.indexOf(p.ids[0]!, start + 1)) {
    const at = [start]
    for (let k = 1; k < p.ids.length; k++) {
      const id = p.ids[k]
      const from = at[at.length - 1]! + 1
      let found = -1
      for (let i = from; i < Math.min(keyIds.length, from + PREDICATE_GAP + 1); i++)
        if (keyIds[i] === id) {
          found = i
          break
        }
      if (found < 0) break
      at.push(found)
    }
    if (at.length === p.ids.length) return at
  }
  return null
}

/** A negation or hedge just before the predicate, or between its words; the predicate's own words do not count. */
function negated(s: AnalysedSentence, at: readonly number[]): boolean {
  const own = new Set(at)
  const first = Math.min(...at)
  const last = Math.max(...at)
  for (let i = Math.max(0, first - NEGATION_REACH); i <= last; i++) {
    const t = s.tokens[i]
    if (t && !own.has(i) && ((NEGATION_WORDS.has(t.text) && !NOT_NEGATING.has(t.text + (s.tokens[i + 1]?.text ?? ''))) || /n't$/.test(t.text) || (HEDGE_WORDS.has(t.text) && own.has(i + 1))))
      return true
  }
  // "close to lossless", or a Chinese hedge just before a CJK predicate.
  if (s.tokens[first - 2]?.text === 'close' && s.tokens[first - 1]?.text === 'to') return true
  if (s.tokens[first]?.kind === 'cjk' && CJK_HEDGE.test(s.tokens.slice(Math.max(0, first - 3), first).map((t) => t.text).join(''))) return true
  return false
}

/**
 * A sentence that continues the one before it about the same subject: it opens with a pronoun or a connective
 * ("Then the model is deterministic", "That makes it exact", "这样就…"). A claim is often split this way — the
 * subject named in one sentence, the wrong predicate in the next.
 */
const CONTINUES = /^(?:it|its|this|that|then|so|which|they|these|those|thus|hence|therefore|as a result)\b|^(?:这|它|因此|所以|于是|那么)/

/** Whether `s` makes one of the flag's predicates, not negated or hedged. */
function predicateIn(c: CompiledFlag, s: AnalysedSentence): boolean {
  return c.with.some((p) => {
    const at = findPredicate(p, s)
    return at !== null && !negated(s, at)
  })
}

/**
 * The question's red flags that an answer makes: one sentence holds one of a flag's `terms` (as written)
 * and one of its `with` predicates (every content word of it, in any order; a CJK predicate as written) —
 * or the predicate stands in the next sentence when that one continues about the same subject ("Set the
 * temperature to 0. Then the model is deterministic.") — the predicate is not negated just before it ("is
 * not exact"), and no sentence of the claim is a correction ("a common myth is …"). Each flag is reported
 * once, with the first sentence (or pair) that makes it. Deterministic.
 * `common` are the rubric's flags, which every question graded with it shares.
 */
export function findRedFlags(q: Pick<Question, 'red_flags'>, sentences: readonly AnalysedSentence[], common: readonly RedFlag[] = []): RedFlagHit[] {
  const hits: RedFlagHit[] = []
  const both = bothIndex(q.red_flags ?? NO_FLAGS, common)
  // The sentences that hold a term of each flag (by number), from one lookup of both lists' terms per
  // sentence instead of term by term; most sentences hold none, and most flags are in none.
  let holding: number[][] | undefined
  for (let i = 0; i < sentences.length; i++) {
    const { found } = termsIn(both.terms, sentences[i]!)
    if (found.length === 0) continue
    flagsFound.next()
    for (const t of found) {
      const f = both.owner[t]!
      if (flagsFound.mark(f)) ((holding ??= [])[f] ??= []).push(i)
    }
  }
  if (!holding) return hits
  const read = sentenceReader(sentences)
  for (let f = 0; f < both.flags.length; f++) {
    const at = holding[f]
    if (!at) continue
    const hit = firstMade(both.flags[f]!, sentences, at, read)
    if (hit) hits.push(hit)
  }
  return hits
}

const NO_FLAGS: readonly RedFlag[] = []
/** Flags (by number) with a term in the sentence being read. */
const flagsFound = new Marks()

/** The flags of a question and of its rubric (in that order) and their terms, indexed together. */
interface BothLists {
  flags: CompiledFlag[]
  terms: TermIndex
  /** Per term number: the number of its flag. */
  owner: number[]
}

/** Indexed once per pair of lists. */
const bothIndexes = new WeakMap<readonly RedFlag[], WeakMap<readonly RedFlag[], BothLists>>()

function bothIndex(own: readonly RedFlag[], common: readonly RedFlag[]): BothLists {
  let byCommon = bothIndexes.get(own)
  if (!byCommon) bothIndexes.set(own, (byCommon = new WeakMap()))
  let both = byCommon.get(common)
  if (!both) {
    const flags = [...compile(own), ...compile(common)]
    const terms: CompiledTerm[] = []
    const owner: number[] = []
    flags.forEach((c, f) => {
      for (const t of c.terms) terms.push(t), owner.push(f)
    })
    // Which flags have a term in a sentence is all that is asked of the scan: no hits kept.
    both = { flags, terms: indexTerms(terms, false), owner }
    byCommon.set(common, both)
  }
  return both
}

/** What the matcher asks of a sentence as a whole: whether it is a correction, whether it continues the one before. */
interface SentenceReading {
  correction: boolean
  continues: boolean
}

/** Reads each sentence (normalised once) on first use, for every flag of one answer. */
function sentenceReader(sentences: readonly AnalysedSentence[]): (i: number) => SentenceReading {
  const memo: SentenceReading[] = []
  return (i) => {
    let r = memo[i]
    if (!r) {
      const text = normalise(sentences[i]!.text)
      r = memo[i] = { correction: CORRECTION.test(text), continues: CONTINUES.test(text) }
    }
    return r
  }
}

/** The first sentence that makes the flag's claim, if one does; `at` are the sentences that hold one of its terms, in order. */
function firstMade(
  c: CompiledFlag,
  sentences: readonly AnalysedSentence[],
  at: readonly number[],
  read: (i: number) => SentenceReading,
): RedFlagHit | undefined {
  for (const i of at) {
    const s = sentences[i]!
    if (read(i).correction) continue
    if (predicateIn(c, s)) return { flag: c.flag, evidence: s.text.replace(/\s+/g, ' ') }
    const next = sentences[i + 1]
    if (next && read(i + 1).continues && !read(i + 1).correction && predicateIn(c, next))
      return { flag: c.flag, evidence: `${s.text} ${next.text}`.replace(/\s+/g, ' ') }
  }
  return undefined
}
