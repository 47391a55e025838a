/**
 * The setup that the loopback-server test files share: one fake Chat Completions server per file, reset
 * before each test; the environment of a machine where nothing is configured; the shipped rubric and the
 * kv-cache question; an OpenAI judge pointed at the server with a fresh home per test.
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { QuestionSchema, type Question } from '../../src/core/bank/schema.js'
import type { GradeInput } from '../../src/core/judge/types.js'
import { RubricSchema, type Rubric } from '../../src/core/rubric/schema.js'
import { createOpenAIJudge, type OpenAIJudgeOptions } from '../../src/providers/openai/index.js'
import { tempDir } from './temp.js'
import { startFakeOpenAI, type FakeOpenAI, type StartFakeOpenAIOptions } from './fake-openai-server.js'

/** One entry of a `GET /v1/models` list. */
export interface ModelEntry {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

/** The model list the fake server answers with by default. */
export const FAKE_MODELS: ModelEntry[] = [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }]

/**
 * Makes `srv` answer `GET /v1/models` with `models`, after `delayMs` (routes survive `reset()`, so set it
 * again per test).
 */
export function serveModels(srv: FakeOpenAI, models: ModelEntry[], delayMs = 0): void {
  srv.route('GET', '/v1/models', async (_req, res) => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ object: 'list', data: models }))
  })
}

/**
 * Starts a fake server before the file's tests and closes it after them; before each test it is reset and
 * its model list set back to `models`. Returns the server itself (through a proxy that is usable from
 * the first test on), so a test reads `srv.url`, `srv.chatRequests()` as usual.
 */
export function useFakeOpenAI(opts: StartFakeOpenAIOptions & { models?: ModelEntry[] } = {}): FakeOpenAI {
  let real: FakeOpenAI | undefined
  beforeAll(async () => {
    real = await startFakeOpenAI(opts)
  })
  afterAll(() => real?.close())
  beforeEach(() => {
    real!.reset()
    serveModels(real!, opts.models ?? FAKE_MODELS)
  })
  return new Proxy({} as FakeOpenAI, {
    get(_target, key) {
      if (!real) throw new Error('the fake OpenAI server starts in beforeAll: use it inside a test or hook')
      const value = Reflect.get(real, key)
      return typeof value === 'function' ? value.bind(real) : value
    },
  })
}

/**
 * The environment of a machine where nothing is configured (no key, base URL, provider, model or judge in
 * the environment; an empty data and config folder under `home`), with `extra` over it.
 */
export function unconfiguredEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OPENAI_API_KEY: undefined,
    OPENAI_BASE_URL: undefined,
    MOCKINT_PROVIDER: undefined,
    MOCKINT_MODEL: undefined,
    MOCKINT_JUDGE: undefined,
    DEEPSEEK_API_KEY: undefined,
    MOCKINT_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'cfg'),
    ...extra,
  }
}

/** The shipped rubric and the shipped `llm-fundamentals/kv-cache` question, parsed by their schemas. */
export async function loadKvCache(): Promise<{ rubric: Rubric; question: Question }> {
  const rubric = RubricSchema.parse(parse(await readFile('rubrics/llm-engineer.yaml', 'utf8')))
  const question = QuestionSchema.parse(parse(await readFile('questions/llm-fundamentals/kv-cache.yaml', 'utf8')))
  return { rubric, question }
}

export interface OpenAIJudgeFixture {
  srv: FakeOpenAI
  rubric: Rubric
  question: Question
  /** The judge's home (where it saves judge-modes.json): a fresh folder per test. */
  home: string
  /** A grade input for `answer` to the kv-cache question under the shipped rubric, in English. */
  input(answer: string, extra?: Partial<GradeInput>): GradeInput
  /** The real OpenAI judge on the fake server with `apiKey`, short retry delays, `extra` over it. */
  judge(extra?: Partial<OpenAIJudgeOptions>): ReturnType<typeof createOpenAIJudge>
}

/** The setup of the OpenAI judge's unit tests: the real SDK against the fake server over a real socket. */
export function useOpenAIJudge(apiKey: string): OpenAIJudgeFixture {
  const fx = { srv: useFakeOpenAI(), home: '' } as OpenAIJudgeFixture
  beforeAll(async () => {
    Object.assign(fx, await loadKvCache())
  })
  beforeEach(() => {
    fx.home = tempDir('mockint-judge-')
  })
  fx.input = (answer, extra = {}) => ({ question: { kind: 'bank', question: fx.question }, rubric: fx.rubric, answer, lang: 'en', ...extra })
  fx.judge = (extra = {}) =>
    createOpenAIJudge({ baseUrl: fx.srv.url, model: 'fake-model', apiKey, home: fx.home, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra })
  return fx
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
}

/** Whether `port` on 127.0.0.1 can be listened on now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}
