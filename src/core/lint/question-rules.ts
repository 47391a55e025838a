import type { LoadedQuestion, Question } from '../bank/schema.js'
import type { Issue } from '../issue.js'
import type { Rubric } from '../rubric/schema.js'
import { BAND_OVERLAP_MAX, KEY_POINTS_MAX, KEY_POINTS_MIN, TIME_LIMIT_MAX, TIME_LIMIT_MIN } from './limits.js'

/** Reports an issue of the question at a path of its file. */
export type At = (path: readonly PropertyKey[], severity: Issue['severity'], rule: string, message: string) => void

/**
 * The rules over one question, in this order: id and time limit; its rubric and the dimensions its key
 * points and follow-ups name; key-point ids; follow-ups present; calibration answers and their bands.
 * `rubric` is undefined when the question names a rubric that is not loaded (`rubricIds` lists those that are).
 */
export function lintQuestion(lq: LoadedQuestion, rubric: Rubric | undefined, rubricIds: string, at: At): void {
  const q = lq.question
  lintIdAndTime(q, at)
  if (!rubric) at(['rubric'], 'error', 'bank/unknown-rubric', `unknown rubric "${q.rubric}" (loaded rubrics: ${rubricIds})`)
  else lintDimensions(q, rubric, at)
  lintKeyPointIds(q, at)
  if (q.follow_ups.length === 0) at(['follow_ups'], 'error', 'bank/follow-ups-missing', 'give at least one follow-up question')
  lintCalibration(q, at)
}

function lintIdAndTime(q: Question, at: At): void {
  if (!q.id.startsWith(`${q.category}/`)) at(['id'], 'error', 'bank/id-category', `id "${q.id}" must start with its category "${q.category}/"`)
  if (q.time_limit < TIME_LIMIT_MIN || q.time_limit > TIME_LIMIT_MAX)
    at(['time_limit'], 'error', 'bank/time-limit', `time limit ${q.time_limit} s is outside ${TIME_LIMIT_MIN}–${TIME_LIMIT_MAX} s`)
}

/** Every rubric dimension has 3–6 key points; key points and follow-ups name only the rubric's dimensions. */
function lintDimensions(q: Question, rubric: Rubric, at: At): void {
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
      at(['key_points', d.id], 'warning', 'bank/key-point-count', `dimension "${d.id}" has ${kps.length} key points; give ${KEY_POINTS_MIN}–${KEY_POINTS_MAX}`)
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

function lintKeyPointIds(q: Question, at: At): void {
  const kpIds = new Map<string, string>()
  for (const [dim, kps] of Object.entries(q.key_points))
    kps.forEach((kp, i) => {
      const prev = kpIds.get(kp.id)
      if (prev) at(['key_points', dim, i, 'id'], 'error', 'bank/duplicate-key-point', `key point id "${kp.id}" is also used under "${prev}"`)
      else kpIds.set(kp.id, dim)
    })
}

/** A strong and a weak answer exist; bands lie in 0–100, are not inverted, and a higher kind sits clearly above a lower one. */
function lintCalibration(q: Question, at: At): void {
  const kinds = new Set(q.calibration.map((c) => c.kind))
  for (const need of ['strong', 'weak'] as const)
    if (!kinds.has(need)) at(['calibration'], 'error', 'bank/calibration-missing', `no "${need}" calibration answer; add one with its band`)
  q.calibration.forEach((c, i) => {
    const [lo, hi] = c.band
    if (lo < 0 || hi > 100) at(['calibration', i, 'band'], 'error', 'bank/calibration-band', `band [${lo}, ${hi}] is outside 0–100`)
    else if (lo > hi) at(['calibration', i, 'band'], 'error', 'bank/calibration-band', `band [${lo}, ${hi}] is inverted; write [low, high]`)
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
