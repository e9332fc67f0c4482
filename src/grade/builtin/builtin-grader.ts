/**
 * The built-in grader's logic (SPEC §5 `builtin`, rubric version 1 in docs/grading.md), with the
 * config-entry check passed in (`index.ts` wires the real one from `config-rules.ts`). For an npm
 * server at an exact version it grades the package from evidence — registry metadata and the
 * verified tarball, once per package per run — then adds what the config entry itself does and
 * scores (`scoring.ts`).
 *
 * Outcomes: non-npm servers and npm servers without an exact version are `ungraded` (with the
 * config findings); registry or tarball failures are `error`. The grader never throws.
 */
import { z } from 'zod'
import { type Logger, silentLogger } from '../../log.js'
import type { HttpClient } from '../../net/http.js'
import { DEFAULT_SCALE, type GradeScale } from '../../policy/grades.js'
import type { NpmRegistryClient } from '../../resolve/npm-registry.js'
import { WITHHELD_PREFIX } from '../../resolve/withholding.js'
import type { ResolvedServer } from '../../resolve/types.js'
import type { Grader } from '../grader.js'
import { OncePerKey } from '../once.js'
import { type Finding, type GradeOutcome, type GradeReport, GradeReportSchema } from '../report.js'
import { type PackageAssessment, assessNpmPackage } from './package-assessment.js'
import { appliedDeductions, RUBRIC_VERSION, scoreFindings, V1_ASSESSED_AXES } from './scoring.js'

/** `GradeReport.grader.name` of this grader. */
export const BUILTIN_GRADER_NAME = 'mcp-grade-gate/builtin'

/** The reason given for servers the built-in grader cannot grade (SPEC §5). */
export const NON_NPM_REASON =
  'the built-in grader grades npm packages only (PyPI, OCI and remote servers: use --grader api or command)'

/** What the built-in grader needs: the run's registry client and HTTP client, and options. */
export interface BuiltinGraderOptions {
  /** Registry client (its packuments are memoised for the run, shared with the resolver). */
  npm: NpmRegistryClient
  /** The run's HTTP client, for tarball downloads. */
  http: HttpClient
  /** Letter bounds (SPEC §5); default `DEFAULT_SCALE`. */
  scale?: GradeScale
  /** Clock for publish recency and `auditedAt`; default the system clock. */
  now?: () => Date
  logger?: Logger
  /** Largest compressed tarball downloaded, in bytes; default 50 MiB. */
  maxTarballBytes?: number
}

/**
 * The config-entry half of the grade: findings on the credentials, permissions and security axes
 * from what the entry itself does (`checkConfigEntry` in `config-rules.ts`). May reject.
 */
export type ConfigEntryCheck = (server: ResolvedServer) => Promise<Finding[]>

/**
 * Create a built-in grader that uses `checkConfigEntry` for the config half (`source:
 * 'builtin'`, grader `mcp-grade-gate/builtin`, rubric `RUBRIC_VERSION`). Package work
 * (packument, tarball, package findings) is done at most once per package version per grader;
 * `grade` never rejects (a failing config check is an `error` outcome).
 */
export function createBuiltinGraderWith(
  checkConfigEntry: ConfigEntryCheck,
  options: BuiltinGraderOptions
): Grader {
  const scale = options.scale ?? DEFAULT_SCALE
  const now = options.now ?? ((): Date => new Date())
  const logger = options.logger ?? silentLogger
  const packages = new OncePerKey<PackageAssessment>()
  const context = {
    npm: options.npm,
    http: options.http,
    now,
    logger,
    maxTarballBytes: options.maxTarballBytes
  }

  async function grade(server: ResolvedServer): Promise<GradeOutcome> {
    let configFindings: Finding[]
    try {
      configFindings = await checkConfigEntry(server)
    } catch (error) {
      return {
        kind: 'error',
        message: `the config-entry rules failed on server "${server.entry.name}": ${describe(error)}`
      }
    }
    const identity = server.package
    if (identity.ecosystem !== 'npm') {
      return { kind: 'ungraded', reason: NON_NPM_REASON, findings: configFindings }
    }
    const name = identity.name
    if (!name) {
      return {
        kind: 'ungraded',
        reason: 'no npm package could be identified in this entry',
        findings: configFindings
      }
    }
    const version = identity.version
    if (!version) {
      const { status, message } = identity.resolution
      if (status === 'error') {
        return {
          kind: 'error',
          message: `the version of ${name} could not be resolved: ${message ?? 'registry error'}`
        }
      }
      return {
        kind: 'ungraded',
        reason: unresolvedReason(name, identity.versionSpec, status, message),
        findings: configFindings
      }
    }
    const key = identity.purl ?? `npm:${name}@${version}`
    const assessment = await packages.get(key, () => assessNpmPackage(name, version, context))
    if (assessment.kind === 'not-found') {
      return { kind: 'ungraded', reason: assessment.message, findings: configFindings }
    }
    if (assessment.kind === 'error') return { kind: 'error', message: assessment.message }
    const findings = [...assessment.findings, ...configFindings]
    const { overall, subScores } = scoreFindings(findings, V1_ASSESSED_AXES, scale)
    const report: GradeReport = {
      source: 'builtin',
      grader: { name: BUILTIN_GRADER_NAME, version: RUBRIC_VERSION },
      rubricVersion: RUBRIC_VERSION,
      overall,
      subScores,
      findings: appliedDeductions(findings, V1_ASSESSED_AXES),
      auditedAt: now().toISOString()
    }
    const checked = GradeReportSchema.safeParse(report)
    if (!checked.success) {
      return {
        kind: 'error',
        message: `the built-in grader built an invalid report for ${name}@${version}: ${z.prettifyError(checked.error)}`
      }
    }
    return { kind: 'graded', report: checked.data }
  }

  return {
    source: 'builtin',
    async grade(server: ResolvedServer): Promise<GradeOutcome> {
      try {
        return await grade(server)
      } catch (error) {
        return { kind: 'error', message: `the built-in grader failed: ${describe(error)}` }
      }
    }
  }
}

function unresolvedReason(
  name: string,
  spec: string | null,
  status: string,
  message: string | undefined
): string {
  const written = spec ? `${name}@${spec}` : name
  // A withheld identity says itself why it cannot be graded ("not graded: --registry …").
  if (message?.startsWith(WITHHELD_PREFIX)) return `${written} is ${message}`
  if (status === 'offline') {
    return `${written} is not pinned and the run is offline, so the version that would run is unknown`
  }
  if (status === 'not-found') return message ?? `${written} is not on the npm registry`
  return `${written} has no exact version to grade${message ? `: ${message}` : ''}`
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
