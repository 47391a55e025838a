import type { Config, LocalDiscovery } from '../../core/config/resolve.js'
import type { BatchSummary } from '../../core/grading/summary.js'

// The English catalogue of what the terminal shows: screens, prompts, tables and command summaries. Its
// type is the contract every other language's catalogue must meet (see zh.ts and index.ts). JSONL records,
// `file:line:` problem lines and the judge prompt are not here: they stay English in every language.

type Repeats = NonNullable<BatchSummary['repeats']>
type ModelWhy = NonNullable<LocalDiscovery['found']>['modelWhy']
type ConfigSource = Config['sources'][string]

/** Where a configured model name came from, as a person would look for it. */
const MODEL_SOURCE: Record<ConfigSource, string> = { flag: '--model', env: 'MOCKINT_MODEL', file: 'model in the config file', default: '--model' }

/** Everything the terminal shows in a language, in English. `CliMessages` (its type) is what zh.ts must provide. */
export const en = {
  /** `grade`: the closing summary and its messages. */
  grade: {
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
  },
  /** The interview screen: the question card, the live line under the answer box and what the box prints. */
  screen: {
    question: (i: number, n: number) => `Question ${i}/${n}`,
    followUp: 'Follow-up',
    help: 'Enter: new line · arrows: move · Ctrl+D or a line "/done": submit · on a line of their own: /hint /repeat /skip /quit · Ctrl+C: save and stop',
    left: (clock: string) => `${clock} left`,
    words: (n: number) => `${n} word${n === 1 ? '' : 's'}`,
    hurry: (pct: number) => `${pct}% of the time left`,
    overtime: 'overtime',
    finish: 'finish when ready (Ctrl+D)',
    submitted: 'submitted',
    used: 'used',
    timeUp: "time's up: submitted",
    hint: 'Hint',
    noHint: 'No more hints for this question.',
    skipped: 'skipped',
    draftSaved: 'your answer so far is saved as a draft',
    hinted: (text: string) => `Hint: ${text}`,
  },
  /** The session report (`interview`, `report`). */
  report: {
    title: 'Interview report',
    session: 'session',
    judge: 'judge',
    status: { completed: 'completed', quit: 'ended early', unfinished: 'unfinished (resume with `mockint interview --resume`)' },
    overall: 'Overall',
    pass: 'pass',
    notGraded: 'not graded',
    dims: 'By dimension',
    strongest: 'Strongest',
    weakest: 'Weakest',
    next: 'Next steps',
    question: 'Question',
    followUp: 'Follow-up',
    answer: 'Your answer',
    skipped: 'skipped',
    noAnswer: 'not answered',
    time: 'time',
    overtime: 'overtime',
    hints: 'Hints used',
    evidence: 'evidence',
    missing: 'Missing key points',
    reference: 'Reference outline',
    feedback: 'Feedback',
    failed: 'judge failed — no score',
    regrade: 'it will be graded again on `mockint interview --resume`',
    flags: 'flags',
    summary: (n: number, planned: number, t: string) => `${n} of ${planned} questions answered · ${t}`,
    hintsTotal: (n: number) => `${n} hint${n === 1 ? '' : 's'}`,
    ungraded: (n: number) => `${n} answer${n === 1 ? '' : 's'} not graded`,
    /** Ends a rationale cut to its count of key points. */
    fullStop: '.',
    htmlWritten: (file: string) => `HTML report written: ${file}\n`,
  },
  /** `bank list` and `bank show`. */
  question: {
    keyPoints: 'Key points',
    reference: 'Reference outline',
    followUps: 'Follow-ups',
    time: 'time',
    terms: 'terms',
    level: 'level',
    count: (n: number, cats: number) => `${n} questions in ${cats} categories`,
    question: 'question',
    noMatch: '(no questions match)',
  },
  /** The comment header of the file an answer is written in with `--editor`. */
  editor: {
  header: (budget: string) => `Question (time ${budget}):`,
  submit: 'Save and close the editor to submit.',
  },
  /** `history`. */
  history: {
  none: 'No sessions yet. Start one with: mockint interview\n',
  resume: (id: string) => `\nResume the latest unfinished one: mockint interview --resume ${id}\n`,
  },
  /** `stats`: the captions around the tables; the column heads are the JSON field names and dimension ids, in every language. */
  stats: {
    none: 'No graded sessions yet. Start one with: mockint interview\n',
    perSession: 'Overall and mean level per dimension, per session (oldest first):',
    perDimension: 'Per dimension (first → last session, mean):',
    mean: 'mean',
    perCategory: 'Per category (graded answers, mean overall):',
  },
  /** Which judge grades, and how to switch (`describeJudgeChoice`). */
  judge: {
    offline: (version: string) => `offline (built-in, deterministic, ${version})`,
    server: (label: string, model: string, url: string) => `${label}, model ${model} at ${url}`,
    line: (judge: string, how: string) => `judge: ${judge} — ${how}`,
    nothingFound: (ports: string) =>
      `no API key or base URL configured and no OpenAI-compatible server on the local default ports (${ports}); set OPENAI_API_KEY or start a local server (e.g. \`ollama serve\`) to grade with an LLM`,
    toLlm: 'set OPENAI_API_KEY (or --base-url for a local server) and --judge openai to grade with an LLM',
    toOffline: 'use --judge offline for the built-in deterministic judge',
    /** A server found on a local port: its name (none for a plain OpenAI-compatible one), where, which model and why. */
    found: (name: string | undefined, baseUrl: string, model: string, port: number, why: string) =>
      `judge: ${name ?? 'OpenAI-compatible server'} at ${baseUrl}, model ${model} (found on port ${port}; ${why}; --judge offline to turn off)`,
    /** Why that model: the one configured, the first listed, or the first because the one configured (from `source`) is not listed. */
    foundWhy: (why: ModelWhy, model: string, configured: string | undefined, source: ConfigSource) =>
      ({
        configured: `--model ${model} is listed there`,
        first: 'the first model it lists',
        'configured-missing': `${configured} (${MODEL_SOURCE[source]}) is not listed there, so the first it lists`,
      })[why],
  },
  /** `interview`: what it says outside the answer box (which has `screen`). */
  app: {
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
    banner: (n: number, f: number, total: string, resuming: string | null) =>
      `mockint interview · ${n} question${n === 1 ? '' : 's'} · ${f} follow-up${f === 1 ? '' : 's'} each · time budget ${total}${resuming ? ` · resuming ${resuming}` : ''}`,
    waitingFollowUp: 'grading your answer to aim the follow-up…',
    waiting: (pending: number) => `waiting for ${pending} grade${pending === 1 ? '' : 's'}…`,
    interrupted: (path: string) => `Interrupted. Everything you answered is saved in ${path}.`,
    resumeWith: (id: string) => `Resume with: mockint interview --resume ${id}`,
    reportSaved: (md: string, id: string) => `report saved: ${md} · print it again: mockint report ${id}`,
  },
  /** The progress line of `grade` and `check`. */
  progress: { eta: (t: string) => `ETA ${t}`, errors: (n: number) => `errors ${n}`, tokens: (t: string) => `tokens ${t}` },
}

export type CliMessages = typeof en
