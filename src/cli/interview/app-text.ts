import type { Lang } from '../../core/i18n.js'

/** What the interview tells a person outside the answer box (which has SCREEN_TEXT), in each language. */
const APP_TEXT_EN = {
  noTty:
    'mockint interview needs a terminal on stdin and stdout. To grade written answers without one, use `mockint grade <file>` (see `mockint grade --help`).',
  menu: {
    categories: 'Categories (space to toggle, enter to accept; none = all)',
    difficulty: 'Difficulty',
    anyDifficulty: 'any',
    count: 'Number of questions',
    language: 'Language',
    judge: 'Judge',
    judgeAuto: 'auto (LLM when a key or base URL is configured, else offline)',
    judgeOffline: 'offline (built-in, deterministic, no network)',
    judgeOpenai: 'openai-compatible LLM',
  },
  finished: (id: string) => `Session ${id} is finished and fully graded; its report: mockint report ${id}`,
  judgeChanged: (was: string, now: string) => `note: this session was graded by the ${was} judge; now grading with ${now} (use --judge to choose)`,
  menuInterrupted: 'Interrupted before the interview started; nothing was saved.',
  fewer: (n: number) => `only ${n} question${n === 1 ? '' : 's'} match; asking those`,
  sessionFile: (id: string, path: string) => `session ${id} → ${path}`,
  noEditor: '--editor: set $VISUAL or $EDITOR (e.g. export EDITOR=vim); answering inline instead',
  editorFailed: (variable: string, value: string, code: string) =>
    `--editor: cannot run $${variable} ("${value}"): ${code === 'ENOENT' ? 'no such command' : code === 'EACCES' ? 'not executable' : 'it did not start'} (${code}); set ${variable} to an installed editor (e.g. export ${variable}=vim); answering inline for the rest of this session`,
  emptyEditor: 'The editor returned an empty answer (a GUI editor needs a wait flag, e.g. EDITOR="code --wait").',
  editorKeys: '[r] retry the editor · [i] type inline · [s] skip',
  judgeFailed: (key: string, reason: string) => `grading ${key} failed: ${reason} (saved; it is graded again on --resume)`,
  draftKept: (keys: string, id: string) => `Your unfinished answer to ${keys} is saved as a draft; continue it with: mockint interview --resume ${id}`,
}

export const APP_TEXT: Record<Lang, typeof APP_TEXT_EN> = {
  en: APP_TEXT_EN,
  zh: {
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
  },
}

/** The texts of one language. */
export type AppText = typeof APP_TEXT_EN
