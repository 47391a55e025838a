/**
 * The package root (the folder holding package.json, `questions/`, `rubrics/` and `dist/`), found from where
 * this code runs. It is two folders below the root in every layout: `src/core/` (tests), `dist/core/` (tsc)
 * and `dist/bundle/` (the bundle bin/mockint.js runs, whose chunks hold this module's code). A module that
 * needs the root asks here rather than counting its own folders, which the bundle flattens.
 */
export const PACKAGE_ROOT_URL = new URL('../../', import.meta.url)
