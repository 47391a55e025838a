// Size of the LLM judge's prompt for every shipped question: the stable prefix (system message, identical
// for every answer graded with one rubric and language: what a provider's prefix cache can reuse), the
// question part (identical for every answer to one question), and the answer part (the rest).
// Measured with each question's first calibration answer in that language (or a 600-character stand-in).
//
// Tokens are ESTIMATED, no tokenizer is installed: Latin text ≈ 1 token per 4 characters (OpenAI's rule of
// thumb for English), each CJK character ≈ 1 token (an upper bound: cl100k/o200k average 0.6–1.0). Real
// counts come back in every grade's `usage`. Run against dist/: `npm run build && node bench/prompt-size.mjs [--json]`.
import { buildJudgeMessages } from '../dist/core/judge/prompt.js'
import { loadBank, shippedBankPaths } from '../dist/core/bank/load.js'

const json = process.argv.includes('--json')
const NONCE = 'benchnonce01'

function estimateTokens(text) {
  let cjk = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) cjk++
  }
  return Math.ceil((text.length - cjk) / 4) + cjk
}

const { bank, issues } = await loadBank(shippedBankPaths(), process.cwd())
const errors = issues.filter((i) => i.severity === 'error')
if (errors.length) console.error(`note: ${errors.length} bank problem(s) skipped (run mockint check)`)

const rows = []
for (const { question } of bank.questions) {
  const loaded = bank.rubrics.get(question.rubric)
  if (!loaded) continue
  for (const lang of ['en', 'zh']) {
    const cal = question.calibration.find((c) => c.lang === lang)
    const answer = cal?.answer ?? 'x'.repeat(600)
    const { messages, stablePrefix } = buildJudgeMessages(
      { question: { kind: 'bank', question }, rubric: loaded.rubric, answer, lang },
      { nonce: NONCE },
    )
    const user = messages[1].content
    const cut = user.lastIndexOf(`<<<ANSWER ${NONCE}>>>`)
    const questionPart = user.slice(0, cut)
    const answerPart = user.slice(cut)
    const t = { stable: estimateTokens(stablePrefix), question: estimateTokens(questionPart), answer: estimateTokens(answerPart) }
    rows.push({
      id: question.id,
      lang,
      chars: { stable: stablePrefix.length, question: questionPart.length, answer: answerPart.length },
      tokens: t,
      // Share of the prompt a provider can serve from cache when the same question is graded again.
      sample: cal ? 'calibration' : 'stand-in',
      cacheable: +((t.stable + t.question) / (t.stable + t.question + t.answer)).toFixed(3),
    })
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}
const summary = {}
for (const lang of ['en', 'zh']) {
  const rs = rows.filter((r) => r.lang === lang)
  summary[lang] = {
    questions: rs.length,
    stable_tokens: median(rs.map((r) => r.tokens.stable)),
    question_tokens_median: median(rs.map((r) => r.tokens.question)),
    answer_tokens_median: median(rs.map((r) => r.tokens.answer)),
    stable_share_median: median(rs.map((r) => +(r.tokens.stable / (r.tokens.stable + r.tokens.question + r.tokens.answer)).toFixed(3))),
    cacheable_share_median: median(rs.map((r) => r.cacheable)),
  }
}

if (json) {
  console.log(JSON.stringify({ estimate: 'latin chars/4 + 1 per CJK char', summary, rows }, null, 2))
} else {
  const pad = (s, n) => String(s).padEnd(n)
  const num = (s, n) => String(s).padStart(n)
  console.log(`${pad('question', 44)}${pad('lang', 5)}${num('stable', 8)}${num('question', 10)}${num('answer', 8)}${num('cacheable', 11)}  sample   (est. tokens)`)
  for (const r of rows)
    console.log(`${pad(r.id, 44)}${pad(r.lang, 5)}${num(r.tokens.stable, 8)}${num(r.tokens.question, 10)}${num(r.tokens.answer, 8)}${num((r.cacheable * 100).toFixed(1) + '%', 11)}  ${r.sample}`)
  console.log('\nmedians:', JSON.stringify(summary))
  console.log('tokens estimated: latin chars/4 + 1 per CJK char; stable = system message (same for every answer, per rubric and language)')
}
