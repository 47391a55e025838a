export type ExtractResult =
  | { ok: true; value: unknown; from: 'whole' | 'fence' | 'braces' }
  | { ok: false; reason: string }

/**
 * Finds the JSON object in a model's plain-text reply. Pure. In order: strips reasoning blocks
 * (`<think>…</think>`, `<thinking>…</thinking>`, and a leading unopened `…</think>`), then tries the whole
 * text, then fenced code blocks (```json first, then any fence; the last one that parses to an object
 * wins, since models revise), then balanced `{…}` spans scanned with string and escape awareness (the
 * longest that parses wins). Returns `{ok: false, reason}` when nothing parses to a JSON object.
 */
export function extractJson(text: string): ExtractResult {
  const body = stripReasoning(text).trim()
  if (!body) return { ok: false, reason: 'the reply is empty once reasoning blocks are removed' }

  const whole = tryObject(body)
  if (whole !== undefined) return { ok: true, value: whole, from: 'whole' }

  const fences = [...body.matchAll(/```([A-Za-z0-9_-]*)[^\S\n]*\n([\s\S]*?)```/g)].map((m) => ({
    lang: (m[1] ?? '').toLowerCase(),
    code: m[2] ?? '',
  }))
  for (const group of [fences.filter((f) => f.lang === 'json'), fences.filter((f) => f.lang !== 'json')]) {
    for (const f of [...group].reverse()) {
      const v = tryObject(f.code.trim())
      if (v !== undefined) return { ok: true, value: v, from: 'fence' }
    }
  }

  let best: { value: unknown; length: number } | undefined
  for (const span of balancedSpans(body)) {
    if (best && span.length <= best.length) continue
    const v = tryObject(span)
    if (v !== undefined) best = { value: v, length: span.length }
  }
  if (best) return { ok: true, value: best.value, from: 'braces' }
  return { ok: false, reason: 'no JSON object found in the reply' }
}

/** Removes reasoning blocks that some models (DeepSeek-R1, Qwen3, QwQ) put before their answer. */
export function stripReasoning(text: string): string {
  let out = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '')
  // Some servers strip the opening tag but leave the closing one; everything before it is reasoning.
  const close = /<\/(think|thinking|reasoning)>/i.exec(out)
  if (close) out = out.slice(close.index + close[0].length)
  // An opening tag never closed: the model ran out of tokens while thinking; nothing after it is an answer.
  const open = /<(think|thinking|reasoning)>/i.exec(out)
  if (open) out = out.slice(0, open.index)
  return out
}

function tryObject(s: string): unknown {
  if (!s.startsWith('{')) return undefined
  try {
    const v: unknown = JSON.parse(s)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined
  } catch {
    return undefined
  }
}

/**
 * Every balanced `{…}` span, from each opening brace (so a stray `{` in prose does not hide a later
 * object), ignoring braces inside JSON strings. Bounded: at most 200 starting points.
 */
function* balancedSpans(s: string): Generator<string> {
  let starts = 0
  for (let from = s.indexOf('{'); from !== -1 && starts < 200; from = s.indexOf('{', from + 1), starts++) {
    let depth = 0
    let inString = false
    let escaped = false
    for (let i = from; i < s.length; i++) {
      const c = s[i]
      if (inString) {
        if (escaped) escaped = false
        else if (c === '\\') escaped = true
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === '{') depth++
      else if (c === '}' && --depth === 0) {
        yield s.slice(from, i + 1)
        break
      }
    }
  }
}
