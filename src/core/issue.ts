/** A problem found in a bank, rubric or input file. Validation returns these; it never throws for content. */
export interface Issue {
  file: string
  line: number
  column: number
  severity: 'error' | 'warning'
  /** `area/kebab-name`, e.g. `bank/unknown-rubric`. */
  rule: string
  message: string
}

export function countBySeverity(issues: readonly Issue[]): { errors: number; warnings: number } {
  let errors = 0
  let warnings = 0
  for (const i of issues) {
    if (i.severity === 'error') errors++
    else warnings++
  }
  return { errors, warnings }
}

/** Sorts issues by file, line, column, then rule, so output is stable. */
export function sortIssues(issues: Issue[]): Issue[] {
  return issues.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule),
  )
}
