import type { KeyPoint, Question } from '../../bank/schema.js'
import { COMMON_WORDS } from '../../text/common-words.js'
import { normalise } from '../../text/normalise.js'
import { joinFragments, sentenceUnits, textsUnits, type AnalysedSentence } from './analyse.js'
import { compileKeyPoints, matchKeyPoints, questionUnits, type PointMatch } from './bank.js'
import { GENERIC } from './free.js'
import { countCues, FIRST_PERSON, RUNG_CUES, STORY_CUES } from './cues.js'
import { specificity } from './frequency.js'

/** How strongly an answer makes one key point, with the answer text that shows it. */
export interface PointStrength {
  point: KeyPoint
  dimension: string
  /** The point's terms (and `with` terms) occur in one well-formed sentence: the strict match. */
  strict: boolean
  /** Weighted share of the point's own words (its description, terms, `with` terms) in the best window. */
  similarity: number
  /** The sentence or pair of sentences that shows it best, as written. */
  evidence: string | null
}

/** What an answer shows on one rung of the ladder. */
export interface DimensionFeatures {
  points: PointStrength[]
  /** Weighted share of the rung's vocabulary (all its key points) found anywhere in the answer. */
  vocabulary: number
  /** Distinct generic cues of the rung (see cues.ts), e.g. "p99", "alert", "regression" for observability. */
  cues: number
}

/** Everything the offline judge's levels are computed from. Deterministic. */
export interface AnswerFeatures {
  dimensions: Record<string, DimensionFeatures>
  /** Distinct content units of the answer's explaining sentences in the question's vocabulary, each weighted by its specificity. */
  relevant: number
  /** Numbers in the answer (figures, sizes, thresholds). */
  numbers: number
  /** Share of the answer's specific words that belong to the question's vocabulary: low for another topic. */
  topicality: number
  /** The answer's specific words, weighted by specificity, whether or not the question's bank text uses them. */
  specific: number
  /** The answer's length in words (latin words and numbers, CJK characters / 2). */
  words: number
  /** For a behavioural question: the share of first-person pronouns that are "I" rather than "we" (else null). */
  ownership: number | null
}

/** Units and their weights in parallel arrays (insertion order): compact, and quick to walk. */
interface WeightedBag {
  units: string[]
  weights: number[]
  total: number
}

interface QuestionModel {
  /** Per key point (bank order): its bag of weighted units, one per language. */
  bags: { en: WeightedBag; zh: WeightedBag }[]
  /** Per key point: the units of its description that are neither its terms nor the prompt's words. */
  explaining: ReadonlySet<string>[]
  /** Per dimension: the union of its key points' bags. */
  dimensionBags: Map<string, { en: WeightedBag; zh: WeightedBag }>
  /** The question's content units ({@link questionUnits}, shared with its compiled key points). */
  vocabulary: ReadonlySet<string>
  /**
   * Key-point names and prompt words: naming them or restating the question explains nothing. The question
   * words that explain are the vocabulary less these.
   */
  named: ReadonlySet<string>
}

const models = new WeakMap<Question, QuestionModel>()
/** Words of a key point's explanation (not its name, not the prompt's words) a window must share with it. */
const MIN_SUPPORT_UNITS = 2
/**
 * Marks of a story told in the past — "I built", "we shipped", "went from 6 to 2 minutes", "我们上线了",
 * "当时" — as opposed to an answer about how something works. Terse stories drop the pronoun ("Matched
 * invoices…", "Calls I made") and Chinese ones often the 了, so each kind of mark counts.
 */
const PAST_ACTION =
  /\b(?:i|we)\s+(?:\w+\s+)?(?:\w+ed|built|wrote|made|ran|took|led|chose|found|saw|shipped|set|cut|got|had|was|were|did|knew|told|brought|began|sent|spent|went|kept|put|held|drove|gave|lost|won)\b|\b(?:was|were|had|did|went|took|grew|fell|dropped|launched|shipped|decided|realised|realized|noticed|turned out|ended up|at the time|back then|last year|in hindsight|should have)\b|我们?(?:[^，。！？\n]{0,8})了|当时|那时|后来|结果|上线后|事后|复盘|回头看/g
