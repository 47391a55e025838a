/**
 * The median of a non-empty list: the middle value, or the mean of the two middle values for an even
 * count. Not rounded (callers round as their output needs). Throws RangeError for an empty list.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list')
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** `n` rounded to one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10
}
