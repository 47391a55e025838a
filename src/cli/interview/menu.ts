import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Bank } from '../../core/bank/load.js'
import { DIFFICULTIES } from '../../core/bank/schema.js'
import type { Lang } from '../../core/i18n.js'
import type { CliDeps } from '../deps.js'
import { cliMessages } from '../messages/index.js'

/** Choices remembered from the menu, in `$MOCKINT_HOME/last-choices.json`. */
export interface LastChoices {
  categories?: string[]
  difficulty?: string | null
  count?: number
  lang?: Lang
  judge?: string
}

/** The choices made last time, or none when the file is missing or unreadable. */
export function readLastChoices(home: string): LastChoices {
  try {
    return JSON.parse(readFileSync(join(home, 'last-choices.json'), 'utf8')) as LastChoices
  } catch {
    return {}
  }
}

/** Remembers the choices for next time; a failure to write is ignored. */
export function writeLastChoices(home: string, c: LastChoices): void {
  try {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'last-choices.json'), JSON.stringify(c, null, 2) + '\n')
  } catch {
    // Remembering is a convenience; never fail the interview over it.
  }
}

/** The short setup menu shown when `mockint interview` runs in a terminal without flags. */
export async function runMenu(deps: CliDeps, bank: Bank, home: string, defaults: { lang: Lang; judge: string }): Promise<LastChoices> {
  const { checkbox, select, number } = await import('@inquirer/prompts')
  const t = cliMessages(defaults.lang).app.menu
  const last = readLastChoices(home)
  const io = { input: deps.stdin as NodeJS.ReadableStream, output: deps.stdout as unknown as NodeJS.WritableStream }
  const counts = new Map<string, number>()
  for (const q of bank.questions) counts.set(q.question.category, (counts.get(q.question.category) ?? 0) + 1)
  const cats = [...counts.keys()].sort()
  const categories = await checkbox(
    {
      message: t.categories,
      choices: cats.map((c) => ({ name: `${c} (${counts.get(c)})`, value: c, checked: last.categories?.includes(c) ?? false })),
      pageSize: Math.min(12, cats.length),
    },
    io,
  )
  const difficulty = await select<string | null>(
    {
      message: t.difficulty,
      choices: [{ name: t.anyDifficulty, value: null }, ...DIFFICULTIES.map((d) => ({ name: d, value: d }))],
      default: last.difficulty ?? null,
    },
    io,
  )
  const count = await number({ message: t.count, default: last.count ?? 5, min: 1, max: 50, required: true }, io)
  const lang = await select(
    { message: t.language, choices: [{ name: 'English', value: 'en' as Lang }, { name: '中文', value: 'zh' as Lang }], default: last.lang ?? defaults.lang },
    io,
  )
  const judge = await select(
    {
      message: t.judge,
      choices: [
        { name: t.judgeAuto, value: 'auto' },
        { name: t.judgeOffline, value: 'offline' },
        { name: t.judgeOpenai, value: 'openai' },
      ],
      default: last.judge ?? defaults.judge,
    },
    io,
  )
  const chosen: LastChoices = { categories, difficulty, count: count ?? 5, lang, judge }
  writeLastChoices(home, chosen)
  return chosen
}