const STORY_MIN_ACTIONS = 3
/**
 * A sentence shorter than this (in words) is read together with the ones after it: a terse answer written as
 * notes makes a point over several fragments, each too short to be evidence alone. Chosen by leave-one-question-out
 * cross-validation on the tuning part (6, 10, none: 10 best, Pearson 0.734 → 0.740, MAE 14.7 → 14.4).
 */
const FRAGMENT_WORDS = 10
/** Words of the prompt say little: a candidate restates the question. */
const PROMPT_WEIGHT = 0.3

/** Content units of the texts joined by line breaks, less generic and everyday words. */
function contentOf(texts: readonly string[]): string[] {
  return textsUnits(texts).filter((u) => !GENERIC.has(u) && !COMMON_WORDS.has(u))
}

/**
 * Builds the weighted vocabulary of a question: each key point's units weighted by how specific they are
 * to that point among the question's points (an inverse document frequency over the points), units of the
 * prompt discounted.
 */
function questionModel(q: Question): QuestionModel {
  const cached = models.get(q)
  if (cached) return cached
  const points = Object.entries(q.key_points).flatMap(([dimension, list]) => list.map((point) => ({ dimension, point })))
  const raw = points.map(({ point }) => ({
    en: new Set(contentOf([point.en, ...point.terms.en, ...(point.with?.en ?? [])])),
    zh: new Set(contentOf([point.zh, ...point.terms.zh, ...(point.with?.zh ?? [])])),
  }))
  const df = new Map<string, number>()
  for (const r of raw) for (const u of new Set([...r.en, ...r.zh])) df.set(u, (df.get(u) ?? 0) + 1)
  const prompt = new Set(contentOf([q.prompt.en, q.prompt.zh]))
  const n = Math.max(1, points.length)
  const weight = (u: string) => Math.log(1 + n / (df.get(u) ?? 1)) * (prompt.has(u) ? PROMPT_WEIGHT : 1) * specificity(u)
  const bag = (units: Iterable<string>): WeightedBag => {
    const list: string[] = []
    const weights: number[] = []
    let total = 0
    for (const u of units) {
      const w = weight(u)
      list.push(u)
      weights.push(w)
      total += w
    }
    return { units: list, weights, total }
  }
  const bags = raw.map((r) => ({ en: bag(r.en), zh: bag(r.zh) }))
  // A key point's explaining words are its own words that name no key point and are not the prompt's: a
  // list of names, or the question restated around one, explains none of them.
  const names = new Set(points.flatMap(({ point }) => contentOf([...point.terms.en, ...point.terms.zh])))
  const explaining = raw.map((r) => new Set([...r.en, ...r.zh].filter((u) => !names.has(u) && !prompt.has(u))))
  const dimensionBags = new Map<string, { en: WeightedBag; zh: WeightedBag }>()
  for (const dimension of Object.keys(q.key_points)) {
    const en = new Set<string>()
    const zh = new Set<string>()
    raw.forEach((r, i) => {
      if (points[i]!.dimension !== dimension) return
      for (const u of r.en) en.add(u)
      for (const u of r.zh) zh.add(u)
    })
    dimensionBags.set(dimension, { en: bag(en), zh: bag(zh) })
  }
  // The key points' units, the reference's and the prompt's: the question's units (the same texts).
  const model = { bags, explaining, dimensionBags, vocabulary: questionUnits(q), named: new Set([...names, ...prompt]) }
  models.set(q, model)
  return model
}

function share(bag: WeightedBag, units: ReadonlySet<string>): number {
  if (bag.total <= 0) return 0
  let hit = 0
  for (let i = 0; i < bag.units.length; i++) if (units.has(bag.units[i]!)) hit += bag.weights[i]!
  return hit / bag.total
}

/** The better of the two languages' shares: a Chinese answer names English terms, and the reverse. */
function bestShare(bags: { en: WeightedBag; zh: WeightedBag }, units: ReadonlySet<string>): number {
  return Math.max(share(bags.en, units), share(bags.zh, units))
}

/** A question model's key-point units indexed by unit, to read many windows one lookup per unit. */
interface PointIndex {
  /** Per unit: the key points (bank order) whose explaining words hold it, and its slots in the bags. */
  byUnit: Map<string, { explains: number[]; slots: number[] }>
  /** Per key point: the first slot of its en bag and of its zh bag (slots number every bag's units in turn). */
  en: number[]
  zh: number[]
  slots: number
}

