/**
 * The grading runner (SPEC §5, §9): grade every resolved server with one grader, with bounded
 * concurrency, keeping the input order. A grader that throws despite the `Grader` contract gives
 * an `error` outcome for that server; the run itself never rejects.
 */
import pLimit from 'p-limit'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import type { ResolvedServer } from '../resolve/types.js'
import { safeExcerpt } from './api-answer.js'
import type { Grader } from './grader.js'
import type { GradeOutcome } from './report.js'

/** Default number of servers graded at the same time (SPEC §9 "bounded concurrency"). */
export const DEFAULT_GRADING_CONCURRENCY = 4

export interface GradeServersOptions {
  /** Most servers graded at once: a positive integer; default 4. */
  concurrency?: number
  logger?: Logger
}

/**
 * Grade `servers` with `grader`, at most `concurrency` at a time (via `p-limit`).
 * @returns one outcome per server, in input order (`outcomes[i]` belongs to `servers[i]`). Never
 *   rejects: a grader that throws or rejects yields `{kind: 'error'}` naming the grader and server.
 * @throws RangeError, synchronously, when `concurrency` is not a positive integer (a programming
 *   error, not a grading failure).
 */
export function gradeServers(
  servers: ResolvedServer[],
  grader: Grader,
  options: GradeServersOptions = {}
): Promise<GradeOutcome[]> {
  const concurrency = options.concurrency ?? DEFAULT_GRADING_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`grading concurrency must be a positive integer, got ${concurrency}`)
  }
  const logger = options.logger ?? silentLogger
  const limit = pLimit(concurrency)
  return Promise.all(servers.map((server) => limit(() => gradeOne(server, grader, logger))))
}

async function gradeOne(
  server: ResolvedServer,
  grader: Grader,
  logger: Logger
): Promise<GradeOutcome> {
  try {
    return await grader.grade(server)
  } catch (error) {
    const detail = safeExcerpt(error instanceof Error ? error.message : String(error), 200)
    const message = `the ${grader.source} grader failed unexpectedly on "${server.entry.name}": ${detail}`
    logger.warning(message)
    return { kind: 'error', message }
  }
}
