import type { Lang } from '../../core/i18n.js'
import type { BatchSummary } from '../../core/grading/summary.js'
import { escapeControlChars } from '../../core/text/control.js'

// What `grade` says to a person — the closing summary and its messages — in English and Chinese.

/** The closing lines: what was graded, the mean, errors, tokens and cost, in `opts.lang` (default English). */
export function renderSummaryText(s: BatchSummary, opts: { out?: string; minScore?: number; lang?: Lang }): string {
  const t = GRADE_TEXT[opts.lang ?? 'en']
  const lines: string[] = []
  const judge = s.judge ? `${s.judge.kind}${s.judge.model ? ` ${s.judge.model}` : ''}` : t.noJudge
  lines.push(t.graded(s, judge))
  if (s.mean_overall !== null) lines.push(t.mean(s.mean_overall, s.median_overall, Math.round((s.pass_rate ?? 0) * 100)))
  const dims = Object.entries(s.dimensions)
  if (dims.length) lines.push(`${t.dimensions}${dims.map(([d, v]) => `${d} ${v.mean}`).join(' · ')}`)
  const flags = Object.entries(s.flags)
  if (flags.length) lines.push(`${t.flags}${flags.map(([f, n]) => `${f} ${n}`).join(' · ')}`)
  if (s.repeats)
    lines.push(
      t.repeats(s.repeat, s.repeats, Object.entries(s.repeats.agreement).map(([d, a]) => `${d} ${Math.round(a.exact * 100)}%`).join(' · ')),
    )
  lines.push(t.tokens(s, t.cost(s.cost)))
  // The id is the input's and the message often the server's own text.
  for (const e of s.error_samples.slice(0, 5)) lines.push(escapeControlChars(t.errorSample(e.id, e.message)))
  if (opts.out) lines.push(`${t.results}${opts.out}`)
  return lines.map((l) => l + '\n').join('')
}

type Repeats = NonNullable<BatchSummary['repeats']>

/** What `grade` tells a person, in English. JSONL records and `file:line:` problem lines are not here: they stay English. */
const GRADE_TEXT_EN = {
  problems: (n: number, more: number, shown: string) =>
    `${n} problem${n === 1 ? '' : 's'} in ${shown}${more > 0 ? ` (${more} more not shown)` : ''}; nothing was graded. Fix ${n === 1 ? 'it' : 'them'} and run again.`,
  invalidUtf8Line: 'warning: bytes that are not UTF-8, read as U+FFFD (\uFFFD)',
  invalidUtf8: (n: number, more: number, shown: string) =>
    `${n} line${n === 1 ? '' : 's'} of ${shown} hold${n === 1 ? 's' : ''} bytes that are not UTF-8${more > 0 ? ` (${more} more not shown)` : ''}; they were read as U+FFFD and grading goes on. To keep the text as written, save the file as UTF-8 (e.g. iconv -f GBK -t UTF-8).`,
  resuming: (out: string, already: number, size: number, errorLines: number, torn: boolean) =>
    `resuming ${out}: ${already} of ${size} already graded${errorLines ? `, ${errorLines} error line(s) to retry` : ''}${torn ? ', a torn last line cut' : ''}`,
  reportWritten: (file: string) => `report written to ${file}`,
  interrupted: (saved: number, out?: string) =>
    `interrupted; ${saved} result(s) saved${out ? ` to ${out}; run again with --resume to finish` : ''}`,
  judgeFailed: (n: number, out?: string) =>
    `the judge failed on ${n} answer(s) (written with status "error")${out ? '; run again with --resume to retry them' : ''}`,
  stopped: (cause: string, out?: string) =>
    `stopped early: ${cause === 'quota' ? 'the account has no credit left (quota)' : 'the server refused the API key (auth)'}, so every further answer would fail the same way: the rest were not sent and are written as errors; ${cause === 'quota' ? 'add credit or use another key' : 'check the key (`mockint doctor` says which variable is used)'}${out ? `, then run again with --resume to grade them` : ''}`,
  belowMinScore: (mean: number, min: number) => `mean overall ${mean} is below --min-score ${min}`,
  retries: (n: number) => `retries ${n}`,
  concurrency: (limit: number, max: number, reason: string) => `concurrency ${limit}/${max} (${reason})`,
  batchJudge: (model?: string, baseUrl?: string) =>
    `judge: OpenAI Batch API, model ${model ?? '(provider default)'}${baseUrl ? ` at ${baseUrl}` : ''} — results arrive when the batch completes (up to 24 h, half price)`,
  batchSubmitted: (resumed: boolean, id: string, requests: number, pollS: number) =>
    `${resumed ? 'resuming' : 'created'} batch ${id} (${requests} request${requests === 1 ? '' : 's'}); polling every ${pollS}s — interrupt and rerun the same command to resume`,
  batchStatus: (id: string, status: string, completed: number, total: number, failed: number) =>
    `batch ${id}: ${status} · ${completed}/${total} done · ${failed} failed`,
  batchKeepsRunning: (id: string) => `batch ${id} keeps running on the server; run the same command again to collect its results`,
  graded: (s: BatchSummary, judge: string) =>
    `graded ${s.graded}/${s.total}${s.resumed ? ` (${s.resumed} from an earlier run)` : ''} · errors ${s.errors} · judge ${judge} · ${(s.elapsed_ms / 1000).toFixed(1)}s`,
  mean: (mean: number, median: number | null, passPct: number) => `mean overall ${mean} · median ${median} · pass rate ${passPct}%`,
  dimensions: 'dimensions: ',
  flags: 'flags: ',
  repeats: (repeat: number, r: Repeats, agreement: string) =>
    `repeats ×${repeat}: ${r.stable}/${r.answers} stable · mean spread ${r.mean_spread} · exact agreement ${agreement}`,
  cost: (c: BatchSummary['cost']) => (c.usd === null ? `cost unknown (${c.note})` : `est. cost $${c.usd.toFixed(4)}`),
  tokens: (s: BatchSummary, cost: string) =>
    `tokens ${s.usage.prompt_tokens} in (${s.usage.cached_tokens} cached) / ${s.usage.completion_tokens} out · ${s.cached} from cache · ${cost}`,
  errorSample: (id: string, message: string) => `error ${id}: ${message}`,
  results: 'results: ',
  noJudge: 'none',
}

