/**
 * A cheap necessary condition for a regular expression to match a text: {@link requiredLiterals} reads a
 * pattern's source and derives a set of literal strings such that every match of the pattern contains at
 * least one of them (`/\b(?:because|due to)\b|因为/` → `because`, `due to`, `因为`). A text that holds none
 * of them cannot match, so the pattern need not scan it. {@link TextGrams} records which characters, pairs and
 * triples of adjacent characters a text holds, in one pass for many patterns, and a {@link LiteralScreen} looks
 * for a literal only when the text holds all its grams: most patterns are ruled out by a few bit tests.
 */

/** The most strings an exact set (all the strings a part of a pattern can match) may hold before it is dropped. */
const MAX_EXACT = 64

/** What a part of a pattern can match: its strings when few, and literals one of which every match holds. */
interface Info {
  /** Every string the part can match, or null when unknown or too many. */
  exact: string[] | null
  /** Strings one of which every match contains, or null when no such set is known. */
  req: string[] | null
}

const DIGITS = [...'0123456789']
const ANY: Info = { exact: null, req: null }
const EMPTY: Info = { exact: [''], req: null }

/** Which of two literal sets screens better: the longer shortest string, then the fewer strings. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null || a.includes('')) return b === null || b.includes('') ? null : b
  if (b === null || b.includes('')) return a
  const la = Math.min(...a.map((s) => s.length))
  const lb = Math.min(...b.map((s) => s.length))
  if (la !== lb) return la > lb ? a : b
  return b.length < a.length ? b : a
}

function info(exact: string[] | null, req: string[] | null): Info {
  const set = exact === null ? null : [...new Set(exact)]
  return { exact: set, req: better(req, set) }
}

function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null
  const out: string[] = []
  for (const x of a) for (const y of b) out.push(x + y)
  return out
}

/** Reads a pattern's source (the subset of syntax JavaScript allows) into {@link Info}. */
class Reader {
  private i = 0
  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
  ) {}

  read(): Info {
    const out = this.disjunction()
    if (this.i < this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i}`)
    return out
  }

  private peek(): string | undefined {
    return this.src[this.i]
  }

  private disjunction(): Info {
    const alternatives = [this.alternative()]
    while (this.peek() === '|') {
      this.i++
      alternatives.push(this.alternative())
    }
    if (alternatives.length === 1) return alternatives[0]!
    let exact: string[] | null = []
    let req: string[] | null = []
    for (const a of alternatives) {
      exact = exact !== null && a.exact !== null && exact.length + a.exact.length <= MAX_EXACT ? [...exact, ...a.exact] : null
      req = req !== null && a.req !== null ? [...req, ...a.req] : null
    }
    return info(exact, req)
  }

  private alternative(): Info {
    // Runs of parts whose exact sets are known are multiplied out; each run and each part's own literals
    // are candidates, and the best candidate is the sequence's literals.
    let run: string[] = ['']
    let whole = true
    let best: string[] | null = null
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const part = this.term()
      const next = part.exact === null ? null : cross(run, part.exact)
      if (next !== null) {
        run = next
        continue
      }
      whole = false
      best = better(best, run)
      best = better(best, part.req)
      run = part.exact ?? ['']
    }
    best = better(best, run)
    return info(whole ? run : null, best)
  }

  private term(): Info {
    const atom = this.atom()
    const c = this.peek()
    let min: number
    let max: number
    if (c === '*') [min, max] = [0, Infinity]
    else if (c === '+') [min, max] = [1, Infinity]
    else if (c === '?') [min, max] = [0, 1]
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i))
      if (!m) return atom
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
      this.i += m[0].length - 1
    } else return atom
    this.i++
    if (this.peek() === '?') this.i++
    if (atom.exact?.length === 1 && atom.exact[0] === '') return EMPTY
    if (min === 0) return max === 1 && atom.exact !== null ? info(['', ...atom.exact], null) : ANY
    let exact: string[] | null = null
    if (min === max && atom.exact !== null) {
      exact = ['']
      for (let k = 0; k < min && exact !== null; k++) exact = cross(exact, atom.exact)
    }
    return info(exact, atom.req)
  }

  private atom(): Info {
    const c = this.src[this.i++]
    switch (c) {
      case '^':
      case '$':
        return EMPTY
      case '.':
        return ANY
      case '[':
        return this.charClass()
      case '(':
        return this.group()
      case '\\':
        return this.escape()
      case undefined:
        throw new Error('unexpected end')
      default:
        return this.char(c)
    }
  }

  /** One literal character; with the `u` flag an astral character is one (both of its units together). */
  private char(c: string): Info {
    const code = c.charCodeAt(0)
    if (this.unicode && code >= 0xd800 && code <= 0xdbff) {
      const low = this.src.charCodeAt(this.i)
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.i++
        return info([c + String.fromCharCode(low)], null)
      }
    }
    return info([c], null)
  }

  private group(): Info {
    let zeroWidth = false
    if (this.src.startsWith('?:', this.i)) this.i += 2
    else if (this.src.startsWith('?=', this.i) || this.src.startsWith('?!', this.i)) {
      this.i += 2
      zeroWidth = true
    } else if (this.src.startsWith('?<=', this.i) || this.src.startsWith('?<!', this.i)) {
      this.i += 3
      zeroWidth = true
    } else if (this.src.startsWith('?<', this.i)) {
      const end = this.src.indexOf('>', this.i)
      if (end < 0) throw new Error('unterminated group name')
      this.i = end + 1
    } else if (this.peek() === '?') throw new Error(`unknown group at ${this.i}`)
    const inner = this.disjunction()
    if (this.src[this.i++] !== ')') throw new Error('unterminated group')
    return zeroWidth ? EMPTY : inner
  }

  /** An escape outside a class: an assertion, a class escape, a back reference or one character. */
  private escape(): Info {
    const c = this.src[this.i++]
    if (c === undefined) throw new Error('trailing backslash')
    if (c === 'b' || c === 'B') return EMPTY
    if (c === 'd') return info(DIGITS, null)
    const ch = this.escapedChar(c)
    return ch === null ? ANY : info([ch], null)
  }

  /**
   * The character an escape stands for (its first letter already read), or null for a class of several
   * (`\d \s \w \p{…}`, their negations) and back references, which match no known string.
   */
  private escapedChar(c: string): string | null {
    const hex = (n: number): string | null => {
      const h = this.src.slice(this.i, this.i + n)
      if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) return null
      this.i += n
      return String.fromCharCode(parseInt(h, 16))
    }
    switch (c) {
      case 'd':
        // Only as a class does it hold several characters: see escape().
        return null
      case 'D':
      case 's':
      case 'S':
      case 'w':
      case 'W':
        return null
      case 'p':
      case 'P':
      case 'k': {
        const end = this.src.indexOf(c === 'k' ? '>' : '}', this.i)
        this.i = end < 0 ? this.src.length : end + 1
        return null
      }
      case 'n':
        return '\n'
      case 't':
        return '\t'
      case 'r':
        return '\r'
      case 'v':
        return '\v'
      case 'f':
        return '\f'
      case '0':
        return /[0-9]/.test(this.peek() ?? '') ? null : '\0'
      case 'x':
        return hex(2) ?? 'x'
      case 'u': {
        if (this.unicode && this.peek() === '{') {
          const end = this.src.indexOf('}', this.i)
          const cp = parseInt(this.src.slice(this.i + 1, end), 16)
          this.i = end + 1
          return String.fromCodePoint(cp)
        }
        return hex(4) ?? 'u'
      }
      case 'c': {
        const l = this.peek()
        if (l !== undefined && /[a-zA-Z]/.test(l)) {
          this.i++
          return String.fromCharCode(l.charCodeAt(0) % 32)
        }
        return null
      }
      default:
        // A back reference matches whatever its group matched.
        if (/[1-9]/.test(c)) {
          while (/[0-9]/.test(this.peek() ?? '')) this.i++
          return null
        }
        return c
    }
  }

  /** A class: the characters it holds when it lists a few (and is not negated), else anything. */
  private charClass(): Info {
    const negated = this.peek() === '^'
    if (negated) this.i++
    const chars = new Set<string>()
    let known = !negated
    for (;;) {
      let c = this.src[this.i++]
      if (c === undefined) throw new Error('unterminated class')
      if (c === ']') break
      let ch: string | null = c
      if (c === '\\') {
        c = this.src[this.i++]
        if (c === undefined) throw new Error('trailing backslash')
        ch = c === 'b' ? '\b' : c === '-' ? '-' : this.escapedChar(c)
      }
      if (ch === null) {
        known = false
        continue
      }
      // A range `a-z` (a `-` before `]` is itself).
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++
        let hi: string | null | undefined = this.src[this.i++]
        if (hi === '\\') {
          const e = this.src[this.i++]
          hi = e === undefined ? null : e === 'b' ? '\b' : this.escapedChar(e)
        }
        if (hi === null || hi === undefined) {
          known = false
          continue
        }
        const lo = ch.codePointAt(0)!
        const top = hi.codePointAt(0)!
        if (top - lo > MAX_EXACT || top > 0xffff || lo > 0xffff) known = false
        else for (let k = lo; k <= top; k++) chars.add(String.fromCharCode(k))
        continue
      }
      // Without the `u` flag a class holds UTF-16 units: an astral character is two of them.
      if (ch.length > 1 || (ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff)) known = false
      chars.add(ch)
    }
    return known && chars.size > 0 && chars.size <= MAX_EXACT ? info([...chars], null) : ANY
  }
}

/**
 * Literal strings one of which every match of `re` contains, or null when none are known (the pattern may
 * match anything, or uses a flag this reading does not handle: `i`, `v`). Throws on a pattern it cannot read.
 */
export function requiredLiterals(re: RegExp): string[] | null {
  // Case folding and the `v` flag's class syntax are not read: such a pattern is not screened.
  if (re.flags.includes('i') || re.flags.includes('v')) return null
  const { req } = new Reader(re.source, re.flags.includes('u')).read()
  if (req === null) return null
  // A literal holding another one adds nothing: a text that holds it holds the other.
  const kept: string[] = []
  for (const s of [...req].sort((a, b) => a.length - b.length)) if (!kept.some((k) => s.includes(k))) kept.push(s)
  return kept
}

/** A UTF-16 unit hashed to 8 bits: ASCII is itself, other units share the slots from 128 on (which only screens less). */
const slot = (c: number): number => (c < 128 ? c : 128 | ((c ^ (c >>> 7) ^ (c >>> 14)) & 127))

/**
 * Bits of a {@link TextGrams}: a character's is its slot; a pair's and a triple's are hashed over all of them. A
 * collision only screens less: every gram of a text that holds a literal is set whatever else is.
 */
const GRAM_BITS = 1 << 16
const pairBit = (a: number, b: number): number => Math.imul((a << 8) | b, 0x9e3779b1) >>> 16
const tripleBit = (a: number, b: number, c: number): number => Math.imul((a << 16) | (b << 8) | c, 0x85ebca6b) >>> 16

/** Letters by how common they are in English (space first); a gram of rarer ones is checked first. */
const COMMON = ' etaoinshrdlcumwfgypbvkjxqz'
const commonness = (c: number): number => {
  const k = COMMON.indexOf(String.fromCharCode(c))
  return k < 0 ? 0 : COMMON.length - k
}

/**
 * Which characters, pairs and triples of adjacent characters (UTF-16 units, by {@link slot}) one text holds: an
 * 8 KB bit set filled in one pass, for many {@link LiteralScreen}s to ask about the same text.
 */
export class TextGrams {
  readonly bits = new Int32Array(GRAM_BITS >>> 5)
  /** The text recorded last. */
  text = ''

  /** Records the grams of `text` (nothing to do when it is the text recorded last). */
  load(text: string): this {
    if (text === this.text) return this
    this.text = text
    const bits = this.bits
    bits.fill(0)
    let a = -1
    let b = -1
    for (let i = 0, n = text.length; i < n; i++) {
      const c = slot(text.charCodeAt(i))
      bits[c >>> 5]! |= 1 << (c & 31)
      if (b >= 0) {
        const k = pairBit(b, c)
        bits[k >>> 5]! |= 1 << (k & 31)
        if (a >= 0) {
          const t = tripleBit(a, b, c)
          bits[t >>> 5]! |= 1 << (t & 31)
        }
      }
      a = b
      b = c
    }
    return this
  }
}

/**
 * The grams a literal's presence needs: its character (one long), its pair (two long), else its triples (rarest
 * first). A text that lacks one of them does not hold the literal.
 */
function literalGrams(s: string): number[] {
  const at = (i: number) => slot(s.charCodeAt(i))
  if (s.length === 1) return [at(0)]
  if (s.length === 2) return [pairBit(at(0), at(1))]
  const grams = new Map<number, number>()
  for (let i = 2; i < s.length; i++) {
    const k = tripleBit(at(i - 2), at(i - 1), at(i))
    const rarity = commonness(s.charCodeAt(i - 2)) + commonness(s.charCodeAt(i - 1)) + commonness(s.charCodeAt(i))
    grams.set(k, Math.min(rarity, grams.get(k) ?? Infinity))
  }
  return [...grams].sort((x, y) => x[1] - y[1]).map(([k]) => k)
}

/**
 * A pattern's {@link requiredLiterals}, each as the grams of it a text must hold ({@link literalGrams}): a literal
 * with a gram the text lacks is not in it; one with all its grams (they may sit apart, or share a bit with
 * others) is looked for in the text. When no literal is in the text the pattern cannot match. Throws on a
 * pattern it cannot read.
 */
export class LiteralScreen {
  private readonly literals: string[] | null
  /** The grams of every literal, one literal after the other. */
  private readonly keys: Uint16Array
  /** Where each literal's grams end in {@link keys}. */
  private readonly ends: Uint16Array

  constructor(readonly re: RegExp) {
    this.literals = requiredLiterals(re)
    const keys: number[] = []
    const ends: number[] = []
    for (const s of this.literals ?? []) {
      keys.push(...literalGrams(s))
      ends.push(keys.length)
    }
    this.keys = Uint16Array.from(keys)
    this.ends = Uint16Array.from(ends)
  }

  /** False when the pattern cannot match the text `grams` recorded; true when it may. */
  mayMatch(grams: TextGrams): boolean {
    const literals = this.literals
    if (literals === null) return true
    const { keys, ends } = this
    const bits = grams.bits
    let j = 0
    for (let k = 0; k < literals.length; k++) {
      const end = ends[k]!
      while (j < end) {
        const key = keys[j]!
        if ((bits[key >>> 5]! & (1 << (key & 31))) === 0) break
        j++
      }
      if (j === end && grams.text.includes(literals[k]!)) return true
      j = end
    }
    return false
  }
}

/**
 * The screens of a fixed list of patterns, built on the list's `after + 1`-th text: deriving them costs about
 * as much as a few dozen texts' regex runs, which a `grade` of one answer would pay for nothing. Until then
 * {@link screens} is undefined and every pattern runs.
 */
export class LazyScreens {
  private built: LiteralScreen[] | undefined
  private texts = 0

  constructor(
    private readonly patterns: readonly RegExp[],
    private readonly after = 32,
  ) {}

  /** The screens (one per pattern, in order) once built; counts a text until then. */
  screens(): readonly LiteralScreen[] | undefined {
    if (this.built !== undefined) return this.built
    if (++this.texts <= this.after) return undefined
    return (this.built = this.patterns.map((re) => new LiteralScreen(re)))
  }
}
