import type { Bank } from '../../core/bank/load.js'
import type { Config } from '../../core/config/resolve.js'
import type { InputFormat } from '../../core/grading/input.js'
import type { Price } from '../../core/grading/prices.js'
import type { ResolveDefaults } from '../../core/grading/record.js'
import type { ResultSink } from '../../core/grading/results-file.js'
import type { SummaryAccumulator } from '../../core/grading/summary.js'
import type { CommandContext } from '../command.js'

export interface GradeOptions {
  out?: string
  resume?: boolean
  concurrency: number
  repeat: number
  report?: string
  rubric?: string
  minScore?: number
  batchApi?: boolean
  cache: boolean
  lang?: 'en' | 'zh'
  /** How to read the input, overriding the extension (a file) or the content (stdin). */
  inputFormat?: InputFormat
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}

/** Everything both grading paths (direct and Batch API) share once the input has been checked. */
export interface GradeSetup {
  ctx: CommandContext
  opts: GradeOptions
  config: Config
  bank: Bank
  /** The input as a file on disk (stdin is spooled to a temp file so it can be read twice). */
  path: string
  /** The name shown in messages. */
  shown: string
  format: InputFormat
  defaults: ResolveDefaults
  /** Records to grade in this run (valid records not already graded). */
  total: number
  /** Ids already graded in `--out` (with `--resume`). */
  skip: Set<string>
  sink: ResultSink
  summary: SummaryAccumulator
  prices: Record<string, Price>
  outPath?: string
}

/** How a grading path ended: interrupted (Ctrl+C), or stopped by a failure every later call would repeat. */
export interface GradeOutcome {
  interrupted: boolean
  stopped?: { cause: string }
}