const pointIndexes = new WeakMap<QuestionModel, PointIndex>()

function pointIndex(model: QuestionModel): PointIndex {
  let index = pointIndexes.get(model)
  if (index) return index
  const byUnit = new Map<string, { explains: number[]; slots: number[] }>()
  const entry = (u: string) => {
    let e = byUnit.get(u)
    if (!e) byUnit.set(u, (e = { explains: [], slots: [] }))
    return e
  }
  model.explaining.forEach((units, k) => {
    for (const u of units) entry(u).explains.push(k)
  })
  const en: number[] = []
  const zh: number[] = []
  let slot = 0
  for (const bags of model.bags)
    for (const [lang, starts] of [['en', en], ['zh', zh]] as const) {
      starts.push(slot)
      for (const u of bags[lang].units) entry(u).slots.push(slot++)
    }
  index = { byUnit, en, zh, slots: slot }
  pointIndexes.set(model, index)
  return index
}

/**
 * What one window holds of every key point: how many of its explaining words (by point), and which units of
 * its bags (1 at each slot, see {@link PointIndex}). One pair of buffers, grown as needed and cleared after
 * each window: a typed array per window would be allocated outside the heap on every answer.
 */
let explainsHeld = new Uint16Array(64)
let slotsHeld = new Uint8Array(1024)

/** Reads a window into the buffers, one lookup per unit, instead of walking every key point's words. */
function readWindow(index: PointIndex, units: ReadonlySet<string>): void {
  for (const u of units) {
    const e = index.byUnit.get(u)
    if (!e) continue
    for (const k of e.explains) explainsHeld[k]!++
    for (const slot of e.slots) slotsHeld[slot] = 1
  }
}

/** {@link share} of a bag whose units start at `first` among the slots `held` marks. */
function heldShare(bag: WeightedBag, held: Uint8Array, first: number): number {
  if (bag.total <= 0) return 0
  let hit = 0
  for (let i = 0; i < bag.units.length; i++) if (held[first + i] === 1) hit += bag.weights[i]!
  return hit / bag.total
}

/**
 * Measures what an answer shows for each rung: which key points it makes strictly (terms in a well-formed
 * sentence) or in other words (share of the point's own vocabulary in a window of two sentences), how
 * much of the rung's vocabulary it uses, and the rung's generic cues (in sentences that explain something).
 * `sentences` are the answer's analysed sentences with injected text already removed.
 */
