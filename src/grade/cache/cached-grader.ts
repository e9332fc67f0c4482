/**
 * The grade cache around an external grader (issue 5): the `api` and `command` graders' `graded`
 * reports of exact npm/PyPI versions are kept and answered from the cache on later runs. An
 * external grader's rubric is known only from its answer, so the key cannot name it: the report
 * is stored whole (its `rubricVersion` with it) and re-validated with `GradeReportSchema` on
 * read. `ungraded` and `error` outcomes are never stored, nor grades of servers whose version was
 * not confirmed (resolution other than `exact` or `registry`), nor anything without an exact
 * purl (remote servers, OCI images, unpinned specs that did not resolve).
 */
import { z } from 'zod'
import { type Logger, silentLogger } from '../../log.js'
import type { ResolvedServer } from '../../resolve/types.js'
import type { Grader } from '../grader.js'
import { OncePerKey } from '../once.js'
import { GradeReportSchema, type GradeOutcome } from '../report.js'
import type { GradeCache } from './store.js'

/** A stored external grade: the rubric the grader named, and its report. */
const CachedGradeSchema = z
  .object({
    rubricVersion: z.string().min(1).max(100),
    report: GradeReportSchema
  })
  .strict()
type CachedGrade = z.infer<typeof CachedGradeSchema>

/** Resolutions whose exact version was confirmed (written and checked, or resolved today). */
const CONFIRMED = new Set(['exact', 'registry'])

/**
 * Wrap `inner` so that the `graded` outcome of a server with an exact npm/PyPI purl is read from
 * `cache` under `keyOf(purl)` when present (same `source` as `inner`), else asked of `inner` and
 * stored. Each key is looked up and graded once per wrapper (concurrent servers share it).
 * Servers without a key go straight to `inner`. `grade` never rejects (as `inner`, whose
 * rejections pass through unchanged).
 * @param keyOf `apiGradeKey` / `commandGradeKey` bound to the grader's identity; it returns null
 *   for a purl that is not an exact npm/PyPI version (`exactPackage`) or is not to be cached.
 */
export function cachedGrader(
  inner: Grader,
  cache: GradeCache,
  keyOf: (purl: string) => string | null,
  options: { logger?: Logger } = {}
): Grader {
  const logger = options.logger ?? silentLogger
  const once = new OncePerKey<GradeOutcome>()

  async function gradeKeyed(server: ResolvedServer, key: string): Promise<GradeOutcome> {
    const hit = await cache.get(key, CachedGradeSchema)
    if (hit !== null && hit.report.source === inner.source) {
      logger.debug(
        `grade cache: ${server.package.purl ?? key} graded by the ${inner.source} grader, from the cache`
      )
      return { kind: 'graded', report: hit.report }
    }
    const outcome = await inner.grade(server)
    if (outcome.kind === 'graded' && outcome.report.source === inner.source) {
      const value: CachedGrade = {
        rubricVersion: outcome.report.rubricVersion,
        report: outcome.report
      }
      await cache.put(key, value)
    }
    return outcome
  }

  return {
    source: inner.source,
    grade(server: ResolvedServer): Promise<GradeOutcome> {
      const pkg = server.package
      const key = CONFIRMED.has(pkg.resolution.status) && pkg.purl ? keyOf(pkg.purl) : null
      if (key === null) return inner.grade(server)
      return once.get(key, () => gradeKeyed(server, key))
    }
  }
}
