import type { Issue } from '../../core/issue.js'
import { escapeControlChars } from '../../core/text/control.js'

/** `file:line:column  severity  rule  message`, as the contract prints problems (control characters shown). */
export function renderIssue(i: Issue): string {
  return escapeControlChars(`${i.file}:${i.line}:${i.column}  ${i.severity}  ${i.rule}  ${i.message}`)
}

/** A GitHub Actions workflow command that annotates the line in the pull request. */
export function renderGithubAnnotation(i: Issue): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
  return escapeControlChars(
    `::${i.severity === 'error' ? 'error' : 'warning'} file=${prop(i.file)},line=${i.line},col=${i.column},title=${prop(i.rule)}::${esc(i.message)}`,
  )
}
