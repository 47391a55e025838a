import type { Question } from '../../core/bank/schema.js'
import { pick, type Lang } from '../../core/i18n.js'
import type { Rubric } from '../../core/rubric/schema.js'
import { escapeControlChars, escapeControlCharsDeep } from '../../core/text/control.js'
import { cliMessages } from '../messages/index.js'
import { padEnd, truncate, wrap } from './text.js'

/** A table of questions: id, difficulty, time limit and the prompt cut to fit the terminal. */
export function renderQuestionTable(questions: Question[], lang: Lang, columns: number): string {
  const t = cliMessages(lang).question
  if (questions.length === 0) return t.noMatch
  const idW = Math.min(44, Math.max(...questions.map((q) => q.id.length)))
  const lines = questions.map((q) => {
    const head = `${padEnd(q.id, idW)}  ${padEnd(q.difficulty, 6)}  ${padEnd(`${Math.round(q.time_limit / 60)}m`, 4)}  `
    return head + truncate(escapeControlChars(pick(q.prompt, lang).replace(/\s+/g, ' ')), Math.max(10, columns - head.length - 1))
  })
  const header = `${padEnd('id', idW)}  ${padEnd(t.level, 6)}  ${padEnd(t.time, 4)}  ${t.question}`
  const cats = new Set(questions.map((q) => q.category)).size
  return [header, ...lines, '', t.count(questions.length, cats)].join('\n')
}

/** One question in full, in `lang`. A bank may come from anyone: its control characters are shown, not sent. */
export function renderQuestion(question: Question, rubricOf: Rubric | undefined, lang: Lang, columns: number): string {
  const q = escapeControlCharsDeep(question)
  const rubric = escapeControlCharsDeep(rubricOf)
  const t = cliMessages(lang).question
  const width = Math.min(columns, 100)
  const out: string[] = []
  out.push(`${q.id}  ·  ${q.category}  ·  ${q.difficulty}  ·  ${t.time} ${Math.round(q.time_limit / 60)} min`)
  if (q.tags.length) out.push(q.tags.map((x) => `#${x}`).join(' '))
  out.push('', wrap(pick(q.prompt, lang), width), '')
  out.push(`${t.keyPoints}:`)
  const dims = rubric?.dimensions.map((d) => ({ id: d.id, title: pick(d.title, lang) })) ??
    Object.keys(q.key_points).map((id) => ({ id, title: id }))
  for (const d of dims) {
    const kps = q.key_points[d.id] ?? []
    out.push(`  ${d.title}`)
    for (const kp of kps) {
      out.push(wrap(`- ${kp[lang]}`, width, '    ').replace(/^ {4}- /, '    - '))
      out.push(wrap(`${t.terms}: ${kp.terms[lang].join(', ')}`, width, '      '))
    }
  }
  out.push('', `${t.reference}:`, wrap(pick(q.reference, lang), width, '  '), '')
  out.push(`${t.followUps}:`)
  for (const f of q.follow_ups) {
    const dim = dims.find((d) => d.id === f.dimension)?.title ?? f.dimension
    out.push(wrap(`- [${dim}] ${f[lang]}`, width, '  '))
  }
  return out.join('\n')
}
