/**
 * Escaping for the documents mockint writes (HTML, JUnit XML, Markdown). Pure. Each function is what one
 * kind of place in a document needs; they are kept apart because the same text must come out differently
 * in each (a `*` is escaped in Markdown prose but not inside a code span).
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text or a quoted attribute value in HTML: `& < > " '` as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
}

/**
 * Text or a double-quoted attribute value in XML 1.0 (the JUnit report): `& < > "` as entities, and the
 * control characters XML 1.0 forbids even when escaped removed.
 */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ENTITIES[ch]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')
}

/** Markdown prose: a backslash before every character Markdown could read as markup (`\ ` * _ [ ] < > |`). */
export function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1')
}

/**
 * A Markdown table cell or one-line field, which may sit inside a code span: `|` escaped (it would end the
 * cell) and line breaks folded to spaces; nothing else, since a code span shows backslashes as typed.
 */
export function escapeMarkdownCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
