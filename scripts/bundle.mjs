// `npm run build`, last step: bundles the compiled CLI (dist/cli/main.js, its lazily imported modules and the
// packages it uses) into dist/bundle/, which bin/mockint.js runs. Node's ESM loader pays per module (resolve,
// read, parse, link): a bank answer graded from dist/ loads ~100 modules, from the bundle ~45 chunks, and
// `--help` loads commander's CommonJS files through the CJS loader. The lazy imports stay lazy: each
// `import()` is a chunk of its own (--splitting), so `--help` still loads no judge, bank or SDK code.
// Every chunk sits two folders below the package root, as dist/cli/*.js and dist/core/*.js do (see
// src/core/package-root.ts).
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/bundle`
rmSync(outdir, { recursive: true, force: true })
/**
 * JSON modules (the offline judge's model and word frequencies) go into the bundle as a string read by
 * JSON.parse: inlined as esbuild does by default, they become large object literals, which V8 parses several
 * times slower than JSON.parse reads the same text.
 */
function jsonAsString() {
  return {
    name: 'json-as-string',
    setup(b) {
      b.onLoad({ filter: /\.json$/ }, async (args) => ({
        contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(await readFile(args.path, 'utf8'))))})`,
        loader: 'js',
      }))
    },
  }
}

/**
 * Commander requires node:child_process when it loads, only to spawn executable subcommands (mockint has none).
 * Loading it brings net, dgram and more: ~4.5 ms of every command's start, `--help` included. Commander gets a
 * stand-in that loads the real module on first use.
 */
function lazyChildProcessForCommander() {
  return {
    name: 'lazy-child-process-for-commander',
    setup(b) {
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
      )
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
        contents: "let real; const load = () => (real ??= require('node:child_process')); module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() })",
        loader: 'js',
      }))
    },
  }
}

const result = await build({
  entryPoints: { main: `${root}dist/cli/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages (commander, csv-parse's deps) call require() for Node's own modules.
  banner: { js: "import { createRequire as __mockintRequire } from 'node:module'; const require = __mockintRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [jsonAsString(), lazyChildProcessForCommander()],
})
// What the bundle was built from: the compiled modules (for the benches to tell a stale bundle, after a build by
// plain tsc) and, per chunk, the packages whose code it holds (for the tests that check which packages a
// command loads: bundled, a package is never imported by name).
const inputs = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('dist/')).sort()
const chunks = {}
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue
  const packages = new Set()
  for (const input of Object.keys(output.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (m) packages.add(m[1])
  }
  chunks[file.slice(file.lastIndexOf('/') + 1)] = [...packages].sort()
}
writeFileSync(`${outdir}/inputs.json`, JSON.stringify({ inputs, chunks }, null, 1) + '\n')
