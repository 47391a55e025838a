import { join } from 'node:path'
import { createFileCache } from '../../core/grading/cache.js'
import { readInput } from '../../core/grading/input.js'
import { preparedRecords } from '../../core/grading/validate.js'
import { escapeControlChars } from '../../core/text/control.js'
import { createProgress } from '../ui/progress.js'
import { cliMessages } from '../messages/index.js'
import { judgeIdentity } from './identity.js'
import type { GradeOutcome, GradeSetup } from './options.js'

/** Grades through the OpenAI Batch API: submit, poll with progress, then write every result. */
export async function gradeViaBatchApi(setup: GradeSetup): Promise<GradeOutcome> {
  const { ctx, opts, config, summary } = setup
  const { deps } = ctx
  const now = deps.now ?? (() => Date.now())
  const { runBatchGrade } = await import('../../providers/openai-batch/index.js')
  const t = cliMessages(config.lang).grade
  const identity = await judgeIdentity(config, 'openai')
  const pollMs = Number(deps.env.MOCKINT_BATCH_POLL_MS) > 0 ? Number(deps.env.MOCKINT_BATCH_POLL_MS) : 30_000
  let progress: ReturnType<typeof createProgress> | undefined
  let lastStatus = ''
  const total = setup.total
  deps.stderr.write(`mockint: ${t.batchJudge(config.model, config.baseUrl)}\n`)
  const out = await runBatchGrade({
    provider: config.provider,
    model: config.model,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    apiKeyEnv: config.apiKeyEnv,
    apiKeyEnvExplicit: Boolean(config.file.api_key_env),
    identity,
    records: () => preparedRecords(readInput(setup.path, setup.format, setup.shown), setup.bank, setup.defaults),
    skip: setup.skip,
    repeat: opts.repeat,
    cache: opts.cache ? createFileCache(join(config.home, 'cache', 'grades')) : undefined,
    statePath: (fp) => (setup.outPath ? `${setup.outPath}.batch.json` : join(config.home, 'batches', `${fp.slice(0, 16)}.json`)),
    pollMs,
    signal: deps.signal,
    write: async (r, prepared) => {
      await setup.sink.write(r)
      const q = prepared.input.question
      summary.add(r, { questionText: q.kind === 'free' ? q.prompt : undefined })
    },
    onEvent: (e) => {
      if (e.type === 'submitted')
        deps.stderr.write(`mockint: ${escapeControlChars(t.batchSubmitted(e.resumed, e.batch_id, e.requests, Math.round(pollMs / 1000)))}\n`)
      else if (e.type === 'status') {
        const line = `mockint: ${escapeControlChars(t.batchStatus(e.batch_id, e.status, e.completed, e.total, e.failed))}`
        if (line !== lastStatus) deps.stderr.write(line + '\n')
        lastStatus = line
      } else {
        progress ??= createProgress(deps.stderr, { total, now, lang: config.lang })
        progress.update({ done: e.done, errors: e.errors })
      }
    },
  })
  progress?.finish()
  if (out.interrupted && out.batchId)
    deps.stderr.write(`mockint: ${escapeControlChars(t.batchKeepsRunning(out.batchId))}\n`)
  return { interrupted: out.interrupted }
}
