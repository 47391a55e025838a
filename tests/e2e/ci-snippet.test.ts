import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.js'
import { spawnAsync, type SpawnResult } from '../helpers/spawn.js'

/**
 * The README's GitHub Actions example, run the way a bank repository runs it: this checkout packed with
 * `npm pack`, a scratch repository holding one question, the workflow's `run:` lines executed as written.
 * Only the value of MOCKINT_PACKAGE differs: the packed tarball stands in for the pinned git commit.
 */

const SECTION = '## Gating a bank in CI (GitHub Actions)'

interface Step {
  run?: string
  env?: Record<string, string>
}
interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>
}

/** The workflow in the README's CI section (its first ```yaml block), parsed. */
function readmeWorkflow(): { text: string; workflow: Workflow } {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8')
  const at = readme.indexOf(SECTION)
  if (at < 0) throw new Error(`README.md has no "${SECTION}" section`)
  const block = /```yaml\n([\s\S]*?)\n```/.exec(readme.slice(at))
  if (!block) throw new Error(`README.md: no \`\`\`yaml block under "${SECTION}"`)
  return { text: block[1]!, workflow: parse(block[1]!) as Workflow }
}

/** Why npm cannot be used here, or null. Under CI=true there is no skipping: a missing npm fails. */
async function npmSkipReason(): Promise<string | null> {
  const r = await spawnAsync('npm', ['--version'], { timeoutMs: 30_000 }).catch((e: Error) => ({ code: -1, stderr: e.message }) as SpawnResult)
  if (r.code === 0) return null
  if (process.env.CI === 'true') throw new Error(`npm is required on CI for the README's CI snippet test: ${r.stderr}`)
  return `npm cannot be run here (${r.stderr.trim() || `exit ${r.code}`})`
}

const skip = await npmSkipReason()
if (skip) console.warn(`[CI snippet e2e] skipped: ${skip}`)

/** The environment of a workflow step: no mockint or npm bins of this checkout on PATH, a private home. */
function stepEnv(home: string, extra: Record<string, string>): Record<string, string | undefined> {
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(delimiter)
  return {
    PATH: path,
    MOCKINT_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    OPENAI_API_KEY: undefined,
    OPENAI_BASE_URL: undefined,
    // Dependencies come from the npm cache when it has them (the command lines stay the README's own).
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  }
}

/** Runs one `run:` line as GitHub Actions does (bash -e), in the bank repository. */
const runStep = (line: string, cwd: string, env: Record<string, string | undefined>) =>
  spawnAsync('bash', ['-e', '-c', line], { cwd, env, timeoutMs: 120_000 })

let tarball = ''
let srv: FakeOpenAI | undefined
afterAll(() => srv?.close())
beforeAll(async () => {
  if (skip) return
  srv = await startFakeOpenAI()
  if (!existsSync(join(process.cwd(), 'dist/cli/main.js'))) throw new Error('run `npm run build` before the e2e tests')
  // dist/ is built already: pack without running `prepare` again.
  const dest = tempDir('mockint-pack-')
  const r = await spawnAsync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { timeoutMs: 60_000 })
  expect(r.code, r.stderr).toBe(0)
  tarball = join(dest, (JSON.parse(r.stdout) as { filename: string }[])[0]!.filename)
}, 90_000)

