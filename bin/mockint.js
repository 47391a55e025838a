#!/usr/bin/env node
// The bundle (`npm run build`: dist/bundle/, see scripts/bundle.mjs) starts faster than the ~100 modules of
// dist/cli/ it is made from; those run when it is missing (a build by plain tsc).
import { existsSync } from 'node:fs'

const bundle = new URL('../dist/bundle/main.js', import.meta.url)
await import(existsSync(bundle) ? bundle.href : '../dist/cli/main.js')
