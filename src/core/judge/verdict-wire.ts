import { z } from 'zod'
import type { Rubric } from '../rubric/schema.js'
import { scoreVerdict } from './score.js'
import { FLAGS, VerdictSchema, type Flag, type Verdict } from './types.js'

/** Flags a model may raise: every one but `overtime`, which only the session sets. */
const MODEL_FLAGS = FLAGS.filter((f) => f !== 'overtime') as [Flag, ...Flag[]]

/**
 * The verdict as an LLM judge writes it, for one rubric: `dimensions` is an object keyed by dimension id,
 * every id required, no other key, keys in rubric order; each value is {evidence, rationale, level} in
 * that order (the order of thought), the level an integer on the rubric's scale. A grammar-constrained
 * decoder (vLLM, llama.cpp, Ollama `format`, OpenAI strict mode) can therefore only produce a verdict with
 * every dimension exactly once — unlike an array of `{id, …}` items, which it may stop after one item or
 * fill with repeats. The JSON Schema sent to the server and shown in the prompt is generated from this.
 */
export function wireVerdictSchema(rubric: Pick<Rubric, 'id' | 'version' | 'dimensions' | 'scale'>): z.ZodType<WireVerdict> {
  const key = rubricKey(rubric)
  let schema = wireSchemas.get(key)
  if (!schema) {
    const dimension = z.strictObject({
      evidence: z.array(z.string()),
      rationale: z.string(),
      level: z.number().int().min(rubric.scale.min).max(rubric.scale.max),
    })
    const dimensions: Record<string, typeof dimension> = {}
    for (const d of rubric.dimensions) dimensions[d.id] = dimension
    schema = z.strictObject({
      dimensions: z.strictObject(dimensions),
      feedback: z.string(),
      missing: z.array(z.string()),
      follow_up: z.string(),
      flags: z.array(z.enum(MODEL_FLAGS)),
    })
    wireSchemas.set(key, schema)
  }
  return schema
}

/** A verdict in the wire shape of {@link wireVerdictSchema}. */
export interface WireVerdict {
  dimensions: Record<string, { evidence: string[]; rationale: string; level: number }>
  feedback: string
  missing: string[]
  follow_up: string
  flags: Flag[]
}
const wireSchemas = new Map<string, z.ZodType<WireVerdict>>()

const schemaTexts = new Map<string, string>()

/**
 * The wire verdict's JSON Schema as text, for the prompt (json_object and text modes read it there).
 * Computed once per rubric version: z.toJSONSchema per answer would cost ~0.1 ms of CPU each.
 */
export function wireVerdictSchemaText(rubric: Pick<Rubric, 'id' | 'version' | 'dimensions' | 'scale'>): string {
  const key = rubricKey(rubric)
  let text = schemaTexts.get(key)
  if (text === undefined) {
    text = JSON.stringify(clean(z.toJSONSchema(wireVerdictSchema(rubric))))
    schemaTexts.set(key, text)
  }
  return text
}

/** What the wire schema depends on: the rubric version, and (for hand-built test rubrics) its ids and scale. */
function rubricKey(rubric: Pick<Rubric, 'id' | 'version' | 'dimensions' | 'scale'>): string {
  return `${rubric.id}@${rubric.version}:${rubric.dimensions.map((d) => d.id).join(',')}:${rubric.scale.min}-${rubric.scale.max}`
}

/** Drops `$schema` and zod's ±MAX_SAFE_INTEGER bounds on integers: noise to a model. */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean)
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) {
      if (k === '$schema') continue
      if ((k === 'minimum' || k === 'maximum') && typeof v === 'number' && Math.abs(v) >= Number.MAX_SAFE_INTEGER) continue
      out[k] = clean(v)
    }
    return out
  }
  return node
}

export type ReadVerdict =
  | { ok: true; verdict: Verdict; scores: Record<string, number>; overall: number; pass: boolean }
  | { ok: false; error: string }

/**
 * A parsed JSON reply → the verdict (dimensions as an array in rubric order), its scores, overall and pass.
 * Accepts the keyed shape of {@link wireVerdictSchema} and, from servers that honour only `json_object` or
 * models that follow an older prompt, the array shape of {@link VerdictSchema}. Levels are checked against
 * the rubric's scale; `overtime` from a model is dropped. Never throws; `error` is fit for a repair turn.
 */
