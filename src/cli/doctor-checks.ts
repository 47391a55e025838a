import { join } from 'node:path'
import { loadBank, packageRoot } from '../core/bank/load.js'
import type { Config, ConfigFlags } from '../core/config/resolve.js'
import { formatWhere, InterruptedError, MockintError } from '../core/errors.js'
import { DEFAULT_PRICES, estimateCost } from '../core/grading/prices.js'
import type { Judge } from '../core/judge/types.js'
import { chooseModel, listModels } from '../providers/local-discovery.js'
import { findPreset, isReasoningModel, missingKeyMessage, normaliseUrl, PROVIDER_NAMES, type ProviderPreset } from '../providers/openai/presets.js'
import { displayUrl } from '../providers/openai/url.js'
import { probeOutputModes, type RequestFailure } from '../providers/server-check.js'
import type { CliDeps } from './deps.js'
import { createJudge, loadJudgeConfig } from './judge.js'
import * as fix from './doctor-fixes.js'

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip' | 'info'
export interface DoctorCheck {
  name: string
  status: CheckStatus
  detail: string
  /** One line saying what to do; null when there is nothing to do. */
  fix: string | null
  latency_ms?: number
}
export interface DoctorReport {
  ok: boolean
  /** 0 the judge works, 2 configuration missing or wrong, 3 the server fails. */
  exit_code: 0 | 2 | 3
  judge: { kind: 'openai' | 'offline'; provider: string | null; model: string | null; base_url: string | null; why: string } | null
  checks: DoctorCheck[]
}

const CHECKS = ['judge', 'reachable', 'model', 'output_mode', 'calibration', 'cost'] as const
/** The shipped question whose strong calibration answer doctor grades. */
const CALIBRATION_QUESTION = join('questions', 'llm-fundamentals', 'kv-cache.yaml')
const LIST_TIMEOUT_MS = 10_000
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EINVAL', 'ENETUNREACH'])

/**
 * Checks, end to end, the judge the same flags, environment and config give `grade` and `interview`, and
 * stops at the first failure (the checks after it are `skip`). Expected failures are checks, never throws.
 */
