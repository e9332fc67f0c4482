/**
 * The built-in grader's package assessments in the grade cache (issue 5). What is stored is the
 * expensive half of a built-in grade — the package findings and declared tools of one exact
 * version (packument, tarball, source analysis, advisories) — with the time it was made. The
 * config-entry findings and the scoring are redone on every run (cheap, and they depend on the
 * entry and the policy's scale). Only `assessed` outcomes are stored: a package that was not
 * found or failed to download is asked again next run.
 */
import { z } from 'zod'
import { type Logger, silentLogger } from '../../log.js'
import type { PackageAssessment } from '../builtin/package-assessment.js'
import { DeclaredToolSchema, FindingSchema } from '../report.js'
import type { KeyedGradeCache } from './keys.js'

/**
 * A grade cache as the built-in grader uses it: the store, and the key of the assessment of an
 * exact purl (`builtinAssessmentKey`); null: do not cache it.
 */
export type AssessmentCache = KeyedGradeCache

/** A stored assessment (validated on read; limits as in `GradeReportSchema`). */
const CachedAssessmentSchema = z
  .object({
    kind: z.literal('assessed'),
    /** When the assessment was made (ISO 8601): the grade's `auditedAt`. */
    assessedAt: z.iso.datetime({ offset: true }),
    findings: z.array(FindingSchema).max(10000),
    tools: z.array(DeclaredToolSchema).max(1000).nullable()
  })
  .strict()
type CachedAssessment = z.infer<typeof CachedAssessmentSchema>

/** An assessment with the time it was made. */
export interface DatedAssessment {
  assessment: PackageAssessment
  /** When the assessment was made: now for a fresh one, the stored time for a cached one. */
  assessedAt: Date
}

/**
 * The assessment of the package version `purl`: the cached one when `cache` holds a valid entry
 * under `cache.keyOf(purl)`, else `assess()` (dated `now()` as it starts), stored when it is
 * `assessed` and `options.storable` (default: always) accepts it — the caller refuses what a
 * passing failure shaped (e.g. an advisory lookup that failed this time). Without a cache, or for
 * a purl that is not an exact npm/PyPI version (`keyOf` null), simply `assess()`. Rejects only
 * when `assess` rejects.
 */
export async function cachedAssessment(
  cache: AssessmentCache | null,
  purl: string | null,
  assess: () => Promise<PackageAssessment>,
  options: {
    now: () => Date
    logger?: Logger
    storable?: (assessment: PackageAssessment & { kind: 'assessed' }) => boolean
  }
): Promise<DatedAssessment> {
  const logger = options.logger ?? silentLogger
  const key = cache !== null && purl !== null ? cache.keyOf(purl) : null
  if (cache !== null && key !== null) {
    const hit = await cache.store.get(key, CachedAssessmentSchema)
    if (hit !== null) {
      logger.debug(`grade cache: ${purl} assessed at ${hit.assessedAt}, from the cache`)
      return {
        assessment: { kind: 'assessed', findings: hit.findings, tools: hit.tools },
        assessedAt: new Date(hit.assessedAt)
      }
    }
  }
  const assessedAt = options.now()
  const assessment = await assess()
  if (
    cache !== null &&
    key !== null &&
    assessment.kind === 'assessed' &&
    (options.storable?.(assessment) ?? true)
  ) {
    const value: CachedAssessment = {
      kind: 'assessed',
      assessedAt: assessedAt.toISOString(),
      findings: assessment.findings,
      tools: assessment.tools
    }
    await cache.store.put(key, value)
  }
  return { assessment, assessedAt }
}
