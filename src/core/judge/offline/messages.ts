import type { Lang } from '../../lang.js'

/** The offline judge's sentences, in both languages. */
export const MSG = {
  en: {
    empty: 'No answer was given.',
    cut: (n: number) => `Only the first ${n.toLocaleString('en')} characters were graded (the same limit as the LLM judge).`,
    injection: 'Parts of the answer address the grader instead of answering; they were ignored and earn nothing.',
    offTopic: 'The answer does not address this question.',
    langMismatch: (lang: string) => `The answer is not in the expected language (${lang}).`,
    made: (n: number, total: number) => `Makes ${n} of ${total} key points:`,
    none: (total: number) => `Makes none of its ${total} key points.`,
    madeSoft: (made: number, partly: number, total: number) =>
      partly ? `Makes ${made} of ${total} key points, and ${partly} more in part.` : `Makes ${made} of ${total} key points:`,
    noPoints: 'This question lists no key points for this dimension.',
    redFlag: (claim: string, correction: string, cap: number) => `Wrong claim (caps this dimension at ${cap}): "${claim}" — ${correction}`,
    wrongElsewhere: (cap: number, claims: string) => `Capped at ${cap}: the answer makes a known wrong claim elsewhere (${claims}), and a wrong mechanism costs the whole answer.`,
    missingList: (items: string) => `Missing: ${items}.`,
    strongest: (dim: string) => `Strongest on ${dim}.`,
    weakest: (dim: string, point: string) => `Weakest on ${dim}; next, cover: ${point}`,
    allCovered: 'Every key point is covered; go deeper on trade-offs and numbers.',
    didWell: (dim: string, quote: string) => `Strongest on ${dim}: "${quote}"`,
    wrongClaim: (quote: string, correction: string) => `Wrong claim: "${quote}" — ${correction}`,
    addNext: (points: readonly string[]) =>
      points.length === 1 ? `Most valuable to add: ${points[0]}` : `Most valuable to add: (1) ${points[0]} (2) ${points[1]}`,
    offlineScope:
      "(The offline judge compares your answer with this question's key points, in your words or theirs, and with known wrong claims; it cannot weigh reasoning it has no key point for — use --judge openai for a full review.)",
    free: {
      noReference:
        'No reference answer was given, so the offline judge cannot measure content; the grade reflects only length and relevance to the question and is low-confidence. Add a reference or use --judge openai.',
      coverage: (match: 'strong' | 'partial' | 'weak', pct: number) =>
        `Content match with the reference answer: ${match} (uses ${pct}% of its key words; the grade also credits how much correct content is given).`,
      short: 'The answer is very short.',
      add: (words: string) => `Not mentioned from the reference: ${words}.`,
      rationale: (pct: number) => `Reference coverage ${pct}% (same measure for every dimension).`,
    },
  },
  zh: {
    empty: '没有作答。',
    cut: (n: number) => `只评了前 ${n} 个字符（与大模型评分器的上限相同）。`,
    injection: '答案中有对评分者下指令的内容，已被忽略且不计分。',
    offTopic: '答案没有回答这道题。',
    langMismatch: (lang: string) => `答案语言与预期（${lang}）不符。`,
    made: (n: number, total: number) => `覆盖 ${total} 个要点中的 ${n} 个：`,
    none: (total: number) => `${total} 个要点都没有覆盖。`,
    madeSoft: (made: number, partly: number, total: number) =>
      partly ? `覆盖 ${total} 个要点中的 ${made} 个，另有 ${partly} 个部分覆盖。` : `覆盖 ${total} 个要点中的 ${made} 个：`,
    noPoints: '本题在该维度没有要点。',
    redFlag: (claim: string, correction: string, cap: number) => `错误说法（该维度最高 ${cap} 级）：“${claim}”——${correction}`,
    wrongElsewhere: (cap: number, claims: string) => `最高 ${cap} 级：回答在别处有已知的错误说法（${claims}），机制讲错会影响整个回答。`,
    missingList: (items: string) => `缺少：${items}`,
    strongest: (dim: string) => `最强的维度：${dim}。`,
    weakest: (dim: string, point: string) => `最弱的维度：${dim}；接下来请补充：${point}`,
    allCovered: '所有要点都已覆盖；可以在取舍和数字上更深入。',
    didWell: (dim: string, quote: string) => `最强的维度：${dim}：“${quote}”`,
    wrongClaim: (quote: string, correction: string) => `错误说法：“${quote}”——${correction}`,
    addNext: (points: readonly string[]) => (points.length === 1 ? `最值得补充：${points[0]}` : `最值得补充：（1）${points[0]}（2）${points[1]}`),
    offlineScope: '（离线评分器把你的回答与本题要点（无论用你的说法还是要点原文）和已知错误说法对照；没有对应要点的推理它无法评判——完整点评请用 --judge openai。）',
    free: {
      noReference:
        '没有参考答案，离线评分无法衡量内容，分数只反映长度与题目相关度，可信度低。请提供参考答案或使用 --judge openai。',
      coverage: (match: 'strong' | 'partial' | 'weak', pct: number) =>
        `与参考答案的内容匹配度：${{ strong: '高', partial: '中', weak: '低' }[match]}（用到其 ${pct}% 的关键词；分数同时考虑给出的正确内容有多少）。`,
      short: '答案过短。',
      add: (words: string) => `未提及参考答案中的：${words}。`,
      rationale: (pct: number) => `参考答案覆盖率 ${pct}%（各维度使用同一度量）。`,
    },
  },
} as const satisfies Record<Lang, unknown>

/** Joins sentences the way the language does, ending each with a full stop. */
export function joinList(items: readonly string[], lang: Lang): string {
  const stop = lang === 'zh' ? '。' : '.'
  return items
    .map((x) => x.trim())
    .map((x) => (/[.!?。！？]$/.test(x) ? x : `${x}${stop}`))
    .join(lang === 'zh' ? '' : ' ')
}
