import type { SessionEvent } from './events.js'

/**
 * Drafts waiting to be finished, by step key: what was typed in the box of a step left without
 * submitting (Ctrl+C or `/quit`, both recorded as an `interrupted` line with its `draft`), for steps
 * not answered or skipped since. The latest non-empty draft of a step wins. Pure.
 */
export function pendingDrafts(events: readonly SessionEvent[]): Map<string, string> {
  const drafts = new Map<string, string>()
  const done = new Set<string>()
  for (const e of events) {
    if (e.type === 'interrupted' && e.key && e.draft) drafts.set(e.key, e.draft)
    else if (e.type === 'answer' || e.type === 'skip') done.add(e.key)
  }
  for (const key of done) drafts.delete(key)
  return drafts
}