export async function runDoctorChecks(deps: CliDeps, flags: ConfigFlags): Promise<DoctorReport> {
  const checks: DoctorCheck[] = []
  const report: DoctorReport = { ok: true, exit_code: 0, judge: null, checks }
  const add = (c: DoctorCheck) => void checks.push(c)
  const fail = (name: string, detail: string, fixLine: string, code: 2 | 3, latency_ms?: number): DoctorReport => {
    add({ name, status: 'fail', detail, fix: fixLine, ...(latency_ms !== undefined ? { latency_ms } : {}) })
    report.ok = false
    report.exit_code = code
    for (const rest of CHECKS) if (!checks.some((c) => c.name === rest)) add({ name: rest, status: 'skip', detail: `not checked (${name} failed)`, fix: null })
    return report
  }

  let config: Config
  try {
    // Afresh: doctor is where a user who just started a server looks, so no remembered "nothing found".
    config = await loadJudgeConfig(deps, flags, { fresh: true })
  } catch (e) {
    if (!(e instanceof MockintError)) throw e
    const where = 'where' in e && e.where ? `${formatWhere(e.where as { file: string })}: ` : ''
    return fail('judge', `${where}${e.message}`, 'fix the flag, variable or config file line named above', 2)
  }

  if (config.effectiveJudge === 'offline') return offlineReport(deps, config, report)

  const preset = findPreset(config.provider, config.baseUrl)
  if (!preset) return fail('judge', `unknown provider "${config.provider}"`, `pass --provider with one of: ${PROVIDER_NAMES.join(', ')} (or only --base-url for any OpenAI-compatible server)`, 2)
  const baseUrl = normaliseUrl(config.baseUrl ?? preset.baseUrl ?? '')
  if (!baseUrl) return fail('judge', `provider ${preset.id} has no default base URL`, 'pass --base-url https://<resource>.openai.azure.com/openai/v1', 2)
  const url = displayUrl(baseUrl)
  const model = config.model ?? preset.defaultModel
  report.judge = { kind: 'openai', provider: preset.id, model: model ?? null, base_url: url, why: whyLlm(config, preset) }
  const key = { apiKey: config.apiKey, apiKeyEnv: config.apiKeyEnv, apiKeyEnvExplicit: !config.discovery?.found && Boolean(config.file.api_key_env) }
  const missingKey = missingKeyMessage(preset, key)
  if (missingKey) return fail('judge', missingKey, fix.setKey(key.apiKeyEnv ?? preset.keyEnv ?? 'OPENAI_API_KEY', preset), 2)
  add({ name: 'judge', status: 'ok', detail: `${preset.label}, model ${model ?? '(none given)'} at ${url} — ${report.judge.why}`, fix: null })

  const redact = (s: string) => (config.apiKey && config.apiKey.length >= 4 ? s.split(config.apiKey).join('[redacted]') : s)
  const headers: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}`, ...(preset.keyHeader ? { [preset.keyHeader]: config.apiKey } : {}) } : {}

  // Reachability, and the models the server lists.
  const listed = await listModels(baseUrl, { timeoutMs: LIST_TIMEOUT_MS, headers })
  let models: string[] | undefined
  if (listed.ok) {
    models = listed.models
    add({ name: 'reachable', status: 'ok', detail: `GET ${url}/models answered in ${listed.ms} ms (${models.length} model${models.length === 1 ? '' : 's'} listed)`, fix: null, latency_ms: listed.ms })
  } else {
    const what = redact(listed.message)
    if (listed.code && UNREACHABLE.has(listed.code)) {
      const what = listed.code === 'EINVAL' ? 'the base URL is not a valid URL' : /^E(NOTFOUND|AI_AGAIN)$/.test(listed.code) ? `the host of ${url} does not resolve` : `nothing answers at ${url}`
      return fail('reachable', `${what} (${listed.code})`, fix.startServer(preset, config, url), 2, listed.ms)
    }
    if (listed.code === 'ETIMEDOUT') return fail('reachable', `${url} did not answer within ${LIST_TIMEOUT_MS / 1000} s`, fix.slowServer(url), 3, listed.ms)
    if (listed.status === 401 || listed.status === 403) return fail('reachable', `${url} refused the key (${listed.status}): ${what}`, fix.badKey(config, preset, baseUrl), 2, listed.ms)
    if (listed.status !== undefined && listed.status >= 500) return fail('reachable', `${url}/models answered ${listed.status}: ${what}`, fix.serverError(url), 3, listed.ms)
    if (listed.status === undefined) return fail('reachable', `the connection to ${url} failed (${listed.code ?? what})`, fix.serverError(url), 3, listed.ms)
    add({ name: 'reachable', status: 'warn', detail: `${url} answers, but does not list its models (${listed.status}: ${what})`, fix: null, latency_ms: listed.ms })
  }

  // The model.
  if (!models) add({ name: 'model', status: 'skip', detail: 'the server does not list models; the next check asks for one', fix: null })
  else if (models.length === 0) return fail('model', `${url} lists no models`, fix.noModels(preset, model), 2)
  else if (!model) return fail('model', `no model named; ${url} lists: ${shortList(models)}`, `pass --model ${chooseModel(models, undefined).model} (or set MOCKINT_MODEL)`, 2)
  else if (preset.id === 'llamacpp') add({ name: 'model', status: 'ok', detail: `llama-server answers with the model it loaded (${shortList(models)}), whatever the name`, fix: null })
  else if (models.includes(model)) add({ name: 'model', status: 'ok', detail: `${model} is listed`, fix: null })
  else return fail('model', `model "${model}" is not listed at ${url}; it lists: ${shortList(models)}`, fix.missingModel(preset, model, models), 2)
  if (!model) return fail('model', 'no model named', 'pass --model <name> (or set MOCKINT_MODEL)', 2)

  // Which structured-output mode the server accepts.
  const reasoning = isReasoningModel(model)
  const probe = await probeOutputModes({
    baseUrl,
    model,
    headers,
    maxTokensParam: reasoning ? undefined : preset.maxTokensParam,
    temperature: preset.temperature === 'send' || !reasoning,
    timeoutMs: Math.min(preset.deadlineMs, 120_000),
    extraBody: preset.extraBody,
  })
  const refusedText = probe.refused.map((r) => `${r.mode}: ${redact(r.reason)}`).join('; ')
  if (probe.failure) {
    const f = failureCheck(probe.failure, { url, model, preset, config, baseUrl, redact })
    return fail('output_mode', f.detail, f.fix, f.code, probe.ms)
  }
  if (probe.accepted === 'json_schema') add({ name: 'output_mode', status: 'ok', detail: `json_schema (strict) accepted in ${probe.ms} ms`, fix: null, latency_ms: probe.ms })
  else if (probe.accepted === 'json_object') add({ name: 'output_mode', status: 'ok', detail: `json_object accepted in ${probe.ms} ms (refused ${refusedText})`, fix: null, latency_ms: probe.ms })
  else add({ name: 'output_mode', status: 'warn', detail: `plain text only (refused ${refusedText}); verdicts are read out of text and may need a repair turn`, fix: 'a server with structured outputs (json_schema) grades faster and more reliably', latency_ms: probe.ms })

  let judge: Judge
  try {
    judge = await createJudge(config)
  } catch (e) {
    if (e instanceof MockintError) return fail('calibration', e.message, 'fix the flag, variable or config named above', 2)
    throw e
  }
  const graded = await gradeCalibration(deps, config, judge)
  if (!graded.ok) return fail('calibration', `the judge could not grade the calibration answer: ${redact(graded.reason)}`, fix.gradeFailed(graded.reason, url), 3, graded.latency_ms)
  add(graded.check)
  add(costCheck(config, preset, baseUrl, model, graded.usage))
  return report
}

/** The offline judge: why it grades, how to get an LLM judge, and one calibration answer graded by it. */
async function offlineReport(deps: CliDeps, config: Config, report: DoctorReport): Promise<DoctorReport> {
  const explicit = config.judge === 'offline'
  const by = { flag: '--judge offline', env: 'MOCKINT_JUDGE=offline', file: `judge: offline in ${config.configPath}`, default: 'the default' }[config.sources.judge ?? 'default']
  const ports = config.discovery?.probed.map((c) => `${c.port}${c.name ? ` (${c.name})` : ''}`).join(', ')
  const why = explicit
    ? `chosen by ${by}`
    : `no API key, base URL or provider is configured${ports ? `, and no OpenAI-compatible server with a model answers on 127.0.0.1 ports ${ports}` : ''}`
  report.judge = { kind: 'offline', provider: null, model: null, base_url: null, why }
  report.checks.push({ name: 'judge', status: 'ok', detail: `the offline judge (built-in, deterministic) will grade: ${why}`, fix: null })
  report.checks.push({ name: 'llm_judge', status: 'info', detail: 'to grade with an LLM judge instead', fix: fix.howToGetLlm(deps.env, explicit ? by : undefined) })
  const judge = await createJudge(config)
  const graded = await gradeCalibration(deps, config, judge)
  if (!graded.ok) throw new Error(`the offline judge failed: ${graded.reason}`)
  report.checks.push(graded.check)
  report.checks.push({ name: 'cost', status: 'info', detail: '$0: the offline judge makes no API calls', fix: null })
  return report
}

type Graded =
  | { ok: true; check: DoctorCheck; usage: { prompt_tokens: number; completion_tokens: number; cached_tokens: number } }
  | { ok: false; reason: string; latency_ms?: number }

/** Grades the strong calibration answer of one shipped question and says whether it lands in its band. */
async function gradeCalibration(deps: CliDeps, config: Config, judge: Judge): Promise<Graded> {
  const root = packageRoot()
  const { bank, issues } = await loadBank([join(root, 'rubrics'), join(root, CALIBRATION_QUESTION)], deps.cwd)
  const lq = bank.questions[0]
  const rubric = lq && bank.rubrics.get(lq.question.rubric)?.rubric
  if (!lq || !rubric) throw new Error(`the shipped calibration question did not load: ${issues[0]?.message ?? 'missing'}`)
  const q = lq.question
  const cal = q.calibration.find((c) => c.kind === 'strong' && c.lang === config.lang) ?? q.calibration.find((c) => c.kind === 'strong')!
  const out = await judge.grade({ question: { kind: 'bank', question: q }, rubric, answer: cal.answer, lang: cal.lang }, { signal: deps.signal })
  // Ctrl+C is an interruption (exit 130), not a server failing.
  if (deps.signal?.aborted) throw new InterruptedError('doctor interrupted before the calibration answer was graded')
  if (!out.ok) return { ok: false, reason: out.reason, latency_ms: out.latency_ms }
  const [lo, hi] = cal.band
  const inBand = out.overall >= lo && out.overall <= hi
  const what = `the ${cal.kind} (${cal.lang}) calibration answer to ${q.id} scored ${out.overall.toFixed(1)}`
  const mode = out.judge.output_mode ? `, ${out.judge.output_mode}` : ''
  return {
    ok: true,
    usage: out.usage,
    check: {
      name: 'calibration',
      status: inBand ? 'ok' : 'warn',
      detail: `${what}, ${inBand ? 'inside' : 'outside'} its band [${lo}, ${hi}] (${out.latency_ms} ms${mode})`,
      fix: inBand ? null : `this judge grades differently from the bank's calibration; \`mockint check --judge ${config.judge === 'offline' ? 'offline' : 'openai'}\` shows how far, over every question`,
      latency_ms: out.latency_ms,
    },
  }
}

