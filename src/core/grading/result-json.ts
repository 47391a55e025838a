import type { ResultRecord } from './result.js'

/**
 * The UTF-8 of JSON strings already written: field names, and the string values of results (question ids,
 * the key points of `missing` lists, feedback, flags, provenance), which are the same few hundred strings
 * in line after line. Escaping and encoding them again took most of the time a result took to write.
 * Emptied when full, so a run whose strings never repeat (an LLM's own words) holds at most this many.
 */
const MAX_ENCODED = 4096
const encodedStrings = new Map<string, Buffer>()

function encoded(s: string): Buffer {
  let e = encodedStrings.get(s)
  if (e === undefined) {
    e = Buffer.from(JSON.stringify(s))
    if (encodedStrings.size >= MAX_ENCODED) encodedStrings.clear()
    encodedStrings.set(s, e)
  }
  return e
}

/** `"name":` as UTF-8, by name. Field names are few (those of a result and its parts). */
const encodedNames = new Map<string, Buffer>()

function encodedName(name: string): Buffer {
  let e = encodedNames.get(name)
  if (e === undefined) {
    e = Buffer.from(JSON.stringify(name) + ':')
    if (encodedNames.size >= MAX_ENCODED) encodedNames.clear()
    encodedNames.set(name, e)
  }
  return e
}

/** The digits of the small whole numbers results are full of (levels, token counts, latencies). */
const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => Buffer.from(String(i)))
const NULL = Buffer.from('null')
const TRUE = Buffer.from('true')
const FALSE = Buffer.from('false')
const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_LIST, CLOSE_LIST, COMMA, NEWLINE] = [0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x0a]

/** A group larger than this (a result with a huge field) is not kept as the buffer of the next. */
const MAX_KEPT_BUFFER = 4 << 20

/** A value {@link createResultLines} writes itself; anything else (a toJSON, a class) sends the line to JSON.stringify. */
class Unplain extends Error {}
const UNPLAIN = new Unplain()

/**
 * Results lines as UTF-8, `JSON.stringify(result) + "\n"` byte for byte, appended to a buffer kept from one
 * group of lines to the next. Fields are written in the record's own order, undefined ones left out, straight
 * into the buffer: names and repeated strings copied from {@link encodedStrings}, numbers and constants
 * without a string made for them. Only a result's `id` (unique to it) is escaped and encoded each time.
 * A value that is not plain data (a class instance, a toJSON) makes that line `JSON.stringify(result)`.
 */
export function createResultLines(): { add(result: ResultRecord): void; take(): Buffer } {
  let buffer = Buffer.allocUnsafe(1 << 16)
  let length = 0
  const room = (n: number) => {
    if (length + n <= buffer.length) return
    const bigger = Buffer.allocUnsafe(Math.max(length + n, buffer.length * 2))
    buffer.copy(bigger, 0, 0, length)
    buffer = bigger
  }
  const bytes = (b: Buffer) => {
    room(b.length)
    buffer.set(b, length)
    length += b.length
  }
  const byte = (b: number) => {
    room(1)
    buffer[length++] = b
  }
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const text = (s: string) => {
    room(s.length * 3)
    length += buffer.write(s, length, 'utf8')
  }
  const number = (n: number) => {
    if (Number.isInteger(n) && n >= 0 && n < SMALL_INTS.length) bytes(SMALL_INTS[n]!)
    else if (Number.isFinite(n)) text(String(n))
    else bytes(NULL)
  }
  const value = (v: unknown): void => {
    if (typeof v === 'string') return bytes(encoded(v))
    if (typeof v === 'number') return number(v)
    if (v === null) return bytes(NULL)
    if (typeof v === 'boolean') return bytes(v ? TRUE : FALSE)
    if (typeof v !== 'object') throw UNPLAIN
    if (Array.isArray(v)) {
      byte(OPEN_LIST)
      for (let i = 0; i < v.length; i++) {
        if (i > 0) byte(COMMA)
        const item: unknown = v[i]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') bytes(NULL)
        else value(item)
      }
      return byte(CLOSE_LIST)
    }
    object(v as Record<string, unknown>)
  }
  const object = (o: Record<string, unknown>, top = false) => {
    const proto: unknown = Object.getPrototypeOf(o)
    if ((proto !== Object.prototype && proto !== null) || typeof o.toJSON === 'function') throw UNPLAIN
    byte(OPEN_OBJECT)
    let first = true
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue
      const v = o[key]
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
      if (!first) byte(COMMA)
      first = false
      bytes(encodedName(key))
      // The id is the one string no other line repeats: not worth keeping.
      if (top && key === 'id' && typeof v === 'string') text(JSON.stringify(v))
      else value(v)
    }
    byte(CLOSE_OBJECT)
  }
  return {
    add(result) {
      const start = length
      try {
        object(result as unknown as Record<string, unknown>, true)
      } catch (e) {
        if (e !== UNPLAIN) throw e
        length = start
        text(JSON.stringify(result))
      }
      byte(NEWLINE)
    },
    /** The bytes added since the last call; they stay valid until the next `add`. */
    take() {
      const taken = buffer.subarray(0, length)
      length = 0
      if (buffer.length > MAX_KEPT_BUFFER) buffer = Buffer.allocUnsafe(1 << 16)
      return taken
    },
  }
}

/** One results line: `JSON.stringify(result) + "\n"`, byte for byte (see {@link createResultLines}). */
export function resultLine(result: ResultRecord): string {
  single.add(result)
  return single.take().toString('utf8')
}

const single = createResultLines()
