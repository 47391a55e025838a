import { z } from 'zod'
import { LocalizedSchema } from '../i18n.js'

export const DIFFICULTIES = ['mid', 'senior', 'staff'] as const
export type Difficulty = (typeof DIFFICULTIES)[number]

export const CALIBRATION_KINDS = ['strong', 'borderline', 'weak'] as const
export type CalibrationKind = (typeof CALIBRATION_KINDS)[number]

const Slug = /^[a-z0-9][a-z0-9-]*$/

/** Terms and aliases whose presence shows that a key point was made, in both languages. */
export const TermsSchema = z
  .object({
    en: z.array(z.string().trim().min(1)).min(1),
    zh: z.array(z.string().trim().min(1)).min(1),
  })
  .strict()

/**
 * One thing a strong answer says for a dimension. `terms` are any-of: one of them shows the concept is named.
 * `with`, when given, are any-of too and must appear in the same sentence: they show the point is actually
 * explained (a number, a mechanism, a trade-off), not just name-dropped.
 */
export const KeyPointSchema = z
  .object({
    id: z.string().regex(Slug, 'key point ids are kebab-case'),
    en: z.string().trim().min(1),
    zh: z.string().trim().min(1),
    terms: TermsSchema,
    with: TermsSchema.optional(),
  })
  .strict()

/**
 * A known wrong claim a fluent candidate really makes. `terms` name the subject and `with` the wrong
 * predicate: the claim is made when one sentence holds one of each and does not negate or correct it
 * ("is not", "a common myth"). An answer that makes it gets at most level `cap` on `dimension`.
 */
export const RedFlagSchema = z
  .object({
    id: z.string().regex(Slug, 'red flag ids are kebab-case'),
    /** The rubric dimension the wrong claim caps. */
    dimension: z.string(),
    /** The highest level that dimension can get in an answer making this claim (default 1). */
    cap: z.number().int().min(0).default(1),
    /** The wrong claim, as a candidate would say it. */
    en: z.string().trim().min(1),
    zh: z.string().trim().min(1),
    /** Why it is wrong, with a primary source where one exists: shown in feedback. */
    correction: z.object({ en: z.string().trim().min(1), zh: z.string().trim().min(1) }).strict(),
    terms: TermsSchema,
    with: TermsSchema,
  })
  .strict()

export const FollowUpSchema = z
  .object({
    /** The rubric dimension this follow-up probes. */
    dimension: z.string(),
    en: z.string().trim().min(1),
    zh: z.string().trim().min(1),
  })
  .strict()

export const CalibrationSchema = z
  .object({
    kind: z.enum(CALIBRATION_KINDS),
    lang: z.enum(['en', 'zh']).default('en'),
    /** The overall score band, [low, high] on 0–100, this answer must land in. */
    band: z.tuple([z.number(), z.number()]),
    answer: z.string().trim().min(1),
  })
  .strict()

export const SourceSchema = z
  .object({
    /** A seed document file name, e.g. `000_a402e1087e701ea5.txt`, or a URL of a primary source. */
    seed: z.string().min(1),
    section: z.string().min(1),
  })
  .strict()

/**
 * A question (`questions/<category>/<slug>.yaml`). Written by people in an editor; validated by
 * `mockint check`. `key_points` has one list per rubric dimension.
 */
export const QuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'question ids are `category/slug` in kebab-case'),
    category: z.string().regex(Slug),
    difficulty: z.enum(DIFFICULTIES),
    tags: z.array(z.string().regex(Slug)).default([]),
    /** Seconds the candidate has to answer. */
    time_limit: z.number().int(),
    rubric: z.string().min(1),
    /** How this question reads the rubric ladder when it is not a plain technical question. */
    reading: z.string().optional(),
    prompt: LocalizedSchema,
    key_points: z.record(z.string(), z.array(KeyPointSchema)),
    reference: LocalizedSchema,
    follow_ups: z.array(FollowUpSchema),
    /** Known wrong claims and the dimension each caps. */
    red_flags: z.array(RedFlagSchema).default([]),
    calibration: z.array(CalibrationSchema),
    sources: z.array(SourceSchema).min(1),
    /** Date a person last checked this question for correctness, `YYYY-MM-DD`. */
    reviewed: z.iso.date(),
  })
  .strict()

export type Question = z.infer<typeof QuestionSchema>
export type QuestionInput = z.input<typeof QuestionSchema>
export type KeyPoint = z.infer<typeof KeyPointSchema>
export type FollowUp = z.infer<typeof FollowUpSchema>
export type RedFlag = z.infer<typeof RedFlagSchema>
export type Calibration = z.infer<typeof CalibrationSchema>

/** A question plus where it came from, for error messages that point at lines. */
export interface LoadedQuestion {
  question: Question
  file: string
  /** Looks up the 1-based line and column of a path inside the question's YAML. */
  locate(path: readonly PropertyKey[]): { line: number; column: number }
}
