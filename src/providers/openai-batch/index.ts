import type { GradeSetup } from '../../cli/commands/grade.js'

/** Grades through the OpenAI Batch API. */
export async function runBatchGrade(_setup: GradeSetup): Promise<{ interrupted: boolean }> {
  throw new Error('--batch-api is not built yet')
}
