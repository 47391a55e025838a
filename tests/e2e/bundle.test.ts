import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs module of the benches, without types
import { bundleProblem } from '../../bench/lib/build-state.mjs'
import { parseJsonl, writeJsonl } from '../helpers/answers.js'
import { tempDir } from '../helpers/cli.js'
import { spawnAsync } from '../helpers/spawn.js'

const ROOT = process.cwd()

/** A copy of the built package in a temp folder (its dependencies linked), without the parts `drop` names. */
function installedCopy(drop: string[]): string {
  const dir = join(tempDir(), 'pkg')
  for (const part of ['bin', 'dist', 'questions', 'rubrics', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true, preserveTimestamps: true })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  for (const part of drop) rmSync(join(dir, part), { recursive: true, force: true })
  return dir
}

/** The result lines of a run's stdout, without their timing. */
function grades(stdout: string): Record<string, unknown>[] {
  return parseJsonl(stdout).map(({ latency_ms: _, ...rest }) => rest)
}

describe('the bundle bin/mockint.js runs (npm run build: dist/bundle/)', () => {
  const dir = tempDir()
  const answers = join(dir, 'answers.jsonl')
  writeJsonl(answers, [
    { id: 'b1', question_id: 'llm-fundamentals/kv-cache', answer: 'It keeps the keys and values of past tokens, so each step projects only the new token; it grows with context length, so I would page it and watch p99 latency.' },
    { id: 'f1', question: 'What is a KV cache?', reference: 'Keys and values of past tokens, kept.', answer: 'It keeps past keys and values.' },
  ])
  const env = (home: string) => ({ MOCKINT_HOME: home, OPENAI_API_KEY: '' })

  it('is current: built from the compiled modules as they are', () => {
    expect(existsSync(join(ROOT, 'dist/bundle/main.js'))).toBe(true)
    expect(bundleProblem(ROOT)).toBeNull()
  })

  it('grades exactly as the unbundled modules do, from a copy of the package without dist/cli/', async () => {
    // Without dist/cli/ the copy can only run the bundle: its package root, its shipped bank and the fingerprint
    // of the validated documents must all be found from dist/bundle/.
    const pkg = installedCopy(['dist/cli'])
    const home = join(dir, 'home-bundle')
    const bundled = await spawnAsync(process.execPath, [join(pkg, 'bin/mockint.js'), 'grade', answers, '--judge', 'offline'], { env: env(home) })
    expect(bundled.code, bundled.stderr).toBe(0)
    // The build's validated documents matched: nothing was validated again into the home.
    expect(existsSync(join(home, 'cache', 'bank-valid'))).toBe(false)
    const plain = await spawnAsync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'grade', answers, '--judge', 'offline'], { env: env(join(dir, 'home-plain')) })
    expect(plain.code, plain.stderr).toBe(0)
    expect(grades(bundled.stdout)).toEqual(grades(plain.stdout))
    expect(grades(bundled.stdout).map((r) => r.status)).toEqual(['graded', 'graded'])
    const version = await spawnAsync(process.execPath, [join(pkg, 'bin/mockint.js'), '--version'])
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  })

  it('bin/mockint.js falls back to dist/cli/ when there is no bundle, and the benches say so', async () => {
    const pkg = installedCopy(['dist/bundle'])
    expect(bundleProblem(pkg)).toMatch(/dist\/bundle\/ is missing/)
    const r = await spawnAsync(process.execPath, [join(pkg, 'bin/mockint.js'), 'grade', answers, '--judge', 'offline'], { env: env(join(dir, 'home-fallback')) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(2)
  })

  it('a compiled module newer than the bundle (a build by plain tsc) makes it stale for the benches', () => {
    const pkg = installedCopy([])
    expect(bundleProblem(pkg)).toBeNull()
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(pkg, 'dist/core/lang.js'), later, later)
    expect(bundleProblem(pkg)).toMatch(/older than 1 compiled module\(s\) \(dist\/core\/lang\.js\)/)
  })
})
