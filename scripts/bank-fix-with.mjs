// Removes, from bank files, the key-point `with` terms that lint rule bank/with-inside-term reports (a `with`
// term that is a word or phrase of the same key point's own term can never fail). Text edits at the exact
// YAML node ranges, so comments, quoting and layout stay as they are. A term is kept, and listed, when removing
// it would leave that `with` list empty: that key point needs a real second condition written by hand.
// Usage: node scripts/bank-fix-with.mjs <file.yaml>...   (build first: it uses dist/core/lint/matching.js)
import { readFileSync, writeFileSync } from 'node:fs'
import { parseDocument, isSeq } from 'yaml'
import { containedIn } from '../dist/core/lint/matching.js'

let removed = 0
const manual = []
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8')
  const doc = parseDocument(text)
  const q = doc.toJS()
  const cuts = []
  for (const [dim, kps] of Object.entries(q.key_points ?? {}))
    kps.forEach((kp, k) => {
      if (!kp.with) return
      for (const lang of ['en', 'zh']) {
        const seq = doc.getIn(['key_points', dim, k, 'with', lang], true)
        if (!isSeq(seq)) continue
        const bad = new Set(kp.with[lang].flatMap((w, i) => (kp.terms[lang].some((t) => containedIn(w, t)) ? [i] : [])))
        if (!bad.size) continue
        if (bad.size === seq.items.length) {
          manual.push(`${file}: key point "${kp.id}" ${lang}: every \`with\` term is inside a term (${kp.with[lang].join(', ')})`)
          continue
        }
        // Remove each bad item with the separator that follows it (or precedes it, for the last item).
        const items = seq.items
        bad.forEach((i) => {
          const [start, end] = items[i].range
          if (i < items.length - 1 && !bad.has(i + 1)) cuts.push([start, items[i + 1].range[0]])
          else if (i < items.length - 1) cuts.push([start, items[i + 1].range[0]])
          else {
            let j = i - 1
            while (j >= 0 && bad.has(j)) j--
            cuts.push([items[j].range[1], end])
          }
        })
        removed += bad.size
      }
    })
  if (!cuts.length) continue
  // Merge overlapping cuts, apply from the end.
  cuts.sort((a, b) => a[0] - b[0])
  const merged = []
  for (const c of cuts) {
    const last = merged.at(-1)
    if (last && c[0] <= last[1]) last[1] = Math.max(last[1], c[1])
    else merged.push([...c])
  }
  let out = text
  for (const [s, e] of merged.reverse()) out = out.slice(0, s) + out.slice(e)
  parseDocument(out) // throws if the edit broke the file
  writeFileSync(file, out)
}
console.log(`removed ${removed} \`with\` terms`)
for (const m of manual) console.log(`by hand: ${m}`)
