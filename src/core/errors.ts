/**
 * The small error hierarchy of mockint. Expected failures (bad input, missing configuration, the machine,
 * an interruption) are one of these; anything else is a bug. A judge that could not grade is not an error but
 * an outcome (`JudgeFailure`), and a content gate is an exit code. The cli maps `kind` to an exit code with an
 * exhaustive record, so a new kind without a code does not compile.
 */
export type ErrorKind = 'input' | 'config' | 'environment' | 'interrupted'

export abstract class MockintError extends Error {
  abstract readonly kind: ErrorKind
}

/** Bad input given by the user: an unreadable or invalid file, a bad flag value. Exit 2. */
export class InputError extends MockintError {
  readonly kind = 'input' as const
  constructor(
    message: string,
    readonly where?: { file: string; line?: number; column?: number },
  ) {
    super(message)
    this.name = 'InputError'
  }
}

/** Missing or contradictory configuration (no key for the chosen judge, unknown provider). Exit 2. */
export class ConfigError extends MockintError {
  readonly kind = 'config' as const
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/**
 * The machine, not the input, stopped the run: the disk is full, a file is not writable, another run holds
 * the results file. Nothing mockint can fix; the message says what happened and what to do. Exit 2.
 */
export class EnvironmentError extends MockintError {
  readonly kind = 'environment' as const
  constructor(
    message: string,
    readonly where?: { file: string; line?: number; column?: number },
  ) {
    super(message)
    this.name = 'EnvironmentError'
  }
}

/** The user interrupted (Ctrl+C); what was given is saved. Exit 130. */
export class InterruptedError extends MockintError {
  readonly kind = 'interrupted' as const
  constructor(message = 'interrupted') {
    super(message)
    this.name = 'InterruptedError'
  }
}

/** Formats a location as `file:line:column` (line and column when known). */
export function formatWhere(where: { file: string; line?: number; column?: number }): string {
  let s = where.file
  if (where.line !== undefined) s += `:${where.line}`
  if (where.line !== undefined && where.column !== undefined) s += `:${where.column}`
  return s
}
