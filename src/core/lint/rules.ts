import type { Bank, LoadedRubric } from '../bank/load.js'
import type { LoadedQuestion } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import { controlCharsIn } from '../text/control.js'
import { lintMatching, MATCHING_RULES } from './matching.js'
import { correctTexts, lintFlagList, lintRubricFlags } from './red-flags.js'

export const TIME_LIMIT_MIN = 60
export const TIME_LIMIT_MAX = 3600
export const KEY_POINTS_MIN = 3
export const KEY_POINTS_MAX = 6
/** Two prompts sharing this share of word shingles are reported as near-duplicates. */
export const NEAR_DUPLICATE_SIMILARITY = 0.7
/** Bands of different calibration kinds may overlap by at most this many points (or half the narrower band). */
export const BAND_OVERLAP_MAX = 10

interface RuleContext {
  bank: Bank
  report(issue: Omit<Issue, 'line' | 'column'> & { path?: readonly PropertyKey[]; locate: LoadedQuestion['locate'] }): void
}
type Rule = (ctx: RuleContext) => void

/** The rule ids, each with a one-line description (for docs and `--help`). */
export const RULES: Record<string, string> = {
  'rubric/duplicate-id': 'two rubric files share an id',
  'rubric/duplicate-dimension': 'a rubric lists a dimension twice',
  'rubric/weights': 'dimension weights do not add up to 1',
  'rubric/levels': 'level descriptors missing, duplicated or out of order for the scale',
  'bank/duplicate-id': 'two questions share an id',
  'bank/id-category': 'the id does not start with the category',
  'bank/unknown-rubric': 'a question names a rubric that is not loaded',
  'bank/dimension-without-key-points': 'a rubric dimension has no key points in a question',
  'bank/unknown-dimension': 'key points or a follow-up name a dimension the rubric lacks',
  'bank/key-point-count': 'a dimension has fewer than 3 or more than 6 key points (warning)',
  'bank/duplicate-key-point': 'two key points of a question share an id',
  'bank/time-limit': `time limit outside ${TIME_LIMIT_MIN}–${TIME_LIMIT_MAX} seconds`,
  'bank/calibration-band': 'a calibration band is out of 0–100, inverted, or overlaps another kind badly',
  'bank/calibration-missing': 'a question lacks a strong or a weak calibration answer',
  'bank/follow-ups-missing': 'a question has no follow-up questions',
  'bank/near-duplicate': 'two questions ask nearly the same thing (warning)',
  'bank/missing-language': 'a text lacks its en or zh version',
  'bank/red-flag-dimension': 'a red flag caps a dimension the rubric lacks, or caps it at or above its top level',
  'bank/red-flag-undetected': "a red flag's own en or zh statement does not make the claim by its terms and `with` (the flag can never fire)",
  'bank/red-flag-false-positive': "a red flag fires on the question's reference or strong calibration answer (it would cap correct answers)",
  'bank/red-flags-missing': 'a question lists fewer than 2 red flags (warning)',
  'bank/control-characters': 'a text holds control characters (ESC, BEL, CR, a bidirectional override…) that a terminal would obey',
  ...MATCHING_RULES,
}

/** A question should name at least this many known wrong claims. */
export const RED_FLAGS_MIN = 2

const rubricRules: ((r: LoadedRubric, push: (i: Issue) => void) => void)[] = [
  ({ rubric, file, locate }, push) => {
    const seen = new Set<string>()
    rubric.dimensions.forEach((d, i) => {
      if (seen.has(d.id))
        push({
          file,
          ...locate(['dimensions', i, 'id']),
          severity: 'error',
          rule: 'rubric/duplicate-dimension',
          message: `dimension "${d.id}" is listed twice`,
        })
      seen.add(d.id)
    })
  },
  ({ rubric, file, locate }, push) => {
    const sum = rubric.dimensions.reduce((s, d) => s + d.weight, 0)
    if (Math.abs(sum - 1) > 1e-6)
      push({
        file,
        ...locate(['dimensions']),
        severity: 'error',
        rule: 'rubric/weights',
        message: `dimension weights add up to ${+sum.toFixed(4)}, not 1; adjust the weights`,
      })
  },
  ({ rubric, file, locate }, push) => {
    const want = rubric.scale.max - rubric.scale.min + 1
    rubric.dimensions.forEach((d, i) => {
      const levels = d.levels.map((l) => l.level)
      const expected = Array.from({ length: want }, (_, k) => rubric.scale.min + k)
      if (levels.length !== want || levels.some((l, k) => l !== expected[k]))
        push({
          file,
          ...locate(['dimensions', i, 'levels']),
          severity: 'error',
          rule: 'rubric/levels',
          message: `dimension "${d.id}" has levels [${levels.join(', ')}]; give one descriptor for each of ${expected.join(', ')}, in that order`,
        })
    })
  },
]

