import { hostname } from 'node:os'
import type { HostProcess } from './deps.js'

/** The running Node process as a HostProcess. */
export function nodeHost(): HostProcess {
  return {
    pid: process.pid,
    hostname: hostname(),
    isAlive(pid) {
      try {
        // Signal 0 checks that the process exists without touching it.
        process.kill(pid, 0)
        return true
      } catch (e) {
        // EPERM: it exists but belongs to another user.
        return (e as NodeJS.ErrnoException).code === 'EPERM'
      }
    },
    onExit(fn) {
      process.on('exit', fn)
      return () => void process.off('exit', fn)
    },
  }
}
