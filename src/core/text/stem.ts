/**
 * A light English stemmer: enough that `quantize/quantized/quantizing/quantization`, `layer/layers`,
 * `recompute/recomputing/recomputation` and British/American spellings meet, without Porter's aggressive
 * conflations. Input is one lower-case latin word; output is its stem. Words of three letters or fewer,
 * and words holding digits, are returned unchanged.
 */
export function stem(word: string): string {
  let hit = stems.get(word)
  if (hit === undefined) {
    hit = stemUncached(word)
    // Answers reuse a working vocabulary of a few thousand words; the cap only guards odd inputs.
    if (stems.size < 50_000) stems.set(word, hit)
  }
  return hit
}

const stems = new Map<string, string>()

function stemUncached(word: string): string {
  let w = word
  if (w.length <= 3 || /\d/.test(w)) return w
  // British → American, so `quantise` and `quantize` share a stem.
  w = w
    .replace(/isation(s?)$/, 'ization$1')
    .replace(/is(e|es|ed|ing|er|ers)$/, (m, s: string) => (w.length - m.length >= 3 ? `iz${s}` : m))
    .replace(/yse(s|d)?$/, 'yze$1')
    .replace(/our$/, w.length > 5 ? 'or' : 'our')
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`
  else if (w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w) && w.length > 3) w = w.slice(0, -1)
  const before = w
  if (w.endsWith('ations') || w.endsWith('ation')) w = w.replace(/ations?$/, '')
  else if (/[ts]ions?$/.test(w)) w = w.replace(/ions?$/, '')
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3)
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2)
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2)
  if (w.length < 3) w = before
  if (w !== before && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz|ff)$/.test(w)) w = w.slice(0, -1)
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1)
  return w
}