describe('the README CI example', () => {
  it('installs a pinned package and runs it with npx --no, never a bare registry name', () => {
    const { text, workflow } = readmeWorkflow()
    const job = Object.values(workflow.jobs)[0]!
    // A git URL at a full commit (a placeholder to fill in fails closed), or an https tarball: never a bare name.
    expect(job.env?.MOCKINT_PACKAGE).toMatch(/^(?:git\+https:\/\/\S+\.git#(?:[0-9a-f]{40}|<full-commit-sha>)|https:\/\/\S+\.tgz)$/)
    const runs = job.steps.flatMap((s) => (s.run ? [s.run] : []))
    expect(runs[0]).toMatch(/^npm install --no-save\b.*"\$MOCKINT_PACKAGE"$/)
    for (const line of runs.slice(1)) expect(line).toMatch(/^npx --no mockint check /)
    expect(text).not.toMatch(/npx (--yes|-y) mockint|npx mockint/)
  })

  it.skipIf(!!skip)(
    'its run: lines pass on a bank repository with one valid question and fail once the question is broken',
    async () => {
      const { workflow } = readmeWorkflow()
      const job = Object.values(workflow.jobs)[0]!
      // A bank repository: one shipped question under a new id.
      const repo = tempDir('mockint-bank-repo-')
      const home = tempDir('mockint-bank-home-')
      mkdirSync(join(repo, 'questions'))
      const question = join(repo, 'questions', 'kv-cache-sizing.yaml')
      const shipped = readFileSync(join(process.cwd(), 'questions/llm-fundamentals/kv-cache.yaml'), 'utf8')
      expect(shipped).toMatch(/^id: llm-fundamentals\/kv-cache$/m)
      writeFileSync(question, shipped.replace(/^id: llm-fundamentals\/kv-cache$/m, 'id: llm-fundamentals/bank-repo-kv-cache'))

      const env = stepEnv(home, { ...job.env, MOCKINT_PACKAGE: tarball })
      const steps = job.steps.filter((s) => s.run)
      const ran: string[] = []
      const secret = 'sk-test-ci-snippet-0123456789'
      let llmRequests = 0
      for (const step of steps) {
        // The step that needs a secret (the LLM judge) runs against the loopback Chat Completions server,
        // its secret given as the workflow gives it: through the step's env.
        const needsSecret = Object.values(step.env ?? {}).some((v) => String(v).includes('secrets.'))
        const stepVars = needsSecret
          ? { ...Object.fromEntries(Object.keys(step.env!).map((k) => [k, secret])), OPENAI_BASE_URL: srv!.url }
          : {}
        const before = srv!.requests.length
        const t0 = Date.now()
        const r = await runStep(step.run!, repo, { ...env, ...stepVars })
        console.log(`[CI snippet e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s  exit ${r.code}  ${step.run}`)
        expect(r.stdout + r.stderr).not.toContain(secret)
        if (needsSecret) {
          // The fake judge's levels follow answer length, not quality, so calibration bands may miss: the
          // step must reach the judge and report, not crash (0 passed or 1 content failed).
          llmRequests = srv!.requests.length - before
          expect([0, 1], `${step.run}\n${r.stdout}\n${r.stderr}`).toContain(r.code)
          expect(srv!.requests.slice(before).every((q) => q.body?.model === 'gpt-4.1-mini')).toBe(true)
        } else expect(r.code, `${step.run}\n${r.stdout}\n${r.stderr}`).toBe(0)
        ran.push(step.run!)
      }
      expect(llmRequests).toBeGreaterThan(0)
      expect(ran.length).toBe(steps.length)
      // The installed package, not anything else, is what npx ran.
      expect(existsSync(join(repo, 'node_modules', '.bin', 'mockint'))).toBe(true)
      const checks = steps.filter((st) => st.run!.startsWith('npx ') && !st.env).map((st) => st.run!)
      expect(checks.length).toBeGreaterThan(0)
      expect(readFileSync(join(repo, 'check.xml'), 'utf8')).toContain('llm-fundamentals/bank-repo-kv-cache')

      // Broken: a difficulty the schema does not know. The same gate must now fail (1: content failed).
      writeFileSync(question, readFileSync(question, 'utf8').replace(/^difficulty: .*$/m, 'difficulty: legendary'))
      for (const line of checks) {
        const r = await runStep(line, repo, env)
        expect([1, 2], `${line}\n${r.stdout}\n${r.stderr}`).toContain(r.code)
        expect(r.stdout + r.stderr).toMatch(/kv-cache-sizing\.yaml:\d+:\d+\s+error/)
      }
    },
    240_000,
  )
})
