import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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

  it('only the CLI process entry (cli/main.ts) sets V8 flags: run(), which tests and library use call, never does', () => {
    const offenders = files('src')
      .filter((f) => /setFlagsFromString|v8\.setFlags/.test(readFileSync(f, 'utf8')))
      .map((f) => f.split('\\').join('/'))
    expect(offenders).toEqual(['src/cli/main.ts'])
    // main.ts is only ever the process entry: nothing imports it.
    const importers = files('src').filter((f) => /from ['"][./]*(cli\/)?main\.js['"]|import\(['"][./]*(cli\/)?main\.js['"]\)/.test(readFileSync(f, 'utf8')))
    expect(importers).toEqual([])
  })
})
