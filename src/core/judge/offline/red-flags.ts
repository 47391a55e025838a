import type { Question, RedFlag } from '../../bank/schema.js'
import { normalise } from '../../text/normalise.js'
import { tokenise } from '../../text/tokenise.js'
import { compileTerm, findTerm, indexTerms, termsIn, type AnalysedSentence, type CompiledTerm, type TermIndex } from './analyse.js'

/** A wrong claim found in an answer, with the sentence that makes it. */
export interface RedFlagHit {
  flag: RedFlag
  evidence: string
}

/** A `with` term: its latin words in order (a few words may stand between them) or a CJK substring. */
type Predicate = { kind: 'words'; keys: string[] } | { kind: 'term'; term: CompiledTerm }

interface CompiledFlag {
  flag: RedFlag
  terms: CompiledTerm[]
  with: Predicate[]
}

/**
 * Words that negate the predicate when they stand just before it ("HNSW is not exact", "non-deterministic", "并不是精确的"):
 * looked for in the {@link NEGATION_REACH} tokens before the predicate's first word, and inside it.
 */
const NEGATION_WORDS = new Set(['not', 'non', 'no', 'never', 'neither', 'nor', 'isn\'t', 'aren\'t', 'doesn\'t', 'don\'t', 'didn\'t', 'won\'t', 'can\'t', 'cannot', 'wasn\'t', 'weren\'t', 'shouldn\'t', 'without', 'rather', 'instead', 'unlike', '不', '没', '非', '未', '无', '别'])
const NEGATION_REACH = 4
/**
 * Hedges that turn an absolute wrong claim into a defensible one when they stand in the same place
 * ("makes outputs more deterministic", "nearly exact neighbours", "mostly lossless"): a red flag is an
 * absolute claim, so a hedged one is not reported. Only right before one of the predicate's words: "more agents
 * are always better" is still the claim.
 */
const HEDGE_WORDS = new Set(['more', 'mostly', 'nearly', 'almost', 'largely', 'roughly', 'approximately', 'near', 'closer', 'relatively', 'somewhat', 'less'])
/** Words that may stand between two consecutive words of a `with` predicate. */
const PREDICATE_GAP = 2
/** Words that mark the whole sentence as a correction ("a common myth is that …", "误以为 …"). */
const CORRECTION =
  /\b(?:myth|misconception|mistaken\w*|wrong(?:ly)?|incorrect\w*|false|fallacy|contrary to|misread\w*|misunderstand\w*|go(?:es|ing)? beyond|not enough|insufficient)\b|误区|错误|误解|误以为|以为|不等于|不代表|不足以|不够/

const compiledFlags = new WeakMap<object, { flags: CompiledFlag[]; index: TermIndex }>()

function compilePredicate(text: string): Predicate | null {
  const term = compileTerm(text)
  if (!term) return null
  if (term.kind === 'cjk') return { kind: 'term', term }
  const keys = tokenise(normalise(text))
    .filter((t) => t.kind === 'num' || t.kind === 'word')
    .map((t) => t.key)
  return keys.length > 1 ? { kind: 'words', keys } : { kind: 'term', term }
}

/** Compiled once per flag list (a question's, or a rubric's common list), with an index of their terms. */
function compile(list: readonly RedFlag[]): { flags: CompiledFlag[]; index: TermIndex } {
  const cached = compiledFlags.get(list)
  if (cached) return cached
  const flags = list.map((flag) => ({
    flag,
    terms: [...flag.terms.en, ...flag.terms.zh].map(compileTerm).filter((t): t is CompiledTerm => t !== null),
    with: [...flag.with.en, ...flag.with.zh].map(compilePredicate).filter((t): t is Predicate => t !== null),
  }))
  const out = { flags, index: indexTerms(flags.flatMap((f) => f.terms)) }
  compiledFlags.set(list, out)
  return out
}

/** Token positions of a predicate in a sentence, or null when it is not there. */
function findPredicate(p: Predicate, s: AnalysedSentence): readonly number[] | null {
  if (p.kind === 'term') {
    const hits = findTerm(p.term, s)
    return hits.length ? hits : null
  }
  // Each word after the first within GAP + 1 tokens of the one before it: "makes gradients overflow" says
  // "gradients overflow"; "more of the mantissa bits" says "more mantissa bits".
  for (let start = 0; start < s.tokens.length; start++) {
    if (s.tokens[start]!.key !== p.keys[0]) continue
    const at = [start]
    for (const key of p.keys.slice(1)) {
      const from = at[at.length - 1]! + 1
      let found = -1
      for (let i = from; i < Math.min(s.tokens.length, from + PREDICATE_GAP + 1); i++)
        if (s.tokens[i]!.key === key) {
          found = i
          break
        }
      if (found < 0) break
      at.push(found)
    }
    if (at.length === p.keys.length) return at
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
    if (t && !own.has(i) && (NEGATION_WORDS.has(t.text) || /n't$/.test(t.text) || (HEDGE_WORDS.has(t.text) && own.has(i + 1)))) return true
  }
  return false
}

/**
 * The question's red flags that an answer makes: one sentence holds one of a flag's `terms` (as written)
 * and one of its `with` predicates (every content word of it, in any order; a CJK predicate as written),
 * the predicate is not negated just before it ("is not exact"), and the sentence is not a correction ("a
 * common myth is …"). Each flag is reported once, with the first sentence that makes it. Deterministic.
 * `common` are the rubric's flags, which every question graded with it shares.
 */
export function findRedFlags(q: Pick<Question, 'red_flags'>, sentences: readonly AnalysedSentence[], common: readonly RedFlag[] = []): RedFlagHit[] {
  const hits: RedFlagHit[] = []
  for (const list of [q.red_flags ?? NO_FLAGS, common]) {
    const { flags, index } = compile(list)
    // The flags' terms each sentence holds, looked up once per sentence instead of term by term.
    const present = sentences.map((s) => termsIn(index, s))
    for (const c of flags) {
      const hit = firstMade(c, sentences, present)
      if (hit) hits.push(hit)
    }
  }
  return hits
}

const NO_FLAGS: readonly RedFlag[] = []

/** The first sentence that makes the flag's claim, if one does; `present` holds the terms of each sentence. */
function firstMade(c: CompiledFlag, sentences: readonly AnalysedSentence[], present: readonly ReadonlyMap<CompiledTerm, unknown>[]): RedFlagHit | undefined {
  for (const [i, s] of sentences.entries()) {
    if (!c.terms.some((t) => present[i]!.has(t))) continue
    const made = c.with.some((p) => {
      const at = findPredicate(p, s)
      return at !== null && !negated(s, at)
    })
    if (!made || CORRECTION.test(normalise(s.text))) continue
    return { flag: c.flag, evidence: s.text.replace(/\s+/g, ' ') }
  }
  return undefined
}
