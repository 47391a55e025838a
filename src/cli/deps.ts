/** What a command needs from the outside world. `main.ts` builds it from `process`; tests build their own. */
export interface OutStream {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

/** This process as other processes see it: what the lock that makes one run the only writer of a file needs. */
export interface HostProcess {
  pid: number
  hostname: string
  /** Whether a process with this pid runs on this machine. */
  isAlive(pid: number): boolean
  /** Runs `fn` when the process exits, however it exits (a second Ctrl+C calls process.exit). Returns an undo. */
  onExit(fn: () => void): () => void
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
  host: HostProcess
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
