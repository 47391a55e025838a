import type { KeyPoint, Question } from '../../bank/schema.js'
import { COMMON_WORDS } from '../../text/common-words.js'
import { normalise } from '../../text/normalise.js'
import { joinFragments, NO_UNIT, sentenceIds, textsUnits, UNKNOWN_UNIT, unknownUnit, type AnalysedSentence } from './analyse.js'
import { compileKeyPoints, matchKeyPoints, questionUnits, type PointMatch } from './bank.js'
import { GENERIC } from './free.js'
import { countCues, FIRST_PERSON, RUNG_CUES, STORY_CUES } from './cues.js'
import { specificity, specificityOf } from './frequency.js'
import { hasUnit, IdMap, internUnit, isCommonUnit, Marks, unitCount, unitSet, type UnitSet } from './units.js'

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

/**
 * A {@link PointStrength} made by a constructor: an answer makes one per key point, and objects of an object
 * literal are the ones V8 may decide to allocate in the old generation (see tokenise.ts's tokens).
 */
class MeasuredPoint implements PointStrength {
  constructor(
    readonly point: KeyPoint,
    readonly dimension: string,
    readonly strict: boolean,
    readonly similarity: number,
    readonly evidence: string | null,
  ) {}
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

/** Units (ids, see units.ts) and their weights in parallel arrays (insertion order): compact, and quick to walk. */
interface WeightedBag {
  ids: Int32Array
  weights: Float64Array
  total: number
}

interface QuestionModel {
  /** Per key point (bank order): its bag of weighted units, one per language. */
  bags: { en: WeightedBag; zh: WeightedBag }[]
  /** Per dimension: the union of its key points' bags. */
  dimensionBags: Map<string, { en: WeightedBag; zh: WeightedBag }>
  /** The question's content units ({@link questionUnits}, shared with its compiled key points). */
  vocabulary: UnitSet
  /**
   * Key-point names and prompt words: naming them or restating the question explains nothing. The question
   * words that explain are the vocabulary less these.
   */
  named: UnitSet
  /** The key points' explaining words and bag units by unit. */
  index: PointIndex
}

/**
 * A question model's key-point units indexed by unit, to read many windows one lookup per unit: per unit (by
 * its entry), the key points (bank order) whose explaining words — a point's own words that name no key point
 * and are not the prompt's — hold it, and its slots in the bags.
 */
interface PointIndex {
  /** The entry of each unit id the key points use (-1 for another). */
  entry: IdMap
  /** Entry e's key points are `explains[explainsAt[e] … explainsAt[e + 1])`; its slots likewise. */
  explainsAt: Int32Array
  explains: Int32Array
  slotsAt: Int32Array
  slots: Int32Array
  /** Per key point: the first slot of its en bag and of its zh bag (slots number every bag's units in turn). */
  en: Int32Array
  zh: Int32Array
  slotCount: number
  /**
   * The dimension bags' units numbered likewise (en then zh of each dimension, in `dimensionBags` order): entry
   * e's are `dimensionSlots[dimensionSlotsAt[e] … dimensionSlotsAt[e + 1])`.
   */
  dimensionSlotsAt: Int32Array
  dimensionSlots: Int32Array
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
  // The question's units recur in its point bags, dimension bags and explaining words: each interned once here.
  const ids = new Map<string, number>()
  const idOf = (u: string) => {
    let id = ids.get(u)
    if (id === undefined) ids.set(u, (id = internUnit(u)))
    return id
  }
  const bag = (units: ReadonlySet<string>): WeightedBag => {
    const list = new Int32Array(units.size)
    const weights = new Float64Array(units.size)
    let total = 0
    let i = 0
    for (const u of units) {
      const w = weight(u)
      list[i] = idOf(u)
      weights[i++] = w
      total += w
    }
    return { ids: list, weights, total }
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
  const model = {
    bags,
    dimensionBags,
    vocabulary: questionUnits(q),
    named: unitSet([...names, ...prompt]),
    index: pointIndex(explaining.map((units) => [...units].map(idOf)), bags, dimensionBags),
  }
  models.set(q, model)
  return model
}

/** Indexes the key points' explaining words and bag units by unit id (see {@link PointIndex}). */
function pointIndex(explaining: readonly (readonly number[])[], bags: QuestionModel['bags'], dimensionBags: QuestionModel['dimensionBags']): PointIndex {
  const entry = new Map<number, number>()
  const explainsOf: number[][] = []
  const slotsOf: number[][] = []
  const dimensionSlotsOf: number[][] = []
  const entryOf = (id: number) => {
    let e = entry.get(id)
    if (e === undefined) {
      entry.set(id, (e = explainsOf.length))
      explainsOf.push([])
      slotsOf.push([])
      dimensionSlotsOf.push([])
    }
    return e
  }
  explaining.forEach((units, k) => {
    for (const id of units) explainsOf[entryOf(id)]!.push(k)
  })
  const en = new Int32Array(bags.length)
  const zh = new Int32Array(bags.length)
  let slot = 0
  bags.forEach((b, k) => {
    for (const [lang, starts] of [['en', en], ['zh', zh]] as const) {
      starts[k] = slot
      for (const id of b[lang].ids) slotsOf[entryOf(id)]!.push(slot++)
    }
  })
  const flat = (lists: number[][]) => {
    const at = new Int32Array(lists.length + 1)
    const all = new Int32Array(lists.reduce((t, l) => t + l.length, 0))
    let i = 0
    lists.forEach((l, e) => {
      at[e] = i
      all.set(l, i)
      i += l.length
    })
    at[lists.length] = i
    return [at, all] as const
  }
  let dimensionSlot = 0
  for (const b of dimensionBags.values()) for (const id of [...b.en.ids, ...b.zh.ids]) dimensionSlotsOf[entryOf(id)]!.push(dimensionSlot++)
  const [explainsAt, explains] = flat(explainsOf)
  const [slotsAt, slots] = flat(slotsOf)
  const [dimensionSlotsAt, dimensionSlots] = flat(dimensionSlotsOf)
  return { entry: new IdMap(entry), explainsAt, explains, slotsAt, slots, en, zh, slotCount: slot, dimensionSlotsAt, dimensionSlots }
}

/**
 * What one window holds of every key point: how many of its explaining words (by point), the points that hold
 * {@link MIN_SUPPORT_UNITS} of them, and which slots of the bags it holds (marked in `held`). One buffer, grown
 * as needed and cleared after each window.
 */
let explainsHeld = new Uint16Array(64)
const ready: number[] = []
const held = new Marks()
/** Units read into the current window, units of the answer's explaining sentences, units of the whole answer. */
const inWindow = new Marks()
const inAll = new Marks()
const inEvery = new Marks()
const inSentence = new Marks()

/**
 * Reads the units `units[from … to)` into the window, each once: `entries` holds each one's entry in the index
 * (-1: none, or a unit no compiled text uses), looked up once per answer though most units are read by two windows.
 */
function readUnits(index: PointIndex, units: readonly number[], entries: Int32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const e = entries[i]!
    if (e < 0 || !inWindow.mark(units[i]!)) continue
    for (let j = index.explainsAt[e]!, end = index.explainsAt[e + 1]!; j < end; j++) {
      const k = index.explains[j]!
      if (++explainsHeld[k]! === MIN_SUPPORT_UNITS) ready.push(k)
    }
    for (let j = index.slotsAt[e]!, end = index.slotsAt[e + 1]!; j < end; j++) held.mark(index.slots[j]!)
  }
}
/** The index entries of an answer's units (see {@link readUnits}), grown as needed. */
let unitEntries = new Int32Array(256)
/** Per unit of an answer: an everyday or generic word, a key point's name or the prompt's, one of the question's units. */
let unitKinds = new Uint8Array(256)
const COMMON_UNIT = 1
const NAMED_UNIT = 2
const QUESTION_UNIT = 4

/** The weighted share of a bag whose units start at slot `first`, among the slots marked in generation `gen`. */
function heldShare(bag: WeightedBag, first: number, gen: number): number {
  if (bag.total <= 0) return 0
  let hit = 0
  for (let i = 0; i < bag.ids.length; i++) if (held.marked(first + i, gen)) hit += bag.weights[i]!
  return hit / bag.total
}

/**
 * The dimension-bag slots (see {@link PointIndex}) of the units at positions `at` (their index entries in
 * `entries`) — the few units of an answer instead of every unit of every bag — in slot order, so each bag's weights
 * found are added in the bag's order. A view of a buffer reused by the next call.
 */
function dimensionSlotsOf(index: PointIndex, at: readonly number[], entries: Int32Array): Int32Array {
  let n = 0
  for (const j of at) {
    const e = entries[j]!
    if (e < 0) continue
    const from = index.dimensionSlotsAt[e]!
    const to = index.dimensionSlotsAt[e + 1]!
    if (n + to - from > slotBuffer.length) {
      const grown = new Int32Array(Math.max(n + to - from, slotBuffer.length * 2))
      grown.set(slotBuffer.subarray(0, n))
      slotBuffer = grown
    }
    for (let j = from; j < to; j++) slotBuffer[n++] = index.dimensionSlots[j]!
  }
  // A typed array sorts numerically.
  return slotBuffer.subarray(0, n).sort()
}
let slotBuffer = new Int32Array(256)

/** The weighted share of a bag whose units are the slots from `first` on, among `slots` (sorted) from `at[0]` on; moves `at[0]` past the bag. */
function share(bag: WeightedBag, first: number, slots: Int32Array, at: number[]): number {
  const end = first + bag.ids.length
  let hit = 0
  let i = at[0]!
  for (; i < slots.length && slots[i]! < end; i++) hit += bag.weights[slots[i]! - first]!
  at[0] = i
  return bag.total <= 0 ? 0 : hit / bag.total
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
  // Each sentence's distinct content units in order of first use, all sentences' in one list (sentence i's
  // from starts[i] to starts[i + 1]): a unit's id, or for a unit no compiled text uses, `base` plus its
  // number among the answer's unknown units (their texts kept for this answer only).
  const base = unitCount()
  // An answer's units no compiled text uses, numbered from the table's size: this answer's own, in a map that
  // dies with it (a long-lived map would keep each answer's entries through minor collections, and promote them).
  let unknownNumbers: Map<string, number> | undefined
  const unknownTexts: string[] = []
  const units: number[] = []
  const starts: number[] = [0]
  // Numbers in the answer: a number token always starts a unit, so only tokens that do are read.
  let numbers = 0
  for (const s of sentences) {
    sentenceIds(s)
    const ids = s.unitIds!
    inSentence.next()
    for (let i = 0; i < ids.length; i++) {
      let u = ids[i]!
      if (u === NO_UNIT) continue
      if (s.tokens[i]!.kind === 'num') numbers++
      if (u === UNKNOWN_UNIT) {
        const text = unknownUnit(s, i)
        unknownNumbers ??= new Map()
        let j = unknownNumbers.get(text)
        if (j === undefined) {
          unknownNumbers.set(text, (j = unknownTexts.length))
          unknownTexts.push(text)
        }
        u = base + j
      }
      if (inSentence.mark(u)) units.push(u)
    }
    starts.push(units.length)
  }
  // What each unit is to the question, read once for the passes below (by position in `units`).
  if (unitKinds.length < units.length) unitKinds = new Uint8Array(Math.max(units.length, unitKinds.length * 2))
  for (let j = 0; j < units.length; j++) {
    const u = units[j]!
    unitKinds[j] =
      u >= base ? 0 : (isCommonUnit(u) ? COMMON_UNIT : 0) | (hasUnit(model.named, u) ? NAMED_UNIT : 0) | (hasUnit(model.vocabulary, u) ? QUESTION_UNIT : 0)
  }
  const spec = (u: number) => (u < base ? specificityOf(u) : specificity(unknownTexts[u - base]!))
  const windowText = (i: number) => (i + 1 < sentences.length ? `${sentences[i]!.text} ${sentences[i + 1]!.text}` : sentences[i]!.text)
  // Only sentences that explain something count towards vocabulary and volume: one that names key points
  // in filler, or restates the question around them, holds fewer than two explanatory words.
  // A story's words are its own: for a behavioural question every sentence with two content words counts.
  const story = q.reading === 'behavioural'
  const explanatory: number[] = []
  for (let i = 0; i < sentences.length; i++) {
    let n = 0
    let named = 0
    let content = 0
    for (let j = starts[i]!; j < starts[i + 1]!; j++) {
      const kind = unitKinds[j]!
      if (kind & COMMON_UNIT) continue
      content++
      if (kind & NAMED_UNIT) named++
      // Not named: one of the question's words explains.
      else if (kind & QUESTION_UNIT || (story && spec(units[j]!) > 0)) n++
    }
    // A sentence made of the question's own words and key-point names around little else restates the
    // question or drops names ("When it comes to cache and decoding, recompute is the key thing").
    explanatory.push(named > 0 && named >= content / 2 && n < Math.max(MIN_SUPPORT_UNITS, named / 2) ? 0 : n)
  }
  // The distinct units of the explaining sentences, each by its first position in `units`.
  const all: number[] = []
  inAll.next()
  for (let i = 0; i < sentences.length; i++)
    if (explanatory[i]! >= MIN_SUPPORT_UNITS) for (let j = starts[i]!; j < starts[i + 1]!; j++) if (inAll.mark(units[j]!)) all.push(j)
  // Rung cues count in sentences about this question (one explanatory word is enough for a short answer).
  const explaining = normalise(sentences.filter((_, i) => explanatory[i]! >= 1).map((s) => s.text).join('\n'))
  const dimensions: Record<string, DimensionFeatures> = {}
  const index = model.index
  if (unitEntries.length < units.length) unitEntries = new Int32Array(Math.max(units.length, unitEntries.length * 2))
  for (let j = 0; j < units.length; j++) unitEntries[j] = units[j]! < base ? index.entry.get(units[j]!) : -1
  if (explainsHeld.length < matches.length) explainsHeld = new Uint16Array(matches.length)
  // Window by window (a sentence and the next), each point's best share so far (in window order, so the first
  // best window is quoted).
  const best = matches.map(() => 0)
  const evidence = matches.map((m) => m.evidence)
  for (let i = 0; i < sentences.length; i++) {
    const gen = held.next()
    inWindow.next()
    ready.length = 0
    readUnits(index, units, unitEntries, starts[i]!, starts[i + 1]!)
    if (i + 1 < sentences.length) readUnits(index, units, unitEntries, starts[i + 1]!, starts[i + 2]!)
    // Naming the point, or restating the question around it, is not making it: the window must also hold
    // words of the point's own explanation.
    for (const k of ready) {
      // The better of the two languages' shares: a Chinese answer names English terms, and the reverse.
      const bags = model.bags[k]!
      const s = Math.max(heldShare(bags.en, index.en[k]!, gen), heldShare(bags.zh, index.zh[k]!, gen))
      if (s > best[k]!) {
        best[k] = s
        if (matches[k]!.evidence === null) evidence[k] = windowText(i)
      }
    }
    explainsHeld.fill(0, 0, matches.length)
  }
  matches.forEach((m: PointMatch, k) => {
    const d = (dimensions[m.kp.dimension] ??= { points: [], vocabulary: 0, cues: 0 })
    d.points.push(new MeasuredPoint(m.kp.point, m.kp.dimension, m.evidence !== null, best[k]!, best[k]! > 0 || m.evidence ? evidence[k]! : null))
  })
  const allSlots = dimensionSlotsOf(index, all, unitEntries)
  const at = [0]
  let first = 0
  for (const [dimension, bags] of model.dimensionBags) {
    const d = (dimensions[dimension] ??= { points: [], vocabulary: 0, cues: 0 })
    const en = share(bags.en, first, allSlots, at)
    first += bags.en.ids.length
    d.vocabulary = Math.max(en, share(bags.zh, first, allSlots, at))
    first += bags.zh.ids.length
    d.cues = countCues((story ? STORY_CUES : RUNG_CUES)[dimension] ?? [], explaining)
  }
  let relevant = 0
  for (const j of all) {
    const kind = unitKinds[j]!
    if (kind & COMMON_UNIT) continue
    // A story is about the candidate's own project: its specific words are its content.
    if (story || kind & QUESTION_UNIT) relevant += spec(units[j]!)
  }
  // Topicality looks at every sentence: an answer about something else says little in this question's words.
  let specific = 0
  let onTopic = 0
  inEvery.next()
  for (let j = 0; j < units.length; j++) {
    const u = units[j]!
    if (!inEvery.mark(u) || unitKinds[j]! & COMMON_UNIT) continue
    const w = spec(u)
    specific += w
    if (unitKinds[j]! & QUESTION_UNIT) onTopic += w
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
      for (const j of all) if (unitKinds[j]! & QUESTION_UNIT && !(unitKinds[j]! & COMMON_UNIT)) relevant += spec(units[j]!)
    }
  }
  let words = 0
  for (const s of written) words += s.words
  return { dimensions, relevant, numbers, topicality, specific, ownership, words }
}
