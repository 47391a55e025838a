import { z } from 'zod'
import { RedFlagSchema } from '../bank/schema.js'
import { LocalizedSchema } from '../i18n.js'

export const DIMENSION_ID = /^[a-z][a-z0-9-]*$/

/** One level of a dimension: what an answer at that level does, concretely enough that two graders agree. */
export const LevelSchema = z
  .object({
    level: z.number().int().min(0),
    en: z.string().trim().min(1),
    zh: z.string().trim().min(1),
  })
  .strict()

export const DimensionSchema = z
  .object({
    id: z.string().regex(DIMENSION_ID, 'dimension ids are lower-case kebab-case'),
    title: LocalizedSchema,
    /** What the dimension asks of the candidate. */
    asks: LocalizedSchema,
    /** Relative weight; the weights of a rubric add up to 1. */
    weight: z.number().positive().max(1),
    /** One descriptor per level of the scale, lowest first. */
    levels: z.array(LevelSchema).min(2),
  })
  .strict()

/**
 * A grading rubric (`rubrics/*.yaml`). Every question names one. The overall score is computed in code:
 * `100 × Σ weight·level / scale.max`; an answer passes at `pass` or above.
 */
export const RubricSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'rubric ids are lower-case kebab-case'),
    version: z.number().int().positive(),
    title: LocalizedSchema,
    description: LocalizedSchema.optional(),
    scale: z.object({ min: z.literal(0), max: z.number().int().min(1).max(10) }).strict(),
    /** Overall score (0–100) at which an answer passes. */
    pass: z.number().min(0).max(100),
    /** Minimum strong − weak overall score gap that `mockint check` demands of calibration answers. */
    margin: z.number().min(0).max(100).default(30),
    dimensions: z.array(DimensionSchema).min(1),
    /** How non-technical question kinds (behavioural, coding) read the same ladder. */
    readings: z
      .record(z.string(), z.object({ note: LocalizedSchema }).strict())
      .optional(),
    /**
     * Wrong claims a fluent candidate makes whatever the question ("temperature 0 makes outputs
     * deterministic", "HNSW is exact"): checked in every answer to every question graded with this rubric,
     * like a question's own `red_flags`.
     */
    red_flags: z.array(RedFlagSchema).default([]),
  })
  .strict()

export type Rubric = z.infer<typeof RubricSchema>
export type RubricInput = z.input<typeof RubricSchema>
export type Dimension = z.infer<typeof DimensionSchema>
export type Level = z.infer<typeof LevelSchema>
