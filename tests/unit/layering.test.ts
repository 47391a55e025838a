import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
}

describe('layering (STYLE.md §1): cli → core ← providers', () => {
  it('core imports no terminal, CLI or SDK module and touches no console or process', () => {
    const forbidden = /from ['"](chalk|ora|@inquirer\/[^'"]+|commander|openai(\/[^'"]*)?)['"]|import\(['"](chalk|ora|@inquirer|commander|openai)/
    const offenders: string[] = []
    for (const f of files('src/core')) {
      const text = readFileSync(f, 'utf8')
      if (forbidden.test(text)) offenders.push(`${f}: forbidden import`)
      if (/\bconsole\.(log|error|warn|info)\(/.test(text)) offenders.push(`${f}: console`)
      if (/\bprocess\.(env|exit|stdout|stderr|stdin|argv|cwd|on)\b/.test(text)) offenders.push(`${f}: process.*`)
      if (/from ['"]\.\.\/(\.\.\/)*(cli|providers)\//.test(text)) offenders.push(`${f}: imports cli or providers`)
    }
    expect(offenders).toEqual([])
  })

  it('providers do not import the cli', () => {
    const offenders = files('src/providers').filter((f) => /from ['"](\.\.\/)+cli\//.test(readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })

  it('no source file sets V8 flags (issue 15: grading keeps its memory down by allocating less), and nothing imports the process entry', () => {
    const offenders = files('src')
      .filter((f) => /setFlagsFromString|v8\.setFlags/.test(readFileSync(f, 'utf8')))
      .map((f) => f.split('\\').join('/'))
    expect(offenders).toEqual([])
    // main.ts is only ever the process entry: nothing imports it.
    const importers = files('src').filter((f) => /from ['"][./]*(cli\/)?main\.js['"]|import\(['"][./]*(cli\/)?main\.js['"]\)/.test(readFileSync(f, 'utf8')))
    expect(importers).toEqual([])
  })
})

/** Relative imports of a file (static `from`, type-only and dynamic `import()`), as paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import\()\s*['"](\.[^'"]+)\.js['"]/g)].map((m) => relative('.', resolve(dirname(file), `${m[1]}.ts`)).split('\\').join('/'))
}

describe('the cli layer (issue 13)', () => {
  const norm = (f: string) => f.split('\\').join('/')

  it('a command never imports another command (only commands/index.ts loads them)', () => {
    const offenders: string[] = []
    for (const f of files('src/cli/commands').map(norm)) {
      if (f.endsWith('/index.ts')) continue
      for (const d of importsOf(f)) if (d.startsWith('src/cli/commands/')) offenders.push(`${f} → ${d}`)
    }
    expect(offenders).toEqual([])
  })

  it('ui/ draws and reads the terminal: it never imports commands, the composition root or a controller', () => {
    const offenders: string[] = []
    for (const f of files('src/cli/ui').map(norm))
      for (const d of importsOf(f))
        if (d.startsWith('src/cli/commands/') || d === 'src/cli/run.ts' || d === 'src/cli/interview-app.ts' || d.startsWith('src/cli/interview/') || d === 'src/cli/check-calibrate.ts') offenders.push(`${f} → ${d}`)
    expect(offenders).toEqual([])
  })

  it('only the process entry imports the composition root (cli/run.ts)', () => {
    const importers = files('src').map(norm).filter((f) => importsOf(f).includes('src/cli/run.ts'))
    expect(importers).toEqual(['src/cli/main.ts'])
  })

  it('no import cycle among src/ files (type-only and dynamic imports included)', () => {
    const all = files('src').map(norm)
    const graph = new Map(all.map((f) => [f, importsOf(f).filter((d) => all.includes(d))]))
    const cycles: string[] = []
    const state = new Map<string, 1 | 2>()
    const stack: string[] = []
    const visit = (n: string) => {
      state.set(n, 1)
      stack.push(n)
      for (const d of graph.get(n) ?? []) {
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '))
        else if (!state.has(d)) visit(d)
      }
      stack.pop()
      state.set(n, 2)
    }
    for (const f of all) if (!state.has(f)) visit(f)
    expect(cycles).toEqual([])
  })
})
