import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { OUTPUT_MODES, type OutputMode } from './presets.js'

export interface ModeStore {
  get(baseUrl: string, model: string): Promise<OutputMode | undefined>
  set(baseUrl: string, model: string, mode: OutputMode): Promise<void>
}

const MAX_AGE_MS = 30 * 24 * 3600 * 1000

interface ModeFile {
  [key: string]: { mode: OutputMode; updated: string }
}

/**
 * Remembers, per (base URL, model), which structured-output mode a server accepted, in
 * `$MOCKINT_HOME/judge-modes.json`, so the next run starts there instead of paying for the rejected ones.
 * Entries older than 30 days are ignored (servers get upgraded). A missing or unreadable file is an empty memory (it is a cache); writes are atomic (temp + rename) and
 * serialised within the process. Without a home, memory lasts for the process only.
 */
export function createModeStore(home: string | undefined): ModeStore {
  const file = home ? join(home, 'judge-modes.json') : undefined
  let loading: Promise<ModeFile> | undefined
  let writing: Promise<void> = Promise.resolve()

  // Read once; every caller, the first grades of a run included, waits for the same read.
  const load = (): Promise<ModeFile> => (loading ??= read())

  async function read(): Promise<ModeFile> {
    const cache: ModeFile = {}
    if (!file) return cache
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
          const mode = (v as { mode?: unknown } | null)?.mode
          if (typeof mode === 'string' && (OUTPUT_MODES as readonly string[]).includes(mode))
            cache[k] = { mode: mode as OutputMode, updated: String((v as { updated?: unknown }).updated ?? '') }
        }
    } catch {
      // No file yet, or a broken one: start over; it is only a cache.
    }
    return cache
  }

  // Asked once per grade: the answer is kept per key (with the entry's age limit) until `set` changes it.
  const known = new Map<string, { mode: OutputMode; until: number } | undefined>()

  return {
    async get(baseUrl, model) {
      const k = key(baseUrl, model)
      let hit = known.get(k)
      if (hit === undefined && !known.has(k)) {
        const entry = (await load())[k]
        // Servers get upgraded: after a month, probe the better modes again.
        hit = entry ? { mode: entry.mode, until: Date.parse(entry.updated) + MAX_AGE_MS } : undefined
        known.set(k, hit)
      }
      return hit && Date.now() < hit.until ? hit.mode : undefined
    },
    async set(baseUrl, model, mode) {
      const data = await load()
      const k = key(baseUrl, model)
      known.delete(k)
      if (data[k]?.mode === mode) return
      data[k] = { mode, updated: new Date().toISOString() }
      if (!file) return
      const snapshot = JSON.stringify(data, null, 2) + '\n'
      writing = writing.then(async () => {
        try {
          await mkdir(dirname(file), { recursive: true })
          const tmp = `${file}.${process.pid}.tmp`
          await writeFile(tmp, snapshot)
          await rename(tmp, file)
        } catch {
          // Failing to remember costs a rejected request next run, never a grade.
        }
      })
      await writing
    },
  }
}

function key(baseUrl: string, model: string): string {
  return `${baseUrl.replace(/\/+$/, '')} ${model}`
}
