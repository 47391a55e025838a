import type { LoadedRubric } from '../bank/load.js'
import type { Issue } from '../issue.js'

/** Rules over one rubric file: dimensions listed once, weights adding up to 1, one level descriptor per scale step. */
export function lintRubric(r: LoadedRubric, push: (i: Issue) => void): void {
  lintDuplicateDimensions(r, push)
  lintWeights(r, push)
  lintLevels(r, push)
}

function lintDuplicateDimensions({ rubric, file, locate }: LoadedRubric, push: (i: Issue) => void): void {
  const seen = new Set<string>()
  rubric.dimensions.forEach((d, i) => {
    if (seen.has(d.id))
      push({
        file,
        ...locate(['dimensions', i, 'id']),
        severity: 'error',
        rule: 'rubric/duplicate-dimension',
        message: `dimension "${d.id}" is listed twice`,
      })
    seen.add(d.id)
  })
}

function lintWeights({ rubric, file, locate }: LoadedRubric, push: (i: Issue) => void): void {
  const sum = rubric.dimensions.reduce((s, d) => s + d.weight, 0)
  if (Math.abs(sum - 1) > 1e-6)
    push({
      file,
      ...locate(['dimensions']),
      severity: 'error',
      rule: 'rubric/weights',
      message: `dimension weights add up to ${+sum.toFixed(4)}, not 1; adjust the weights`,
    })
}

function lintLevels({ rubric, file, locate }: LoadedRubric, push: (i: Issue) => void): void {
  const want = rubric.scale.max - rubric.scale.min + 1
  rubric.dimensions.forEach((d, i) => {
    const levels = d.levels.map((l) => l.level)
    const expected = Array.from({ length: want }, (_, k) => rubric.scale.min + k)
    if (levels.length !== want || levels.some((l, k) => l !== expected[k]))
      push({
        file,
        ...locate(['dimensions', i, 'levels']),
        severity: 'error',
        rule: 'rubric/levels',
        message: `dimension "${d.id}" has levels [${levels.join(', ')}]; give one descriptor for each of ${expected.join(', ')}, in that order`,
      })
  })
}