export function measureAnswer(q: Question, written: readonly AnalysedSentence[]): AnswerFeatures {
  // Notes ("Prevent: hard caps outside the LLM. Hash tool + args.") are read a few fragments at a time.
  const sentences = joinFragments(written, FRAGMENT_WORDS)
  const model = questionModel(q)
  const { matches } = matchKeyPoints(compileKeyPoints(q), sentences)
  const sentenceSets = sentences.map((s) => new Set(sentenceUnits(s)))
  // A sentence and the next; its text is built only when it is quoted.
  const windows = sentenceSets.map((set, i) => {
    const next = sentenceSets[i + 1]
    if (!next) return set
    const units = new Set(set)
    for (const u of next) units.add(u)
    return units
  })
  const windowText = (i: number) => (i + 1 < sentences.length ? `${sentences[i]!.text} ${sentences[i + 1]!.text}` : sentences[i]!.text)
  // Only sentences that explain something count towards vocabulary and volume: one that names key points
  // in filler, or restates the question around them, holds fewer than two explanatory words.
  // A story's words are its own: for a behavioural question every sentence with two content words counts.
  const story = q.reading === 'behavioural'
  const explanatory = sentenceSets.map((set) => {
    let n = 0
    let named = 0
    let content = 0
    for (const u of set) {
      if (COMMON_WORDS.has(u) || GENERIC.has(u)) continue
      content++
      if (model.named.has(u)) named++
      // Not named: one of the question's words explains.
      else if (model.vocabulary.has(u) || (story && specificity(u) > 0)) n++
    }
    // A sentence made of the question's own words and key-point names around little else restates the
    // question or drops names ("When it comes to cache and decoding, recompute is the key thing").
    return named > 0 && named >= content / 2 && n < Math.max(MIN_SUPPORT_UNITS, named / 2) ? 0 : n
  })
  const all = new Set<string>()
  sentenceSets.forEach((set, i) => {
    if (explanatory[i]! >= MIN_SUPPORT_UNITS) for (const u of set) all.add(u)
  })
  // Rung cues count in sentences about this question (one explanatory word is enough for a short answer).
  const explaining = normalise(sentences.filter((_, i) => explanatory[i]! >= 1).map((s) => s.text).join('\n'))
  const dimensions: Record<string, DimensionFeatures> = {}
  const index = pointIndex(model)
  if (explainsHeld.length < matches.length) explainsHeld = new Uint16Array(matches.length)
  if (slotsHeld.length < index.slots) slotsHeld = new Uint8Array(index.slots)
  // Window by window, each point's best share so far (in window order, so the first best window is quoted).
  const best = matches.map(() => 0)
  const evidence = matches.map((m) => m.evidence)
  windows.forEach((units, i) => {
    readWindow(index, units)
    matches.forEach((m: PointMatch, k) => {
      // Naming the point, or restating the question around it, is not making it: the window must also hold
      // words of the point's own explanation.
      if (explainsHeld[k]! < MIN_SUPPORT_UNITS) return
      // bestShare of the window, from the slots it holds.
      const bags = model.bags[k]!
      const s = Math.max(heldShare(bags.en, slotsHeld, index.en[k]!), heldShare(bags.zh, slotsHeld, index.zh[k]!))
      if (s > best[k]!) {
        best[k] = s
        if (m.evidence === null) evidence[k] = windowText(i)
      }
    })
    explainsHeld.fill(0, 0, matches.length)
    slotsHeld.fill(0, 0, index.slots)
  })
  matches.forEach((m: PointMatch, k) => {
    const d = (dimensions[m.kp.dimension] ??= { points: [], vocabulary: 0, cues: 0 })
    d.points.push({ point: m.kp.point, dimension: m.kp.dimension, strict: m.evidence !== null, similarity: best[k]!, evidence: best[k]! > 0 || m.evidence ? evidence[k]! : null })
  })
  for (const [dimension, bags] of model.dimensionBags) {
    const d = (dimensions[dimension] ??= { points: [], vocabulary: 0, cues: 0 })
    d.vocabulary = bestShare(bags, all)
    d.cues = countCues((story ? STORY_CUES : RUNG_CUES)[dimension] ?? [], explaining)
  }
  let relevant = 0
  for (const u of all) {
    if (COMMON_WORDS.has(u) || GENERIC.has(u)) continue
    // A story is about the candidate's own project: its specific words are its content.
    if (story || model.vocabulary.has(u)) relevant += specificity(u)
  }
  // Topicality looks at every sentence: an answer about something else says little in this question's words.
  let specific = 0
  let onTopic = 0
  const every = new Set<string>()
  for (const set of sentenceSets) for (const u of set) every.add(u)
  for (const u of every) {
    if (COMMON_WORDS.has(u) || GENERIC.has(u)) continue
    const w = specificity(u)
    specific += w
    if (model.vocabulary.has(u)) onTopic += w
  }
  let ownership: number | null = null
  let topicality = specific > 0 ? onTopic / specific : 0
  if (story) {
    const text = normalise(sentences.map((s) => s.text).join('\n'))
    const singular = text.match(FIRST_PERSON.singular)?.length ?? 0
    const plural = text.match(FIRST_PERSON.plural)?.length ?? 0
    ownership = singular + plural > 0 ? singular / (singular + plural) : 0
    // A story is on topic by being a story: things the candidate or the team did, told in the past.
    if ((text.match(PAST_ACTION) ?? []).length >= STORY_MIN_ACTIONS) topicality = 1
    else {
      // Not a story: judged by the question's vocabulary like any other answer.
      relevant = 0
      for (const u of all) if (model.vocabulary.has(u) && !COMMON_WORDS.has(u) && !GENERIC.has(u)) relevant += specificity(u)
    }
  }
  let numbers = 0
  for (const s of sentences) for (const t of s.tokens) if (t.kind === 'num') numbers++
  let words = 0
  for (const s of written) words += s.words
  return { dimensions, relevant, numbers, topicality, specific, ownership, words }
}
