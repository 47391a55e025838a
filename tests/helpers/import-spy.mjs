// Preloaded with `node --import`: records every bare import of a heavy module to $IMPORT_SPY_LOG.
import { register } from 'node:module'
register('./import-spy-hooks.mjs', import.meta.url)
