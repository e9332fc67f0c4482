/**
 * The `registry` grader (SPEC §5, issue 3 point 4): the grade recorded in the approved-server
 * registry (`current_grade`, with its `audit_date` and `audit_url`), so a team without a grading
 * service can gate on recorded audits alone. No network.
 *
 * A recorded grade is evidence only for what was audited, so a server is `ungraded` (never
 * given a made-up grade) when:
 * - the run has no registry file, or the server has no identity a row can name;
 * - no row names it (`findRegistryEntry`);
 * - its row names another version than the one that runs, or the version that runs is unknown
 *   (a row without a version covers every version);
 * - the row has no `current_grade`, or no `audit_date` (a grade without its date cannot be
 *   aged), or an `audit_date` after today (UTC).
 * Reasons name the registry file and the row's line, and only sanitised identities
 * (`formatServerKey`), never a URL's query or credentials.
 */
import { isoDayNumber } from '../policy/exception-rules.js'
import { findRegistryEntry } from '../policy/registry-file.js'
import type { RegistryEntry, RegistryFile } from '../policy/records.js'
import { formatServerKey, sameServer, sameVersion, serverKeysOf } from '../resolve/server-id.js'
import type { ServerKey } from '../resolve/server-key.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { Grader } from './grader.js'
import { GradeReportSchema, type GradeOutcome, type GradeReport } from './report.js'

/** Grader name, version and rubric version written into registry reports. */
export const REGISTRY_GRADER_NAME = 'registry'

/** Options of `createRegistryGrader`. */
export interface RegistryGraderOptions {
  /** The loaded registry file; null when the run has none (every server is then ungraded). */
  registry: RegistryFile | null
  /**
   * The run's day (`YYYY-MM-DD`, UTC; the gate's `today`, so `--today` applies): an
   * `audit_date` after it is refused. Default: today by the system clock.
   */
  today?: string
}

/**
 * Create the `registry` grader (`source: 'registry'`). A graded server's report has
 * `overall: {score: null, grade: current_grade}` (the registry records a letter, not a score),
 * every sub-score `null` (not assessed), no findings, `auditedAt` = `audit_date` at 00:00 UTC,
 * `reportUrl` = `audit_url` when the row has one, grader `registry`/`registry` and rubric
 * version `registry`. Every other case is `ungraded` with a reason (see the module doc). Never
 * rejects.
 * @throws TypeError when `options.today` is not a real `YYYY-MM-DD` date (a programming error).
 */
export function createRegistryGrader(options: RegistryGraderOptions): Grader {
  const today = options.today ?? new Date().toISOString().slice(0, 10)
  if (isoDayNumber(today) === null) {
    throw new TypeError(`createRegistryGrader: today must be a YYYY-MM-DD date, got ${today}`)
  }
  return {
    source: 'registry',
    grade(server: ResolvedServer): Promise<GradeOutcome> {
      try {
        return Promise.resolve(gradeFromRegistry(server, options.registry, today))
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        return Promise.resolve({ kind: 'error', message: `registry grader: ${message}` })
      }
    }
  }
}

function gradeFromRegistry(
  server: ResolvedServer,
  registry: RegistryFile | null,
  today: string
): GradeOutcome {
  const name = JSON.stringify(server.entry.name)
  if (registry === null) {
    return ungraded(
      `there is no registry file to read ${name}'s grade from: add .github/mcp-registry.{csv,json,yml,yaml} or pass its path (registry input / --registry)`
    )
  }
  const keys = serverKeysOf(server)
  const key = keys[0]
  if (key === undefined) {
    return ungraded(
      `${name} has no identity a row of ${registry.path} can name, so the registry holds no grade for it`
    )
  }
  const entry = findRegistryEntry(registry, keys)
  if (entry === null) {
    return ungraded(`no row of ${registry.path} names ${formatServerKey(key)}`)
  }
  const row = `the row of ${formatServerKey(entry.key)} at ${entry.source.file}:${entry.source.line}`
  const gap = versionGap(entry.key, server, keys)
  if (gap !== null) return ungraded(`${row} records a grade for ${gap}`)
  if (entry.currentGrade === null) return ungraded(`${row} has no current_grade`)
  if (entry.auditDate === null) {
    return ungraded(
      `${row} has current_grade ${entry.currentGrade} but no audit_date: a grade without its audit date is not evidence. Add audit_date`
    )
  }
  // Both are validated YYYY-MM-DD dates; compared as UTC day numbers.
  if (isoDayNumber(entry.auditDate)! > isoDayNumber(today)!) {
    return ungraded(
      `${row} has audit_date ${entry.auditDate}, after today (${today}, UTC): correct the date`
    )
  }
  return { kind: 'graded', report: reportOf(entry) }
}

/**
 * Why the row's version is not the one that runs, or null when the row covers it (same
 * version, or a row without a version).
 */
function versionGap(
  rowKey: ServerKey,
  server: ResolvedServer,
  keys: readonly ServerKey[]
): string | null {
  if (rowKey.version === null) return null
  const runs = keys.find((k) => sameServer(k, rowKey))
  if (runs !== undefined && sameVersion(rowKey, runs) === true) return null
  const which =
    runs?.version ??
    `a version the gate could not establish for ${JSON.stringify(server.entry.name)}`
  return `${rowKey.version}, but the config runs ${which}: the recorded grade is not evidence for it`
}

function ungraded(reason: string): GradeOutcome {
  return { kind: 'ungraded', reason }
}

/** The report of a row with a grade and an audit date; validated against the contract. */
function reportOf(entry: RegistryEntry): GradeReport {
  return GradeReportSchema.parse({
    source: 'registry',
    grader: { name: REGISTRY_GRADER_NAME, version: REGISTRY_GRADER_NAME },
    rubricVersion: REGISTRY_GRADER_NAME,
    overall: { score: null, grade: entry.currentGrade },
    subScores: {
      security: null,
      permissions: null,
      credentials: null,
      maintenance: null,
      compatibility: null,
      documentation: null
    },
    findings: [],
    auditedAt: `${entry.auditDate}T00:00:00Z`,
    ...(entry.auditUrl !== null && { reportUrl: entry.auditUrl })
  })
}
