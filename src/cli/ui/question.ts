import type { Question } from '../../core/bank/schema.js'
import { pick, type Lang } from '../../core/i18n.js'
import type { Rubric } from '../../core/rubric/schema.js'
import { escapeControlChars, escapeControlCharsDeep } from '../../core/text/control.js'
import { padEnd, truncate, wrap } from './text.js'

const L = {
  en: {
    keyPoints: 'Key points',
    reference: 'Reference outline',
    followUps: 'Follow-ups',
    time: 'time',
    terms: 'terms',
    level: 'level',
    count: (n: number, cats: number) => `${n} questions in ${cats} categories`,
  },
  zh: {
    keyPoints: '要点',
    reference: '参考答案提纲',
    followUps: '追问',
    time: '时限',
    terms: '关键词',
    level: '难度',
    count: (n: number, cats: number) => `共 ${n} 道题，分属 ${cats} 个类别`,
  },
}

/** A table of questions: id, difficulty, time limit and the prompt cut to fit the terminal. */
export function renderQuestionTable(questions: Question[], lang: Lang, columns: number): string {
  if (questions.length === 0) return lang === 'zh' ? '（没有符合条件的题目）' : '(no questions match)'
  const idW = Math.min(44, Math.max(...questions.map((q) => q.id.length)))
  const lines = questions.map((q) => {
    const head = `${padEnd(q.id, idW)}  ${padEnd(q.difficulty, 6)}  ${padEnd(`${Math.round(q.time_limit / 60)}m`, 4)}  `
    return head + truncate(escapeControlChars(pick(q.prompt, lang).replace(/\s+/g, ' ')), Math.max(10, columns - head.length - 1))
  })
  const header = `${padEnd('id', idW)}  ${padEnd(L[lang].level, 6)}  ${padEnd(L[lang].time, 4)}  ${lang === 'zh' ? '题目' : 'question'}`
  const cats = new Set(questions.map((q) => q.category)).size
  return [header, ...lines, '', L[lang].count(questions.length, cats)].join('\n')
}

/** One question in full, in `lang`. A bank may come from anyone: its control characters are shown, not sent. */
export function renderQuestion(question: Question, rubricOf: Rubric | undefined, lang: Lang, columns: number): string {
  const q = escapeControlCharsDeep(question)
  const rubric = escapeControlCharsDeep(rubricOf)
  const t = L[lang]
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
      out.push(wrap(`- ${lang === 'zh' ? kp.zh : kp.en}`, width, '    ').replace(/^ {4}- /, '    - '))
      out.push(wrap(`${t.terms}: ${kp.terms[lang].join(', ')}`, width, '      '))
    }
  }
  out.push('', `${t.reference}:`, wrap(pick(q.reference, lang), width, '  '), '')
  out.push(`${t.followUps}:`)
  for (const f of q.follow_ups) {
    const dim = dims.find((d) => d.id === f.dimension)?.title ?? f.dimension
    out.push(wrap(`- [${dim}] ${lang === 'zh' ? f.zh : f.en}`, width, '  '))
  }
  return out.join('\n')
}
