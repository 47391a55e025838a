import { createHash } from 'node:crypto'
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Parser, visit, type Alias, type CST, type Document, type Node } from 'yaml'
import { fsCodeNote, MAX_YAML_BYTES, readRegularFile, unreadableMessage } from './file-access.js'
import type { Issue } from './issue.js'

export { MAX_YAML_BYTES, unreadableMessage }
/** Whether a composed node is a YAML sequence (the parser's own test, for callers that import it lazily). */
export { isSeq }

/** Finds the 1-based position of a data path; with `key`, the position of the last key rather than its value. */
export type Locate = (path: readonly PropertyKey[], opts?: { key?: boolean }) => { line: number; column: number }

export interface ParsedYaml {
  file: string
  value: unknown
  locate: Locate
}

/**
 * Parsed values of YAML texts that parsed cleanly, keyed by a hash of the text: parsing the shipped bank
 * takes a few hundred milliseconds, reading it back from JSON a few. See `bank/parse-cache.ts`.
 */
export interface ParseCache {
  get(textHash: string): unknown
  set(textHash: string, value: unknown): void
}

/**
 * Reads a YAML file and returns its value and a locator from data paths to 1-based `line:column`.
 * Returns issues (never throws) for a missing, oversized, non-UTF-8 or syntactically broken file.
 * With a cache, a text seen before is not parsed again: its value comes from the cache, and the locator
 * parses the text only when it is first asked for a position (an error to report).
 */
export async function loadYamlFile(file: string, opts: { cache?: ParseCache } = {}): Promise<{ parsed?: ParsedYaml; issues: Issue[] }> {
  const at = (rule: string, message: string, line = 1, column = 1): Issue => ({
    file,
    line,
    column,
    severity: 'error',
    rule,
    message,
  })
  const read = await readRegularFile(file, MAX_YAML_BYTES)
  if (!read.ok) {
    const f = read.failure
    if (f.kind === 'missing') return { issues: [at('file/unreadable', 'no such file; check the path')] }
    if (f.kind === 'not-regular')
      return { issues: [at('file/not-regular', `is ${f.what}, not a file; a bank is .yaml files or folders of them`)] }
    if (f.kind === 'too-large')
      return {
        issues: [
          at(
            'file/too-large',
            `${(f.size / 1024 / 1024).toFixed(1)} MB is over the ${MAX_YAML_BYTES / 1024 / 1024} MB limit for a bank file; split it into one file per question`,
          ),
        ],
      }
    return { issues: [at('file/unreadable', unreadableMessage(f.code, 'file'))] }
  }
  const bytes = read.bytes
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    const { line, column } = firstInvalidUtf8(bytes)
    return { issues: [at('file/not-utf8', 'is not valid UTF-8; re-save the file as UTF-8', line, column)] }
  }
  const cache = opts.cache
  if (!cache) return parseYamlText(text, file)
  const hash = createHash('sha256').update(text).digest('hex')
  const cached = cache.get(hash)
  if (cached !== undefined) {
    let locate: Locate | undefined
    return {
      parsed: {
        file,
        value: cached,
        locate: (path, o) => (locate ??= parseYamlText(text, file).parsed?.locate ?? (() => ({ line: 1, column: 1 })))(path, o),
      },
      issues: [],
    }
  }
  const result = parseYamlText(text, file)
  if (result.parsed && result.issues.length === 0 && isJsonExact(result.parsed.value)) cache.set(hash, result.parsed.value)
  return result
}

/** True when JSON holds the value exactly (YAML also has .inf, .nan and undefined-free maps only JSON lacks). */
function isJsonExact(v: unknown, depth = 0): boolean {
  if (depth > 64) return false
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0)
  if (Array.isArray(v)) return v.every((x) => isJsonExact(x, depth + 1))
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.entries(v as Record<string, unknown>).every(([k, x]) => k !== '__proto__' && isJsonExact(x, depth + 1))
  return false
}

/**
 * Past this many lists and maps inside one another, a file that the YAML parser could not compose (its
 * recursion ran out of stack) is reported as nesting too deep, at the first collection that deep: a place
 * that depends on the text alone, not on how much stack was left. Bank and answer files need a handful.
 */
export const MAX_YAML_NESTING = 100

/** Aliases a document may expand (the `yaml` library's guard against "billion laughs" documents). */
export const MAX_YAML_ALIASES = 100

/** Parses YAML text; see {@link loadYamlFile}. */
export function parseYamlText(text: string, file: string): { parsed?: ParsedYaml; issues: Issue[] } {
  const composed = composeYaml(text.replace(/^\uFEFF/, ''), file)
  if (!composed.ok) return { issues: composed.issues }
  const { doc, lineCounter, value } = composed
  return { parsed: { file, value, locate: makeLocator(doc, lineCounter) }, issues: [] }
}