/** The limiter's reasons (core speaks English), as a Chinese reader would write them. */
const LIMIT_REASON_ZH: Record<string, string> = { 'rate limited': '被限流', recovering: '正在恢复' }

export const GRADE_TEXT: Record<Lang, typeof GRADE_TEXT_EN> = {
  en: GRADE_TEXT_EN,
  zh: {
    problems: (n, more, shown) => `${shown} 中有 ${n} 处问题${more > 0 ? `（另有 ${more} 处未列出）` : ''}，未评分任何回答。请修正后重新运行。`,
    // The `file:line:` warning lines stay English (grep-able), as the problem lines do.
    invalidUtf8Line: 'warning: bytes that are not UTF-8, read as U+FFFD (\uFFFD)',
    invalidUtf8: (n, more, shown) =>
      `${shown} 中有 ${n} 行含有非 UTF-8 字节${more > 0 ? `（另有 ${more} 行未列出）` : ''}，已按 U+FFFD 读入，评分继续。要保留原文，请把文件另存为 UTF-8（例如 iconv -f GBK -t UTF-8）。`,
    resuming: (out, already, size, errorLines, torn) =>
      `继续 ${out}：${size} 条中已评分 ${already} 条${errorLines ? `，${errorLines} 条出错记录将重试` : ''}${torn ? '，已截掉不完整的最后一行' : ''}`,
    reportWritten: (file) => `报告已写入 ${file}`,
    interrupted: (saved, out) => `已中断；${saved} 条结果已保存${out ? `到 ${out}，加 --resume 重新运行即可接着评完` : ''}`,
    judgeFailed: (n, out) => `评分器在 ${n} 个回答上失败（已按 status "error" 写出）${out ? '；加 --resume 重新运行可重试这些回答' : ''}`,
    stopped: (cause, out) =>
      `已提前停止：${cause === 'quota' ? '账户额度已用完（quota）' : '服务器拒绝了 API 密钥（auth）'}，后续回答都会同样失败，因此没有再发送，已按错误写出；${cause === 'quota' ? '请充值或换一个密钥' : '请检查密钥（`mockint doctor` 会告诉你用的是哪个环境变量）'}${out ? '，然后加 --resume 重新运行评完它们' : ''}`,
    belowMinScore: (mean, min) => `总分均值 ${mean} 低于 --min-score ${min}`,
    retries: (n) => `重试 ${n} 次`,
    concurrency: (limit, max, reason) => `并发 ${limit}/${max}（${LIMIT_REASON_ZH[reason] ?? reason}）`,
    batchJudge: (model, baseUrl) =>
      `评分：OpenAI Batch API，模型 ${model ?? '（服务商默认）'}${baseUrl ? `，地址 ${baseUrl}` : ''} —— 批处理完成后才有结果（最长 24 小时，半价）`,
    batchSubmitted: (resumed, id, requests, pollS) =>
      `${resumed ? '继续' : '已创建'}批处理 ${id}（${requests} 个请求），每 ${pollS}s 查询一次 —— 可随时中断，重跑同一命令即可继续`,
    batchStatus: (id, status, completed, total, failed) => `批处理 ${id}：${status} · 已完成 ${completed}/${total} · 失败 ${failed}`,
    batchKeepsRunning: (id) => `批处理 ${id} 仍在服务端运行；重跑同一命令即可取回结果`,
    graded: (s, judge) =>
      `已评分 ${s.graded}/${s.total}${s.resumed ? `（其中 ${s.resumed} 条来自上次运行）` : ''} · 出错 ${s.errors} · 评分器 ${judge} · 耗时 ${(s.elapsed_ms / 1000).toFixed(1)}s`,
    mean: (mean, median, passPct) => `总分均值 ${mean} · 中位数 ${median} · 通过率 ${passPct}%`,
    dimensions: '各维度：',
    flags: '标记：',
    repeats: (repeat, r, agreement) =>
      `重复评分 ×${repeat}：${r.stable}/${r.answers} 个回答结果稳定 · 平均波动 ${r.mean_spread} · 完全一致率 ${agreement}`,
    // The cost note comes from core in English; say the same from the estimate's fields.
    cost: (c) =>
      c.usd !== null
        ? `预估费用 $${c.usd.toFixed(4)}`
        : c.model
          ? `费用未知（没有 "${c.model}" 的价格；可在配置文件的 \`prices\` 下添加，单位：美元/百万 tokens）`
          : '费用未知（未配置模型）',
    tokens: (s, cost) =>
      `tokens 输入 ${s.usage.prompt_tokens}（缓存命中 ${s.usage.cached_tokens}）/ 输出 ${s.usage.completion_tokens} · ${s.cached} 条取自缓存 · ${cost}`,
    errorSample: (id, message) => `出错 ${id}：${message}`,
    results: '结果：',
    noJudge: '无',
  },
}
