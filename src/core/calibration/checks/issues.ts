import type { LoadedQuestion } from '../../bank/schema.js'
import type { Issue } from '../../issue.js'

/**
 * The issues of one question's calibration, in the order the checks raise them, each located at the
 * calibration answer it concerns. Every check adds through {@link QuestionIssues.add} so that the
 * question's list keeps that order while each check also keeps its own.
 */
export interface QuestionIssues {
  /** Creates an issue at `calibration[index].answer`, adds it to the question's list and returns it. */
  add(index: number, severity: Issue['severity'], rule: string, message: string): Issue
  /** `line N` of `calibration[index].answer`, for messages that point at another answer. */
  lineOf(index: number): string
  readonly all: Issue[]
}

/** An empty issue list for `lq`. */
export function createQuestionIssues(lq: LoadedQuestion): QuestionIssues {
  const all: Issue[] = []
  const at = (index: number) => lq.locate(['calibration', index, 'answer'])
  return {
    all,
    add(index, severity, rule, message) {
      const i: Issue = { file: lq.file, ...at(index), severity, rule, message }
      all.push(i)
      return i
    },
    lineOf: (index) => `line ${at(index).line}`,
  }
}

/** A score as messages print it: one decimal, no trailing `.0`. */
export const fmt = (n: number) => String(Math.round(n * 10) / 10)
