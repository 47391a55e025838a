import type { Bank } from '../../core/bank/load.js'
import type { CommandContext } from '../run.js'
import { EXIT, type ExitCode } from '../deps.js'
import type { JunitCase } from '../ui/junit.js'
import type { CheckOptions } from './check.js'

/** Calibration of every question with the chosen judge (issue 6 builds this). */
export async function runCheckCalibration(
  _ctx: CommandContext,
  _bank: Bank,
  _opts: CheckOptions,
): Promise<{ exit: ExitCode; json: unknown; cases: JunitCase[]; text: string }> {
  return { exit: EXIT.internal, json: null, cases: [], text: 'calibration: not built yet\n' }
}