/** Estimated cost of 1,000 answers like the calibration one, when the model's price is known. */
function costCheck(config: Config, preset: ProviderPreset, baseUrl: string, model: string, usage: { prompt_tokens: number; completion_tokens: number; cached_tokens: number }): DoctorCheck {
  if (fix.isLocal(preset, baseUrl)) return { name: 'cost', status: 'info', detail: 'no API cost: a server on this machine', fix: null }
  const est = estimateCost(usage, model, { ...DEFAULT_PRICES, ...config.file.prices })
  if (est.usd === null) return { name: 'cost', status: 'info', detail: `unknown: ${est.note ?? 'no price'}`, fix: null }
  const per1k = est.usd * 1000
  return {
    name: 'cost',
    status: 'info',
    detail: `about $${per1k < 10 ? per1k.toFixed(2) : per1k.toFixed(0)} per 1,000 answers at ${model}'s list price (this answer: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens; --batch-api halves it)`,
    fix: null,
  }
}

/** A request failure during the output-mode probe, as a check. */
function failureCheck(f: RequestFailure, c: { url: string; model: string; preset: ProviderPreset; config: Config; baseUrl: string; redact(s: string): string }): { detail: string; fix: string; code: 2 | 3 } {
  const msg = c.redact(f.message)
  switch (f.cause) {
    case 'unreachable':
      return { detail: `nothing answers at ${c.url} (${msg})`, fix: fix.startServer(c.preset, c.config, c.url), code: 2 }
    case 'auth':
      return { detail: `${c.url} refused the key (${f.status}): ${msg}`, fix: fix.badKey(c.config, c.preset, c.baseUrl), code: 2 }
    case 'not_found':
      return { detail: `${c.url} has no model "${c.model}" (404): ${msg}`, fix: fix.missingModel(c.preset, c.model, []), code: 2 }
    case 'quota':
      return { detail: `out of quota (429): ${msg}`, fix: "check the account's billing and limits", code: 3 }
    case 'rate_limit':
      return { detail: `rate limited (429): ${msg}`, fix: 'wait a minute and run `mockint doctor` again', code: 3 }
    case 'timeout':
      return { detail: `${c.url} did not answer a tiny request: ${msg}`, fix: fix.slowServer(c.url), code: 3 }
    case 'rejected':
      return { detail: `${c.url} rejected the request${f.status ? ` (${f.status})` : ''}: ${msg}`, fix: fix.rejected(c.config, c.baseUrl), code: 3 }
    default:
      return { detail: `${c.url} failed${f.status ? ` (${f.status})` : ''}: ${msg}`, fix: fix.serverError(c.url), code: 3 }
  }
}

