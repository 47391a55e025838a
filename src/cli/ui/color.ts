import { Chalk, type ChalkInstance } from 'chalk'

/**
 * Colour for one output stream: `FORCE_COLOR` (not `0`) forces it, `NO_COLOR` (any value) turns it off,
 * otherwise only a terminal gets colour.
 */
export function createColors(env: Record<string, string | undefined>, stream: { isTTY?: boolean }): ChalkInstance {
  const force = env.FORCE_COLOR
  let level: 0 | 1 | 2 | 3
  if (force !== undefined && force !== '0' && force !== 'false') level = force === '2' ? 2 : force === '3' ? 3 : 1
  else if (force === '0' || force === 'false') level = 0
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0
  else level = stream.isTTY ? 1 : 0
  return new Chalk({ level })
}