export function readWireVerdict(value: unknown, rubric: Rubric): ReadVerdict {
  let verdict: Verdict
  const dims = (value as { dimensions?: unknown } | null)?.dimensions
  if (Array.isArray(dims)) {
    const v = VerdictSchema.safeParse(value)
    if (!v.success) return { ok: false, error: issues(v.error) }
    verdict = v.data
  } else {
    // The hand-written check accepts exactly what the schema accepts (tests/unit/verdict-wire-check.test.ts
    // holds both to that over valid and broken replies); zod runs only on a reply it rejects, to word the error.
    const fast = checkWireVerdict(value, rubric)
    if (fast) verdict = fast
    else {
      const v = wireVerdictSchema(rubric).safeParse(value)
      if (!v.success) return { ok: false, error: issues(v.error) }
      const { dimensions, ...rest } = v.data
      verdict = { dimensions: rubric.dimensions.map((d) => ({ id: d.id, ...dimensions[d.id]! })), ...rest }
    }
  }
  const s = scoreVerdict(verdict, rubric)
  if (!s.ok) return { ok: false, error: s.reason }
  // Flags without repeats and without `overtime` (copied only when there are any: most verdicts have none).
  if (verdict.flags.length > 0) verdict = { ...verdict, flags: [...new Set<Flag>(verdict.flags.filter((f) => f !== 'overtime'))] }
  return { ok: true, verdict, scores: s.scores, overall: s.overall, pass: s.pass }
}

const VERDICT_KEYS = ['dimensions', 'feedback', 'missing', 'follow_up', 'flags'] as const
const DIMENSION_KEYS = ['evidence', 'rationale', 'level'] as const
const MODEL_FLAG_SET: ReadonlySet<unknown> = new Set(MODEL_FLAGS)

/**
 * The keyed wire verdict of {@link wireVerdictSchema}, checked by hand: the zod schema costs several
 * microseconds per reply, which shows at a thousand replies a second. Returns the verdict in the array shape
 * (dimensions in rubric order, every object with its keys in the schema's order, as zod's output has them)
 * when `value` is one the schema accepts, else undefined (the caller asks zod, which words the error).
 * It must accept exactly what the schema accepts.
 */
export function checkWireVerdict(value: unknown, rubric: Pick<Rubric, 'dimensions' | 'scale'>): Verdict | undefined {
  if (!isRecord(value) || !hasExactly(value, VERDICT_KEYS)) return undefined
  const { dimensions, feedback, missing, follow_up, flags } = value
  if (typeof feedback !== 'string' || typeof follow_up !== 'string' || !isStringArray(missing)) return undefined
  if (!Array.isArray(flags)) return undefined
  for (const f of flags) if (!MODEL_FLAG_SET.has(f)) return undefined
  if (!isRecord(dimensions) || Object.keys(dimensions).length !== rubric.dimensions.length) return undefined
  const { min, max } = rubric.scale
  const out: Verdict['dimensions'] = []
  for (const d of rubric.dimensions) {
    if (!Object.prototype.hasOwnProperty.call(dimensions, d.id)) return undefined
    const v = dimensions[d.id]
    if (!isRecord(v) || !hasExactly(v, DIMENSION_KEYS)) return undefined
    const { evidence, rationale, level } = v
    if (!isStringArray(evidence) || typeof rationale !== 'string') return undefined
    if (typeof level !== 'number' || !Number.isSafeInteger(level) || level < min || level > max) return undefined
    out.push({ id: d.id, evidence: [...evidence], rationale, level })
  }
  return { dimensions: out, feedback, missing: [...missing], follow_up, flags: [...(flags as Flag[])] }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Own keys exactly `keys` (JSON.parse makes every key an own, enumerable one). */
function hasExactly(o: Record<string, unknown>, keys: readonly string[]): boolean {
  if (Object.keys(o).length !== keys.length) return false
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(o, k)) return false
  return true
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false
  for (const s of v) if (typeof s !== 'string') return false
  return true
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 6)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}