/** Why this LLM judge: what in the flags, environment or config chose it. */
function whyLlm(config: Config, preset: ProviderPreset): string {
  const found = config.discovery?.found
  if (found) {
    const m = { configured: 'the configured model is listed there', first: 'the first model it lists', 'configured-missing': `${found.configuredModel} is not listed there, so the first it lists` }[found.modelWhy]
    return `nothing configured, found on local port ${found.port} (${m}); --judge offline turns this off`
  }
  const from = (field: string, flag: string, env: string, file: string) =>
    ({ flag, env, file: `${file} in the config file` })[config.sources[field] as 'flag' | 'env' | 'file'] as string | undefined
  const parts = [
    config.judge === 'openai' ? `--judge openai (${from('judge', '--judge', 'MOCKINT_JUDGE', 'judge') ?? 'set'})` : undefined,
    config.provider ? `provider ${preset.id} from ${from('provider', '--provider', 'MOCKINT_PROVIDER', 'provider')}` : undefined,
    config.baseUrl ? `base URL from ${from('baseUrl', '--base-url', 'OPENAI_BASE_URL', 'base_url')}` : undefined,
    config.apiKeySource ? `key from ${config.apiKeySource}` : preset.needsKey ? undefined : 'no key needed',
  ].filter(Boolean)
  return parts.join(', ') || 'configured'
}

function shortList(models: readonly string[]): string {
  const shown = models.slice(0, 12).join(', ')
  return models.length > 12 ? `${shown} (+${models.length - 12} more)` : shown
}

