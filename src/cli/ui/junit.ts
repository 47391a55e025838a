import { escapeXml } from './escape.js'

/** One JUnit test case. A `failure` is content that failed; an `error` is the tool (judge) that broke. */
export interface JunitCase {
  classname: string
  name: string
  time_s?: number
  failure?: { message: string; body?: string }
  error?: { message: string; body?: string }
  skipped?: string
}

/** Renders a JUnit XML document with one suite. */
export function renderJunit(suite: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length
  const errors = cases.filter((c) => c.error).length
  const skipped = cases.filter((c) => c.skipped).length
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${(c.time_s ?? 0).toFixed(3)}"`
      const inner = [
        c.failure && `      <failure message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.body ?? c.failure.message)}</failure>`,
        c.error && `      <error message="${escapeXml(c.error.message)}">${escapeXml(c.error.body ?? c.error.message)}</error>`,
        c.skipped && `      <skipped message="${escapeXml(c.skipped)}"/>`,
      ].filter(Boolean)
      return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`
    })
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">
  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">
${body}
  </testsuite>
</testsuites>
`
}
