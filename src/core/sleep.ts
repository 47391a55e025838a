/**
 * Waits `ms` milliseconds, or less: resolves at once when `signal` is (or becomes) aborted, so a
 * cancelled run never waits out a backoff. Never rejects; callers check `signal.aborted` themselves.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