const rules: Rule[] = [
  // rubric/duplicate-id
  ({ bank, report }) => {
    const first = new Map<string, LoadedRubric>()
    for (const r of bank.rubricFiles) {
      const prev = first.get(r.rubric.id)
      if (prev)
        report({
          file: r.file,
          locate: r.locate,
          path: ['id'],
          severity: 'error',
          rule: 'rubric/duplicate-id',
          message: `rubric id "${r.rubric.id}" is already used by ${prev.file}; rename one`,
        })
      else first.set(r.rubric.id, r)
    }
  },
  // bank/duplicate-id
  ({ bank, report }) => {
    const first = new Map<string, LoadedQuestion>()
    for (const q of bank.questions) {
      const prev = first.get(q.question.id)
      if (prev)
        report({
          file: q.file,
          locate: q.locate,
          path: ['id'],
          severity: 'error',
          rule: 'bank/duplicate-id',
          message: `question id "${q.question.id}" is already used by ${prev.file}; ids must be unique`,
        })
      else first.set(q.question.id, q)
    }
  },
  // per question
  ({ bank, report }) => {
    const rubricIds = [...bank.rubrics.keys()].join(', ') || 'none'
    for (const lq of bank.questions) {
      const q = lq.question
      const at = (path: readonly PropertyKey[], severity: Issue['severity'], rule: string, message: string) =>
        report({ file: lq.file, locate: lq.locate, path, severity, rule, message })

      if (!q.id.startsWith(`${q.category}/`))
        at(['id'], 'error', 'bank/id-category', `id "${q.id}" must start with its category "${q.category}/"`)
      if (q.time_limit < TIME_LIMIT_MIN || q.time_limit > TIME_LIMIT_MAX)
        at(
          ['time_limit'],
          'error',
          'bank/time-limit',
          `time limit ${q.time_limit} s is outside ${TIME_LIMIT_MIN}–${TIME_LIMIT_MAX} s`,
        )

      const rubric = bank.rubrics.get(q.rubric)?.rubric
      if (!rubric) {
        at(['rubric'], 'error', 'bank/unknown-rubric', `unknown rubric "${q.rubric}" (loaded rubrics: ${rubricIds})`)
      } else {
        const dims = new Set(rubric.dimensions.map((d) => d.id))
        for (const d of rubric.dimensions) {
          const kps = q.key_points[d.id]
          if (!kps || kps.length === 0)
            at(
              ['key_points'],
              'error',
              'bank/dimension-without-key-points',
              `dimension "${d.id}" of rubric "${rubric.id}" has no key points; add at least ${KEY_POINTS_MIN}`,
            )
          else if (kps.length < KEY_POINTS_MIN || kps.length > KEY_POINTS_MAX)
            at(
              ['key_points', d.id],
              'warning',
              'bank/key-point-count',
              `dimension "${d.id}" has ${kps.length} key points; give ${KEY_POINTS_MIN}–${KEY_POINTS_MAX}`,
            )
        }
        for (const dim of Object.keys(q.key_points))
          if (!dims.has(dim))
            at(
              ['key_points', dim],
              'error',
              'bank/unknown-dimension',
              `key points for "${dim}", which rubric "${rubric.id}" does not have (it has: ${[...dims].join(', ')})`,
            )
        q.follow_ups.forEach((f, i) => {
          if (!dims.has(f.dimension))
            at(
              ['follow_ups', i, 'dimension'],
              'error',
              'bank/unknown-dimension',
              `follow-up probes "${f.dimension}", which rubric "${rubric.id}" does not have (it has: ${[...dims].join(', ')})`,
            )
        })
      }

      const kpIds = new Map<string, string>()
      for (const [dim, kps] of Object.entries(q.key_points))
        kps.forEach((kp, i) => {
          const prev = kpIds.get(kp.id)
          if (prev)
            at(
              ['key_points', dim, i, 'id'],
              'error',
              'bank/duplicate-key-point',
              `key point id "${kp.id}" is also used under "${prev}"`,
            )
          else kpIds.set(kp.id, dim)
        })

      if (q.follow_ups.length === 0)
        at(['follow_ups'], 'error', 'bank/follow-ups-missing', 'give at least one follow-up question')

      const kinds = new Set(q.calibration.map((c) => c.kind))
      for (const need of ['strong', 'weak'] as const)
        if (!kinds.has(need))
          at(['calibration'], 'error', 'bank/calibration-missing', `no "${need}" calibration answer; add one with its band`)
      q.calibration.forEach((c, i) => {
        const [lo, hi] = c.band
        if (lo < 0 || hi > 100)
          at(['calibration', i, 'band'], 'error', 'bank/calibration-band', `band [${lo}, ${hi}] is outside 0–100`)
        else if (lo > hi)
          at(['calibration', i, 'band'], 'error', 'bank/calibration-band', `band [${lo}, ${hi}] is inverted; write [low, high]`)
      })
      // strong must sit above weak and borderline between them; bands may touch and overlap a little, not more.
      const order = { weak: 0, borderline: 1, strong: 2 } as const
      q.calibration.forEach((a, i) => {
        q.calibration.forEach((b, j) => {
          if (order[a.kind] <= order[b.kind]) return
          // a is the higher kind: its low end must not be below b's low end, its high end not below b's high.
          const overlap = b.band[1] - a.band[0]
          const width = Math.min(a.band[1] - a.band[0], b.band[1] - b.band[0])
          if (a.band[0] < b.band[0] || a.band[1] < b.band[1] || overlap > Math.min(BAND_OVERLAP_MAX, width / 2))
            at(
              ['calibration', i, 'band'],
              'error',
              'bank/calibration-band',
              `${a.kind} band [${a.band.join(', ')}] overlaps the ${b.kind} band [${b.band.join(', ')}] (calibration[${j}]) too much; a ${a.kind} answer must be clearly above a ${b.kind} one`,
            )
        })
      })
    }
  },
  // bank/red-flag-*
  ({ bank, report }) => {
    for (const lq of bank.questions) {
      const q = lq.question
      const at = (path: readonly PropertyKey[], severity: Issue['severity'], rule: string, message: string) =>
        report({ file: lq.file, locate: lq.locate, path, severity, rule, message })
      const rubric = bank.rubrics.get(q.rubric)?.rubric
      if (q.red_flags.length < RED_FLAGS_MIN)
        at(q.red_flags.length ? ['red_flags'] : ['id'], 'warning', 'bank/red-flags-missing', `${q.red_flags.length} red flag${q.red_flags.length === 1 ? '' : 's'}; list at least ${RED_FLAGS_MIN} wrong claims a fluent candidate really makes, with the dimension each caps`)
      lintFlagList(q.red_flags, rubric, 'red flag', correctTexts(q), (path, rule, message) => at(path, 'error', rule, message))
    }
  },
  // bank/control-characters: every text of a question is shown in a terminal somewhere (bank show, the
  // interview card, hints, feedback, the report); an escape sequence there would be obeyed, not read.
  ({ bank, report }) => {
    for (const lq of bank.questions)
      for (const [path, text] of stringsIn(lq.question)) {
        const found = controlCharsIn(text)
        if (found.length)
          report({
            file: lq.file,
            locate: lq.locate,
            path,
            severity: 'error',
            rule: 'bank/control-characters',
            message: `${formatPath(path)} holds control character${found.length === 1 ? '' : 's'} ${found.join(', ')}, which a terminal would obey rather than show; delete ${found.length === 1 ? 'it' : 'them'}`,
          })
      }
  },
  // bank/near-duplicate
  ({ bank, report }) => {
    const shingles = bank.questions.map((lq) => shingleSet(lq.question.prompt.en))
    for (let i = 0; i < bank.questions.length; i++)
      for (let j = i + 1; j < bank.questions.length; j++) {
        const a = bank.questions[i]!
        const b = bank.questions[j]!
        if (a.question.id === b.question.id) continue
        const sim = jaccard(shingles[i]!, shingles[j]!)
        if (sim >= NEAR_DUPLICATE_SIMILARITY)
          report({
            file: b.file,
            locate: b.locate,
            path: ['prompt', 'en'],
            severity: 'warning',
            rule: 'bank/near-duplicate',
            message: `prompt is ${Math.round(sim * 100)}% similar to "${a.question.id}" (${a.file}); merge them or make them ask different things`,
          })
      }
  },
]

/** Runs every cross-file rule over a loaded bank. Pure: returns issues, never throws for content. */
export function lintBank(bank: Bank): Issue[] {
  const issues: Issue[] = []
  for (const r of bank.rubricFiles) for (const rule of rubricRules) rule(r, (i) => issues.push(i))
  const ctx: RuleContext = {
    bank,
    report: ({ path, locate, ...rest }) => issues.push({ ...rest, ...locate(path ?? []) }),
  }
  for (const rule of rules) rule(ctx)
  for (const lq of bank.questions) lintMatching(lq, (i) => issues.push(i))
  lintRubricFlags(bank, (i) => issues.push(i))
  return issues
}

/** Every string in a parsed value, with its path (depth-first, in document order). */
function* stringsIn(value: unknown, path: PropertyKey[] = []): Generator<[PropertyKey[], string]> {
  if (typeof value === 'string') yield [path, value]
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i])
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k])
}

/** `key_points.principle[0].en`, as a reader of the YAML file would name the field. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
}

function shingleSet(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const out = new Set<string>()
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`)
  if (words.length === 1) out.add(words[0]!)
  return out
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0
  let inter = 0
  for (const x of a) if (b.has(x)) inter++
  return inter / (a.size + b.size - inter)
}
