import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const made: string[] = []
// Every test file that uses tempDir removes its folders when it ends (a test that made one unreadable or
// read-only gets it back first); MOCKINT_KEEP_TMP=1 keeps them for a post-mortem.
afterAll(() => {
  if (process.env.MOCKINT_KEEP_TMP) return
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true })
    } catch {
      try {
        chmodSync(dir, 0o700)
        rmSync(dir, { recursive: true, force: true })
      } catch {
        // a folder a test locked harder (chattr, a mount) is left to the OS's temp cleaning
      }
    }
  }
})

/** A fresh temp folder (for MOCKINT_HOME, XDG folders, output files), removed when the test file ends. */
export function tempDir(prefix = 'mockint-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