/**
 * Parses one YAML document and converts it to plain data. Never throws for content: syntax errors (the
 * first three), nesting too deep for the parser, too many aliases and an alias without its anchor all
 * come back as issues at their `line:column`.
 */
export function composeYaml(
  text: string,
  file: string,
): { ok: true; doc: Document; lineCounter: LineCounter; value: unknown } | { ok: false; issues: Issue[] } {
  const lineCounter = new LineCounter()
  const at = (offset: number, rule: string, message: string): Issue => {
    const pos = lineCounter.linePos(offset)
    return { file, line: pos.line, column: pos.col, severity: 'error', rule, message }
  }
  const tooDeep = () =>
    at(
      nestingPastLimit(text) ?? 0,
      'yaml/too-deep',
      `nesting too deep: more than ${MAX_YAML_NESTING} lists or maps inside one another from here; this file needs only a few levels — look for a runaway run of "[", "{" or "- "`,
    )
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  // The parser catches its own stack overflow and reports it as RESOURCE_EXHAUSTION, at whichever depth
  // the stack ran out (it varies): one stable issue instead.
  if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) return { ok: false, issues: [tooDeep()] }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors
        .slice(0, 3)
        .map((err) => at(err.pos[0], 'yaml/syntax', `YAML syntax error: ${err.message.split('\n')[0]}`)),
    }
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES })
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, issues: [tooDeep()] }
    const message = e instanceof Error ? e.message : String(e)
    if (/Excessive alias count/.test(message)) {
      const first = firstAlias(doc)
      return {
        ok: false,
        issues: [
          at(
            rangeStart(first) ?? 0,
            'yaml/too-many-aliases',
            `too many aliases: the *aliases from here${first ? ` (*${first.source} first)` : ''} expand past the limit of ${MAX_YAML_ALIASES}, the guard against "billion laughs" YAML bombs; write the values out instead of reusing them with &anchors and *aliases`,
          ),
        ],
      }
    }
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message)
    if (unresolved) {
      const name = unresolved[1]!
      const alias = firstAlias(doc, name)
      return {
        ok: false,
        issues: [
          at(
            rangeStart(alias) ?? 0,
            'yaml/unknown-alias',
            `unknown alias *${name}: no &${name} anchor comes before it; define the anchor first, or write the value out`,
          ),
        ],
      }
    }
    throw e
  }
  return { ok: true, doc, lineCounter, value }
}

/** The first alias node (of the anchor `name`, when given), in document order. */
function firstAlias(doc: Document, name?: string): Alias | undefined {
  let found: Alias | undefined
  try {
    visit(doc, {
      Alias(_, node) {
        if (name !== undefined && node.source !== name) return undefined
        found = node
        return visit.BREAK
      },
    })
  } catch {
    // Only a position is lost: the issue is then reported at the start of the file.
  }
  return found
}

/**
 * The offset of the first list or map (in document order) nested deeper than {@link MAX_YAML_NESTING}, or
 * undefined. Walks the parser's concrete syntax tree with an explicit stack: no recursion, so it works on
 * the very documents that overflow the composer.
 */
function nestingPastLimit(text: string): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = []
  const docs = [...new Parser().parse(text)]
  for (let i = docs.length - 1; i >= 0; i--) stack.push({ token: docs[i], depth: 0 })
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!
    if (!token) continue
    if (token.type === 'document') stack.push({ token: token.value, depth })
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_YAML_NESTING) return token.offset
      // Pushed last to first, so they come off the stack in document order.
      for (let k = token.items.length - 1; k >= 0; k--) {
        const item = token.items[k]!
        stack.push({ token: item.value, depth: depth + 1 })
        if ('key' in item) stack.push({ token: item.key, depth: depth + 1 })
      }
    }
  }
  return undefined
}

function makeLocator(doc: Document, lc: LineCounter): Locate {
  return (path, opts) => {
    // Walk as deep as the path exists; point at the deepest node found (a missing key points at its parent).
    let node: unknown = doc.contents
    let offset = rangeStart(node) ?? 0
    for (const [depth, key] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key))
        if (!pair) break
        offset = rangeStart(pair.key) ?? offset
        if (opts?.key && depth === path.length - 1) break
        node = pair.value
        // A value without a position of its own (e.g. an empty one) is reported at its key.
        offset = rangeStart(node) ?? offset
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key]
        if (item === undefined) break
        node = item
        offset = rangeStart(node) ?? offset
      } else break
    }
    const pos = lc.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range
  return range ? range[0] : undefined
}

function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === 0x0a) {
      line++
      lineStart = i + 1
      continue
    }
    let need = 0
    if (b < 0x80) continue
    else if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) need = 2
    else if (b >= 0xf0 && b <= 0xf4) need = 3
    else return { line, column: i - lineStart + 1 }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return { line, column: i - lineStart + 1 }
    }
    i += need
  }
  return { line, column: 1 }
}

