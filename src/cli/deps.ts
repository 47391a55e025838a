/** What a command needs from the outside world. `main.ts` builds it from `process`; tests build their own. */
export interface OutStream {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface CliDeps {
  stdout: OutStream
  stderr: OutStream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown }
  env: Record<string, string | undefined>
  cwd: string
  homeDir: string
  /** Aborted on the first Ctrl+C (main.ts wires SIGINT). */
  signal?: AbortSignal
  /** Milliseconds clock; tests may replace it. */
  now?: () => number
}

export const EXIT = {
  ok: 0,
  content: 1,
  usage: 2,
  judge: 3,
  internal: 4,
  interrupted: 130,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
