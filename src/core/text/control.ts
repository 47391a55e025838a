/**
 * Control characters in text that came from a file or a server. Written to a terminal raw, ESC and its
 * friends are commands, not text: `\x1b]0;…\x07` retitles the window, `\x1b[2J` clears the screen, `\r`
 * overwrites the line it is on, and a bidirectional override (U+202E) shows characters in an order other
 * than the one they are in. Every place that shows such text (terminal, Markdown and HTML reports) passes
 * it through {@link escapeControlChars}; JSON output keeps values as they are (JSON escapes them itself).
 */

/**
 * C0 controls except tab and line feed, DEL, C1 controls, and the bidirectional embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069).
 */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/
const CONTROL_ALL = new RegExp(CONTROL.source, 'g')

/** How a control character is shown: `\x1b` (one byte's worth) or `\u202e`, as in a JavaScript string. */
function visible(ch: string): string {
  const code = ch.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * The text with every control character made visible (ESC → `\x1b`, U+202E → `\u202e`); line feeds and
 * tabs are kept. Text without one is returned as it is (the same string).
 */
export function escapeControlChars(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, visible) : text
}

/** The control characters in `text`, each once and made visible, in order of first appearance (empty when none). */
export function controlCharsIn(text: string): string[] {
  if (!CONTROL.test(text)) return []
  return [...new Set(text.match(CONTROL_ALL) ?? [])].map(visible)
}

/**
 * {@link escapeControlChars} over every string in a plain value (objects, arrays, and their keys), for data
 * about to be rendered as a whole: a report, a question. Other values (numbers, class instances) are kept.
 */
export function escapeControlCharsDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControlChars(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => escapeControlCharsDeep(v)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [escapeControlChars(k), escapeControlCharsDeep(v)]),
    ) as T
  return value
}
