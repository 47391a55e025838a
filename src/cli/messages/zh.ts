import type { CliMessages } from './en.js'

/** The limiter's reasons (core speaks English), as a Chinese reader would write them. */
const LIMIT_REASON_ZH: Record<string, string> = { 'rate limited': '被限流', recovering: '正在恢复' }

/** The provider labels that are words rather than names. */
const LABEL_ZH: Record<string, string> = {
  'OpenAI-compatible server': 'OpenAI 兼容服务',
  'llama.cpp server': 'llama.cpp 服务',
}

/** Everything the terminal shows in a language, in Chinese: every key of en.ts, each message taking the same parameters. */
export const zh = {
  grade: {
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
  screen: {
    question: (i: number, n: number) => `第 ${i}/${n} 题`,
    followUp: '追问',
    help: '回车：换行 · 方向键：移动光标 · Ctrl+D 或单独一行 "/done"：提交 · 单独一行输入：/hint 提示 /repeat 重看题目 /skip 跳过 /quit 结束 · Ctrl+C：保存并暂停',
    left: (clock: string) => `剩余 ${clock}`,
    words: (n: number) => `${n} 字`,
    hurry: (pct: number) => `仅剩 ${pct}% 的时间`,
    overtime: '已超时',
    finish: '写完后按 Ctrl+D 提交',
    submitted: '已提交',
    used: '用时',
    timeUp: '时间到：已自动提交',
    hint: '提示',
    noHint: '这道题没有更多提示了。',
    skipped: '已跳过',
    draftSaved: '已写的回答已存为草稿',
    hinted: (text: string) => `提示：${text}`,
  },
  report: {
    title: '面试报告',
    session: '会话',
    judge: '评分器',
    status: { completed: '已完成', quit: '提前结束', unfinished: '未完成（用 `mockint interview --resume` 继续）' },
    overall: '总分',
    pass: '及格线',
    notGraded: '未评分',
    dims: '各维度',
    strongest: '最强',
    weakest: '最弱',
    next: '下一步',
    question: '题目',
    followUp: '追问',
    answer: '你的回答',
    skipped: '已跳过',
    noAnswer: '未作答',
    time: '用时',
    overtime: '超时',
    hints: '使用的提示',
    evidence: '证据',
    missing: '遗漏的要点',
    reference: '参考答案提纲',
    feedback: '反馈',
    failed: '评分失败——无分数',
    regrade: '运行 `mockint interview --resume` 会重新评分',
    flags: '标记',
    summary: (n: number, planned: number, t: string) => `已答 ${n}/${planned} 题 · ${t}`,
    hintsTotal: (n: number) => `${n} 次提示`,
    ungraded: (n: number) => `${n} 个回答未评分`,
    fullStop: '。',
    htmlWritten: (file: string) => `HTML 报告已写入：${file}\n`,
  },
  question: {
    keyPoints: '要点',
    reference: '参考答案提纲',
    followUps: '追问',
    time: '时限',
    terms: '关键词',
    level: '难度',
    count: (n: number, cats: number) => `共 ${n} 道题，分属 ${cats} 个类别`,
    question: '题目',
    noMatch: '（没有符合条件的题目）',
  },
  editor: {
  header: (budget: string) => `题目 (时限 ${budget}):`,
  submit: '保存并关闭编辑器即提交。',
  },
  history: {
  none: '还没有面试记录。开始一场：mockint interview\n',
  resume: (id: string) => `\n继续最近一场未完成的面试：mockint interview --resume ${id}\n`,
  },
  stats: {
    none: '还没有已评分的面试。开始一场：mockint interview\n',
    perSession: '每场面试的总分与各维度平均等级（从早到晚）：',
    perDimension: '各维度（第一场 → 最近一场，均值）：',
    mean: '均值',
    perCategory: '各类别（已评分回答数，总分均值）：',
  },
  judge: {
    offline: (version: string) => `offline 评分器（内置、确定性，${version}）`,
    server: (label: string, model: string, url: string) => `${LABEL_ZH[label] ?? label}，模型 ${model}，地址 ${url}`,
    line: (judge: string, how: string) => `评分：${judge} —— ${how}`,
    nothingFound: (ports: string) =>
      `未配置 API 密钥或地址，本机默认端口（${ports}）上也没有 OpenAI 兼容服务；设置 OPENAI_API_KEY 或启动本地模型服务（如 \`ollama serve\`）即可改用大模型评分`,
    toLlm: '设置 OPENAI_API_KEY（本地服务用 --base-url）并加 --judge openai 即可改用大模型评分',
    toOffline: '加 --judge offline 可改用内置的确定性离线评分',
    found: (name: string | undefined, baseUrl: string, model: string, port: number, why: string) =>
      `评分：${name ?? 'OpenAI 兼容服务'}，地址 ${baseUrl}，模型 ${model}（在端口 ${port} 上发现；${why}；加 --judge offline 可关闭）`,
    // Names the model only as "the configured one", as the line names it next.
    foundWhy: (why: 'configured' | 'first' | 'configured-missing', _model: string, _configured: string | undefined, _source: string) =>
      ({ configured: '配置的模型在其列表中', first: '其列出的第一个模型', 'configured-missing': '配置的模型不在其列表中，改用列出的第一个' })[why],
  },
  app: {
    noTty:
      'mockint interview 需要在终端里运行（stdin 和 stdout 都得是终端）。不经终端批量评分书面回答，请用 `mockint grade <file>`（见 `mockint grade --help`）。',
    menu: {
      categories: '题目类别（空格勾选，回车确认；不选即全部）',
      difficulty: '难度',
      anyDifficulty: '不限',
      count: '题目数量',
      language: '语言',
      judge: '评分器',
      judgeAuto: 'auto（配置了 API key 或 base URL 时用大模型，否则离线评分）',
      judgeOffline: 'offline（内置、确定性，无需联网）',
      judgeOpenai: 'OpenAI 兼容的大模型',
    },
    finished: (id) => `会话 ${id} 已结束且全部评分完毕；查看报告：mockint report ${id}`,
    judgeChanged: (was, now) => `注意：这场面试之前由 ${was} 评分器评分，现在改用 ${now}（可用 --judge 指定）`,
    menuInterrupted: '面试开始前已中断，没有保存任何内容。',
    fewer: (n) => `只有 ${n} 道题符合条件，就问这些`,
    sessionFile: (id, path) => `会话 ${id} → ${path}`,
    noEditor: '--editor：请先设置 $VISUAL 或 $EDITOR（例如 export EDITOR=vim）；本题改在终端内作答',
    editorFailed: (variable, value, code) =>
      `--editor：无法运行 $${variable}（"${value}"）：${code === 'ENOENT' ? '找不到该命令' : code === 'EACCES' ? '没有执行权限' : '未能启动'}（${code}）；请把 ${variable} 设为已安装的编辑器（例如 export ${variable}=vim）；本场面试余下的题目改在终端内作答`,
    emptyEditor: '编辑器返回了空回答（图形界面编辑器需要加等待参数，例如 EDITOR="code --wait"）。',
    editorKeys: '[r] 重新打开编辑器 · [i] 在终端内作答 · [s] 跳过',
    judgeFailed: (key, reason) => `${key} 评分失败：${reason}（已保存；--resume 时会重新评分）`,
    draftKept: (keys, id) => `${keys} 未写完的回答已存为草稿；继续作答：mockint interview --resume ${id}`,
    banner: (n: number, f: number, total: string, resuming: string | null) =>
      `mockint 模拟面试 · ${n} 道题 · 每题 ${f} 个追问 · 总时长 ${total}${resuming ? ` · 继续会话 ${resuming}` : ''}`,
    waitingFollowUp: '评分中，准备追问…',
    waiting: (pending: number) => `等待 ${pending} 个评分完成…`,
    interrupted: (path: string) => `已暂停。你的所有回答都已保存在 ${path}。`,
    resumeWith: (id: string) => `继续作答：mockint interview --resume ${id}`,
    reportSaved: (md: string, id: string) => `报告已保存：${md} · 再次查看：mockint report ${id}`,
  },
  progress: { eta: (t: string) => `预计剩余 ${t}`, errors: (n: number) => `出错 ${n}`, tokens: (t: string) => `tokens ${t}` },
} satisfies CliMessages
