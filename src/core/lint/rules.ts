import type { Bank } from '../bank/load.js'
import type { Issue } from '../issue.js'
import { lintControlCharacters, lintDuplicateQuestionIds, lintDuplicateRubricIds, lintNearDuplicates, type Report } from './bank-rules.js'
import { RED_FLAGS_MIN, TIME_LIMIT_MAX, TIME_LIMIT_MIN } from './limits.js'
import { lintMatching, MATCHING_RULES } from './matching.js'
import { lintQuestion, type At } from './question-rules.js'
import { correctTexts, lintFlagList, lintRubricFlags } from './red-flags.js'
import { lintRubric } from './rubric-rules.js'

export { BAND_OVERLAP_MAX, KEY_POINTS_MAX, KEY_POINTS_MIN, NEAR_DUPLICATE_SIMILARITY, RED_FLAGS_MIN, TIME_LIMIT_MAX, TIME_LIMIT_MIN } from './limits.js'

/** The rule ids, each with a one-line description (for docs and `--help`). */
export const RULES: Record<string, string> = {
  'rubric/duplicate-id': 'two rubric files share an id',
  'rubric/duplicate-dimension': 'a rubric lists a dimension twice',
  'rubric/weights': 'dimension weights do not add up to 1',
  'rubric/levels': 'level descriptors missing, duplicated or out of order for the scale',
  'bank/duplicate-id': 'two questions share an id',
  'bank/id-category': 'the id does not start with the category',
  'bank/unknown-rubric': 'a question names a rubric that is not loaded',
  'bank/dimension-without-key-points': 'a rubric dimension has no key points in a question',
  'bank/unknown-dimension': 'key points or a follow-up name a dimension the rubric lacks',
  'bank/key-point-count': 'a dimension has fewer than 3 or more than 6 key points (warning)',
  'bank/duplicate-key-point': 'two key points of a question share an id',
  'bank/time-limit': `time limit outside ${TIME_LIMIT_MIN}–${TIME_LIMIT_MAX} seconds`,
  'bank/calibration-band': 'a calibration band is out of 0–100, inverted, or overlaps another kind badly',
  'bank/calibration-missing': 'a question lacks a strong or a weak calibration answer',
  'bank/follow-ups-missing': 'a question has no follow-up questions',
  'bank/near-duplicate': 'two questions ask nearly the same thing (warning)',
  'bank/missing-language': 'a text lacks its en or zh version',
  'bank/red-flag-dimension': 'a red flag caps a dimension the rubric lacks, or caps it at or above its top level',
  'bank/red-flag-undetected': "a red flag's own en or zh statement does not make the claim by its terms and `with` (the flag can never fire)",
  'bank/red-flag-false-positive': "a red flag fires on the question's reference or strong calibration answer (it would cap correct answers)",
  'bank/red-flags-missing': 'a question lists fewer than 2 red flags (warning)',
  'bank/control-characters': 'a text holds control characters (ESC, BEL, CR, a bidirectional override…) that a terminal would obey',
  ...MATCHING_RULES,
}

/**
 * Runs every cross-file rule over a loaded bank. Pure: returns issues, never throws for content. Issues come
 * in this order: each rubric file's rules; duplicate rubric and question ids; each question's own rules;
 * each question's red flags; control characters; near-duplicate prompts; key-point matching; rubric red flags.
 */
export function lintBank(bank: Bank): Issue[] {
  const issues: Issue[] = []
  const push = (i: Issue) => void issues.push(i)
  for (const r of bank.rubricFiles) lintRubric(r, push)
  const report: Report = ({ path, locate, ...rest }) => issues.push({ ...rest, ...locate(path ?? []) })
  lintDuplicateRubricIds(bank, report)
  lintDuplicateQuestionIds(bank, report)
  const rubricIds = [...bank.rubrics.keys()].join(', ') || 'none'
  for (const lq of bank.questions) lintQuestion(lq, bank.rubrics.get(lq.question.rubric)?.rubric, rubricIds, questionAt(lq, report))
  for (const lq of bank.questions) lintQuestionFlags(lq, bank, questionAt(lq, report))
  lintControlCharacters(bank, report)
  lintNearDuplicates(bank, report)
  for (const lq of bank.questions) lintMatching(lq, push)
  lintRubricFlags(bank, push)
  return issues
}

function questionAt(lq: Bank['questions'][number], report: Report): At {
  return (path, severity, rule, message) => report({ file: lq.file, locate: lq.locate, path, severity, rule, message })
}

/** bank/red-flags-missing and the red-flag rules of one question's own flags. */
function lintQuestionFlags(lq: Bank['questions'][number], bank: Bank, at: At): void {
  const q = lq.question
  const rubric = bank.rubrics.get(q.rubric)?.rubric
  if (q.red_flags.length < RED_FLAGS_MIN)
    at(q.red_flags.length ? ['red_flags'] : ['id'], 'warning', 'bank/red-flags-missing', `${q.red_flags.length} red flag${q.red_flags.length === 1 ? '' : 's'}; list at least ${RED_FLAGS_MIN} wrong claims a fluent candidate really makes, with the dimension each caps`)
  lintFlagList(q.red_flags, rubric, 'red flag', correctTexts(q), (path, rule, message) => at(path, 'error', rule, message))
}
