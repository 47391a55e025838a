/** The results of calibration: what every check found, per answer, probe and question. Types only. */
import type { CalibrationKind } from '../bank/schema.js'
import type { Lang } from '../i18n.js'
import type { Issue } from '../issue.js'
import type { Flag, Judge, Usage } from '../judge/types.js'
import type { ProbeKind } from './probes.js'

/** The checks calibration makes of every question, in the order they are reported. */
export const CHECKS = ['bands', 'order', 'margin', 'probes', 'stability'] as const
export type CheckName = (typeof CHECKS)[number]
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip'

/** The calibration rule ids, each with a one-line description (for `--help` and docs). */
export const CALIBRATION_RULES: Record<string, string> = {
  'calibration/band': 'a calibration answer scored outside its band',
  'calibration/order': 'strong is not above borderline, or borderline not above weak (per language)',
  'calibration/margin': "strong − weak is under the rubric's margin (default 30)",
  'calibration/probe-empty': 'an empty answer scored above the weak band',
  'calibration/probe-off-topic': "another question's strong answer scored above the weak band",
  'calibration/probe-buzzwords': "the weak answer padded with the question's key-point terms scored above the weak band",
  'calibration/probe-echo':
    'the weak answer padded with sentences restating the question around each key-point term scored above the weak band (warning; error with --strict)',
  'calibration/probe-injection': 'the weak answer plus an instruction or a fake JSON verdict scored above the weak band',
  'calibration/unflagged-injection': 'an instruction to the grader or a fake verdict was not flagged prompt_injection',
  'calibration/band-edge': 'a calibration answer scored on the inner edge of its band (warning)',
  'calibration/unstable': 'an answer’s overall score spread more than 10 points over --repeat runs (warning; error with --strict)',
}

/** An answer scoring closer than this to an inner edge of its band gets a `calibration/band-edge` warning. */
export const BAND_EDGE = 2

/** Default: an answer whose overall score moves more than this across repeats is unstable. */
export const MAX_SPREAD = 10

/** One grading of one answer. */
export type RunResult =
  | { ok: true; overall: number; scores: Record<string, number>; flags: Flag[]; latency_ms: number }
  | { ok: false; reason: string }

export interface Graded {
  /** Every run, in repeat order. */
  runs: RunResult[]
  /** Median overall of the runs, or null when any run failed (a judge failure is never a score). */
  overall: number | null
  scores: Record<string, number> | null
  /** max − min of the overall scores across runs. */
  spread: number | null
  /** Share of runs agreeing on each dimension's level, averaged over dimensions (1 = identical). */
  dimension_agreement: number | null
  /** Flags raised in every run. */
  flags: Flag[]
  /** The first judge failure, when a run failed. */
  error: string | null
}

export interface AnswerResult extends Graded {
  index: number
  kind: CalibrationKind
  lang: Lang
  band: [number, number]
  line: number
  column: number
  in_band: boolean | null
}

export interface ProbeResult extends Graded {
  kind: ProbeKind
  name: string
  lang: Lang
  limit: number
  manipulative: boolean
  /** Index of the calibration answer it is measured against. */
  from: number
  source?: string
  /** For `red-flag`: the claim woven in, the dimension it caps, the cap, and the level the judge gave there. */
  red_flag?: { id: string; dimension: string; cap: number; level: number | null }
  /** For manipulative probes: flagged `prompt_injection` in every run. */
  flagged: boolean | null
  /**
   * For `buzzwords`: the padding sentences the judge quoted as evidence (first run), per dimension, with the
   * ids of that dimension's key points they name. A judge may quote one sentence per dimension, so this
   * shows where the padding earned credit, not an exact list of the points made.
   */
  buzzword_evidence?: { dimension: string; quote: string; key_points: string[] }[]
  /** Passed; null when not graded, or not judged because the weak answer it builds on is above its band. */
  ok: boolean | null
  /** Why `ok` is null although the probe was graded. */
  note?: string
}

export interface LangDiscrimination {
  /** A language, or `all` when no single language holds two kinds of answer. */
  lang: Lang | 'all'
  strong: number[]
  borderline: number[]
  weak: number[]
  /** min(strong) − max(weak), when both are graded. */
  margin: number | null
  order_ok: boolean | null
  margin_ok: boolean | null
}

export interface CheckResult {
  status: CheckStatus
  /** Short text for the table cell, e.g. `4/4`, `+62`, `±3.5`. */
  detail: string
  issues: Issue[]
  /** Judge failures that left this check incomplete. */
  errors: string[]
}

export interface QuestionCalibration {
  id: string
  file: string
  rubric: string
  margin_required: number
  status: 'pass' | 'fail' | 'error'
  answers: AnswerResult[]
  probes: ProbeResult[]
  discrimination: LangDiscrimination[]
  checks: Record<CheckName, CheckResult>
  issues: Issue[]
}

export interface CalibrationReport {
  judge: { kind: Judge['kind']; description: string }
  repeat: number
  strict: boolean
  max_spread: number
  questions: QuestionCalibration[]
  issues: Issue[]
  gradings: number
  judge_failures: number
  /** Tokens the judge reported over every grading (zero for the offline judge). */
  usage: Usage
  summary: { questions: number; passed: number; failed: number; errored: number }
  ms: number
}

export type CalibrationEvent =
  | { type: 'start'; questions: number; gradings: number }
  | { type: 'graded'; done: number; total: number; question: string; item: string; ok: boolean }
  | { type: 'question'; result: QuestionCalibration }
