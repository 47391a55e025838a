import { normalise, normaliseAscii, normaliseWithMap, NOT_ASCII } from '../text/normalise.js'

/** A stretch of an answer that addresses the grader instead of answering the question. */
export interface InjectionSpan {
  /** UTF-16 offsets into the original text. */
  start: number
  end: number
  reason: string
}

export interface InjectionResult {
  flagged: boolean
  spans: InjectionSpan[]
}

// Patterns run on the normalised text (NFKC, lower case, quotes/dashes folded, whitespace collapsed), so
// full-width letters and typographic quotes do not slip through.
// `mentionable`: patterns that an honest answer quotes when it discusses attacks or chat templates ("block
// prompts like 'ignore previous instructions'"); a match inside quotes or framed as an example is a mention,
// not an instruction. Requests for a score, forged delimiters and verdict JSON are flagged wherever they are.
const PATTERNS: { re: RegExp; reason: string; mentionable?: boolean }[] = [
  {
    mentionable: true,
    re: /\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+)*(?:previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+|grading\s+|scoring\s+|system\s+|original\s+)*(?:instructions?|rubrics?|rules|guidelines|criteria|prompts?|grading|scoring|directions)\b/g,
    reason: 'tells the grader to ignore its instructions',
  },
  {
    re: /\b(?:award|give|assign|grant)\s+(?:this\s+|the\s+|my\s+|me\s+|it\s+|him\s+|her\s+|them\s+|candidate\s+|answer\s+|response\s+|a\s+|an\s+)*(?:full|maximum|max|perfect|top|highest|100|10\/10|4\/4)\s*(?:marks?|scores?|points?|grades?|credit|rating|%)/g,
    reason: 'asks for a score',
  },
  {
    re: /\b(?:award|give|assign|grant|score|rate|mark|grade|pass)\s+(?:this|my|the)\s+(?:answer|response|candidate)\s+(?:a\s+|an\s+|as\s+|with\s+|at\s+)?(?:full|maximum|perfect|top|highest|100|10\/10|4\/4|level\s*4|excellent|pass)/g,
    reason: 'asks for a score',
  },
  {
    re: /\b(?:give|award|score|rate|grade)\s+(?:it|me|us)\s+(?:a\s+|an\s+|as\s+|at\s+)?(?:full|maximum|perfect|100|10\/10|4\/4|level\s*4)/g,
    reason: 'asks for a score',
  },
  {
    re: /\b(?:this|my|the)\s+(?:answer|response|candidate)\s+(?:deserves|should\s+(?:get|receive|be\s+given|score|pass)|must\s+(?:get|receive|pass|score)|is\s+worth|earns?)\s+(?:a\s+|the\s+)?(?:full|maximum|perfect|top|highest|100|10\/10|4|level\s*4|pass)/g,
    reason: 'asks for a score',
  },
  { re: /\bfull\s+marks\b/g, reason: 'asks for a score' },
  {
    mentionable: true,
    re: /\byou\s+are\s+(?:now|no\s+longer)\s+(?:a|an|the|my|acting|in|going|free|dan|not)\b|\bfrom\s+now\s+on,?\s+you\b|\bact\s+as\s+(?:a|an|the)\s+(?:lenient|generous|different)\b/g,
    reason: 'tries to change the grader’s role',
  },
  {
    // "Attention" only with the grader's own names: "attention model", "attention llm" are content.
    re: /\b(?:dear|note\s+to(?:\s+the)?|hey|hi|hello)\s+(?:grader|judge|evaluator|assessor|examiner|ai|model|llm|assistant)\b|\battention\s*[,:]\s*(?:the\s+)?(?:grader|judge|evaluator|assessor|examiner)s?\b|\b(?:as|to)\s+the\s+(?:grader|judge|evaluator|assessor)\s*[,:]/g,
    reason: 'addresses the grader',
  },
  {
    re: /(?:^|\n|[.!?。]\s*)\s*(?:#+\s*)?(?:system|developer|grader|judge|evaluator)\s*[:：]/g,
    reason: 'fake role tag',
  },
  {
    mentionable: true,
    // A chat-template token that opens a system or assistant turn. A bare `<|endoftext|>`, `<|im_start|>` or
    // `[INST]` in an answer about tokenizers or prompt formats is content, not an attack.
    re: /<\|\s*(?:im_start|start_header_id)\s*\|>\s*(?:system|assistant|developer)\b|<\|\s*(?:system|assistant|developer)\s*\|>/g,
    reason: 'fake chat-template turn',
  },
  {
    // A delimiter tag on a line of its own, as a grader's prompt would use it to wrap the answer. Inside a
    // sentence ("put the final answer in <answer> tags") it is content.
    re: /(?:^|\n)[ \t]*<\/?\s*(?:answer|candidate[_-]?answer|user[_-]?answer|student[_-]?answer|response|instructions?|system|rubric|grader|judge|verdict|untrusted[_-]?\w*|data|input|output|question)(?:\s[^>\n]*)?>[ \t]*(?=\n|$)/g,
    reason: 'fake delimiter tag',
  },
  {
    re: /(?:-{3,}|={3,}|#{3,}|\*{3,})\s*(?:end|begin|start)\s+(?:of\s+)?(?:the\s+)?(?:answer|response|candidate|input|system|instructions?)[^\n]*/g,
    reason: 'fake delimiter',
  },
  {
    re: /\b(?:end|begin|start)\s+of\s+(?:the\s+)?(?:candidate'?s?\s+)?(?:answer|response|input)\b/g,
    reason: 'fake delimiter',
  },
  // Chinese.
  {
    mentionable: true,
    re: /(?:忽略|无视|忽视|不要理会|不用管|跳过|忘记|忘掉)\s*(?:掉)?\s*(?:之前|以上|上面|前面|上述|先前|所有|全部|你的|原有|原来)?\s*(?:的)?\s*(?:所有|全部)?\s*(?:的)?\s*(?:评分标准|评分规则|评分细则|评分要求|评分|标准|指令|指示|规则|提示词?|要求|说明|设定)/g,
    reason: 'tells the grader to ignore its instructions',
  },
  {
    re: /(?:给|打|判|评|算|记)\s*(?:我|这个?|该|本|此)?\s*(?:回答|答案|候选人|考生)?\s*(?:一个|个)?\s*(?:满分|最高分|最高等级|100\s*分|一百分|4\s*级|四级)/g,
    reason: 'asks for a score',
  },
  { re: /(?:应该?|必须|理应)\s*(?:得|拿|获得|给)\s*(?:满分|100\s*分)|满分通过/g, reason: 'asks for a score' },
  {
    mentionable: true,
    re: /你现在是|你现在扮演|从现在起你|从现在开始你|你的新(?:角色|任务|指令)|扮演一个?(?:宽松|仁慈)/g,
    reason: 'tries to change the grader’s role',
  },
  {
    re: /(?:致|给|亲爱的|尊敬的)\s*(?:评分员|评分者|评委|阅卷人|考官|评审|评分模型|打分模型)|(?:评分员|评分者|评委|阅卷人|考官)\s*(?:请|注意)/g,
    reason: 'addresses the grader',
  },
  {
    re: /(?:^|\n|[。！？]\s*)\s*(?:系统|系统提示|评分员|评分者)\s*[:：]/g,
    reason: 'fake role tag',
  },
]

// A JSON-ish object carrying grading keys: `{"score": 100}`, `{overall: 100, verdict: "pass"}`.
const GRADING_KEY =
  /["'`]?(?:score|scores|level|levels|overall|verdict|pass|passed|grade|grades|rating|dimensions|marks|points|evaluation|result|分数|得分|评分|等级|总分)["'`]?\s*[:：=]/

/**
 * Finds top-level `{…}` objects (naive about strings) whose text has a grading key, in one pass. An object
 * left unclosed at the end still counts: a truncated fake verdict is no less an attempt.
 */
function jsonVerdicts(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = []
  // Most answers have no brace at all.
  const first = text.indexOf('{')
  if (first === -1) return out
  let depth = 0
  let start = -1
  for (let i = first; i < text.length; i++) {
    const c = text[i]
    if (c === '{') {
      if (depth === 0) start = i
      depth++
    } else if (c === '}' && depth > 0) {
      depth--
      if (depth === 0 && GRADING_KEY.test(text.slice(start, i + 1))) out.push({ start, end: i + 1 })
    }
  }
  if (depth > 0 && start >= 0 && GRADING_KEY.test(text.slice(start))) out.push({ start, end: text.length })
  return out
}

// Words that frame what follows as an example of an attack or a format under discussion.
const FRAMING =
  /\b(?:such as|e\.?g\.?|for example|for instance|examples?|(?:prompts?|phrases?|strings?|messages?|inputs?|text|instructions?|requests?|tokens?|patterns?)\s+(?:like|such as)|attacks?|attackers?|injections?|injected|jailbreaks?|payloads?|malicious|adversarial|red[ -]?team\w*|detect\w*|block\w*|filter\w*|classif\w*|template\w*|chat ?ml|special tokens?|tokeni[sz]\w*|turns?)\b|例如|比如|譬如|诸如|攻击|注入|越狱|恶意|对抗|检测|拦截|过滤|模板/

/** `[a-z0-9]`: a letter or digit next to a `'` makes it an apostrophe. */
const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57)

/** How many times the UTF-16 code `code` occurs in `norm` from `from` to `to`. */
function countCode(norm: string, code: number, from: number, to: number): number {
  let n = 0
  for (let k = from; k < to; k++) if (norm.charCodeAt(k) === code) n++
  return n
}

/**
 * How many `'` in `norm` from `from` to `to` are quotes, not apostrophes: not preceded or not followed by a
 * letter or digit within the stretch (its ends count as neither), as `/(?<![a-z0-9])'|'(?![a-z0-9])/g`
 * counts them in the stretch's slice.
 */
function countSingleQuotes(norm: string, from: number, to: number): number {
  let n = 0
  for (let k = from; k < to; k++) {
    if (norm.charCodeAt(k) !== APOSTROPHE) continue
    if (k === from || !isAlnum(norm.charCodeAt(k - 1)) || k + 1 === to || !isAlnum(norm.charCodeAt(k + 1))) n++
  }
  return n
}

const QUOTE = 34
const BACKTICK = 96
const APOSTROPHE = 39
/** Opening and closing brackets counted as quotes: 「」 『』 《》 ( ). */
const BRACKETS: readonly (readonly [number, number])[] = [
  [0x300c, 0x300d],
  [0x300e, 0x300f],
  [0x300a, 0x300b],
  [40, 41],
]

/**
 * Paired quotes that enclose `s..e` within its sentence (CJK brackets by count, `'` not as an apostrophe).
 * Counts in place: the stretch before the match is `from..s`, the one after it `e..to`.
 */
function quoted(norm: string, from: number, s: number, e: number, to: number): boolean {
  const after = (code: number) => countCode(norm, code, e, to) > 0
  if (countCode(norm, QUOTE, from, s) % 2 === 1 && after(QUOTE)) return true
  if (countCode(norm, BACKTICK, from, s) % 2 === 1 && after(BACKTICK)) return true
  if (countSingleQuotes(norm, from, s) % 2 === 1 && countSingleQuotes(norm, e, to) > 0) return true
  for (const [open, close] of BRACKETS) if (countCode(norm, open, from, s) > countCode(norm, close, from, s) && after(close)) return true
  return false
}

/** Whether a UTF-16 code ends a sentence for {@link isMention}: `. ! ? 。 ！ ？` or a line break. */
const endsSentence = (c: number): boolean =>
  c === 46 || c === 33 || c === 63 || c === 10 || c === 0x3002 || c === 0xff01 || c === 0xff1f

/**
 * True when the match at `s..e` is talked about rather than addressed to the grader: it is quoted, or its
 * sentence frames it as an example of an attack, a filter or a template ("attackers write 'ignore previous
 * instructions'", "<|im_start|>system opens the system turn in ChatML"). Exported for its test.
 */
export function isMention(norm: string, s: number, e: number): boolean {
  let from = s
  while (from > 0 && !endsSentence(norm.charCodeAt(from - 1))) from--
  // The sentence ends at any of them after the match too (a period there always ends it).
  let to = e
  while (to < norm.length && !endsSentence(norm.charCodeAt(to))) to++
  if (quoted(norm, from, s, e, to)) return true
  return FRAMING.test(norm.slice(from, s)) || FRAMING.test(norm.slice(e, to))
}

/**
 * The normal form the patterns run on (see {@link normalise}); plain ASCII, most answers, takes two string
 * operations.
 */
export function injectionText(text: string): string {
  return NOT_ASCII.test(text) ? normalise(text) : normaliseAscii(text)
}

/**
 * Detects text in an answer that instructs the grader rather than answering the question, in English and
 * Chinese: "ignore the rubric / previous instructions", "award full marks", "give this answer 100",
 * "you are now …", role tags (`system:`), chat-template tokens, fake delimiter tags (`</answer>`), and JSON
 * objects with grading keys (`score`, `level`, `overall`, `verdict`). Returns the spans found (offsets in
 * `text`, sorted, merged when they overlap); `flagged` is true when there is at least one. Pure; never throws.
 * `norm` is {@link injectionText}(text), when the caller has it already.
 */
export function detectInjection(text: string, norm: string = injectionText(text)): InjectionResult {
  // Most answers address no one: the index map back to the original text (one number per character) is built
  // only once something matched.
  let map: number[] | undefined
  let identity: boolean | undefined
  const raw: InjectionSpan[] = []
  // The span in the answer's own offsets, made as one literal: `{ ...offsets, reason }` gave V8 a new hidden
  // class per span (spread, then a field), and each lived on in the old generation.
  const toOriginal = (s: number, e: number, reason: string): InjectionSpan => {
    // An ASCII answer whose normal form is as long as it had no whitespace run to collapse: every index of
    // the normal form is its own index in the answer (what the map would say, without building it).
    identity ??= norm.length === text.length && !NOT_ASCII.test(text)
    if (identity) return { start: s, end: e, reason }
    map ??= normaliseWithMap(text).map
    return { start: map[s] ?? text.length, end: e >= map.length - 1 ? text.length : (map[e] ?? text.length), reason }
  }
  for (const { re, reason, mentionable } of PATTERNS) {
    // exec on the pattern itself, as matchAll would on its copy: matchAll clones each regex on every call,
    // which was most of the detector's time on a short answer.
    re.lastIndex = 0
    for (let m = re.exec(norm); m !== null; m = re.exec(norm)) {
      const s = m.index
      let e = s + m[0].length
      if (e <= s) {
        re.lastIndex = s + 1
        continue
      }
      if (mentionable && isMention(norm, s, e)) continue
      // Leading sentence punctuation captured by a line-start pattern is not part of the span.
      const lead = /^[\s.!?。！？\n]*/.exec(m[0])?.[0].length ?? 0
      raw.push(toOriginal(s + lead, e, reason))
      e = 0
    }
  }
  for (const { start, end } of jsonVerdicts(norm)) raw.push(toOriginal(start, end, 'fake verdict JSON'))
  raw.sort((a, b) => a.start - b.start || b.end - a.end)
  const spans: InjectionSpan[] = []
  for (const s of raw) {
    const last = spans[spans.length - 1]
    if (last && s.start <= last.end) {
      if (s.end > last.end) last.end = s.end
    } else spans.push({ start: s.start, end: s.end, reason: s.reason })
  }
  return { flagged: spans.length > 0, spans }
}
