import { sleep } from '../sleep.js'

/** Time as the limiter and the batch grader see it; tests pass a fake. */
export interface Timer {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep,
}

export interface LimiterState {
  limit: number
  max: number
  inFlight: number
  pausedUntil: number
}

/**
 * An adaptive concurrency limiter (AIMD). It starts at `max`; a rate-limit signal (`throttle`) halves the
 * limit and pauses new starts until the server's Retry-After has passed; every `limit` successes in a row
 * raise the limit by one again, up to `max`. Calls already running are never cancelled.
 */
export class AdaptiveLimiter {
  private limit: number
  private inFlight = 0
  private pausedUntil = 0
  private streak = 0
  private lastDecrease = -Infinity
  private waiters: Array<() => void> = []
  private wakeTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    readonly max: number,
    private readonly timer: Timer = realTimer,
    private readonly onChange?: (state: LimiterState, reason: string) => void,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('max concurrency must be a positive integer')
    this.limit = max
  }

  state(): LimiterState {
    return { limit: this.limit, max: this.max, inFlight: this.inFlight, pausedUntil: this.pausedUntil }
  }

  /**
   * A slot now, without waiting, when one is free: its release function (release it exactly once); else
   * undefined (then wait in {@link acquire}). Spares a fast judge a promise and a turn per call.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.waiters.length > 0 || !this.canStart()) return undefined
    return this.take()
  }

  /** Waits for a slot. Resolves at once when aborted (the caller checks its signal). Release it exactly once. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (!this.canStart()) {
      if (signal?.aborted) break
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake)
          resolve()
        }
        this.waiters.push(wake)
        signal?.addEventListener('abort', wake, { once: true })
        this.scheduleWake()
      })
    }
    return this.take()
  }

  private take(): () => void {
    this.inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight--
      this.wakeAll()
    }
  }

  /** A call succeeded: after `limit` successes in a row, allow one more at once. */
  success(): void {
    if (this.limit >= this.max) return
    this.streak++
    if (this.streak >= this.limit) {
      this.streak = 0
      this.limit++
      this.onChange?.(this.state(), 'recovering')
      this.wakeAll()
    }
  }

  /**
   * The server said "too many requests": halve the limit and pause new starts for `retryAfterMs` (default
   * 1 s). Like TCP, the limit is halved at most once per round trip: a 429 for a call that started before
   * the last decrease says nothing new and only extends the pause.
   */
  throttle(retryAfterMs?: number, startedAt?: number): void {
    const now = this.timer.now()
    this.streak = 0
    // Without a start time (a retry inside the judge), at most once per pause window.
    const fresh = startedAt === undefined ? now >= this.pausedUntil : startedAt >= this.lastDecrease
    if (fresh) {
      this.limit = Math.max(1, Math.floor(this.limit / 2))
      this.lastDecrease = now
    }
    const pause = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : 1000
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(pause, 5 * 60_000))
    this.onChange?.(this.state(), 'rate limited')
  }

  private canStart(): boolean {
    return this.inFlight < this.limit && this.timer.now() >= this.pausedUntil
  }

  private wakeAll(): void {
    const ws = this.waiters
    this.waiters = []
    for (const w of ws) w()
  }

  private scheduleWake(): void {
    const wait = this.pausedUntil - this.timer.now()
    if (wait <= 0 || this.wakeTimer) return
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined
      this.wakeAll()
    }, wait)
  }
}
