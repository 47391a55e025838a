import type { z } from 'zod'
import type { Issue } from './issue.js'
import { isLang } from './lang.js'
import type { Locate } from './yaml-file.js'

/**
 * Turns zod issues into located `Issue`s with rule ids a person can search for:
 * `schema/required`, `schema/unknown-field`, `schema/invalid-type`, `schema/invalid-value`,
 * and `bank/missing-language` for a missing `en` or `zh` text.
 */
export function zodToIssues(error: z.ZodError, file: string, locate: Locate): Issue[] {
  const out: Issue[] = []
  for (const zi of error.issues) {
    const path = zi.path as PropertyKey[]
    const where = dotted(path)
    const raw = zi as unknown as { input?: unknown; keys?: string[]; expected?: string }
    if (zi.code === 'unrecognized_keys') {
      for (const key of raw.keys ?? []) {
        const { line, column } = locate([...path, key], { key: true })
        out.push({
          file,
          line,
          column,
          severity: 'error',
          rule: 'schema/unknown-field',
          message: `unknown field "${[...path, key].map(String).join('.')}"; remove it or check its spelling (see schemas/ for the allowed fields)`,
        })
      }
      continue
    }
    const { line, column } = locate(path)
    const last = path[path.length - 1]
    if (zi.code === 'invalid_type' && raw.input === undefined) {
      const isLanguage = isLang(last)
      out.push({
        file,
        line,
        column,
        severity: 'error',
        rule: isLanguage ? 'bank/missing-language' : 'schema/required',
        message: isLanguage
          ? `${where} is missing: every text needs both "en" and "zh"`
          : `required field "${where}" is missing (expected ${raw.expected ?? 'a value'})`,
      })
      continue
    }
    if (zi.code === 'invalid_type') {
      out.push({
        file,
        line,
        column,
        severity: 'error',
        rule: 'schema/invalid-type',
        message: `${where || 'document'}: expected ${raw.expected}, got ${describe(raw.input)}`,
      })
      continue
    }
    out.push({
      file,
      line,
      column,
      severity: 'error',
      rule: 'schema/invalid-value',
      message: `${where || 'document'}: ${zi.message}`,
    })
  }
  return out
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[')
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `a string ("${v.length > 30 ? v.slice(0, 30) + '…' : v}")`
  return `${typeof v} (${String(v)})`
}
