/**
 * The built-in grader's logic (SPEC §5 `builtin`, rubric version 1 in docs/grading.md), with the
 * config-entry check passed in (`index.ts` wires the real one from `config-rules.ts`). For an npm
 * server at an exact version it grades the package from evidence — registry metadata and the
 * verified tarball, once per package per run — then adds what the config entry itself does and
 * scores (`scoring.ts`).
 *
 * Outcomes: non-npm servers and npm servers without an exact version are `ungraded` (with the
 * config findings); registry or tarball failures are `error`. The grader never throws.
 *
 * With a grade cache (`assessmentCache`, issue 5), the package assessment of an exact version is
 * read from the cache when it holds one, and a fresh `assessed` one is stored; the grade's
 * `auditedAt` is when the assessment was made (stored with it), not now: a grade is evidence.
 */
import { z } from 'zod'
import { type Logger, silentLogger } from '../../log.js'
import type { HttpClient } from '../../net/http.js'
import { DEFAULT_SCALE, type GradeScale } from '../../policy/grades.js'
import type { NpmRegistryClient } from '../../resolve/npm-registry.js'
import type { PypiClient } from '../../resolve/pypi-registry.js'
import { WITHHELD_PREFIX } from '../../resolve/withholding.js'
import type { ResolvedServer } from '../../resolve/types.js'
import {
  type AssessmentCache,
  cachedAssessment,
  type DatedAssessment
} from '../cache/assessment-cache.js'
import type { Grader } from '../grader.js'
import { OncePerKey } from '../once.js'
import { type Finding, type GradeOutcome, type GradeReport, GradeReportSchema } from '../report.js'
import { ADVISORY_RULE, checkAdvisories } from './advisories/advisory-rules.js'
import type { AdvisorySource } from './advisories/source.js'
import { assessPypiPackage } from './python/pypi-assessment.js'
import { capSourceDeductions } from './source/deduction-cap.js'
import { checkDeclaredTools } from './tools/rules.js'
import { type PackageAssessment, assessNpmPackage } from './package-assessment.js'
import {
  appliedDeductions,
  RUBRIC_VERSION,
  scoreFindings,
  BUILTIN_ASSESSED_AXES
} from './scoring.js'

/** `GradeReport.grader.name` of this grader. */
export const BUILTIN_GRADER_NAME = 'mcp-grade-gate/builtin'

/** The reason given for servers the built-in grader cannot grade (SPEC §5). */
export const NON_PACKAGE_REASON =
  'the built-in grader grades npm and PyPI packages only (OCI images, remote and local servers: use --grader api or command)'

/** The reason given for PyPI servers when the grader has no PyPI client. */
export const NO_PYPI_REASON = 'the built-in grader was given no PyPI index to grade PyPI packages'

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
  /** PyPI client (JSON API), for PyPI servers; absent or null: they are ungraded. */
  pypi?: PypiClient | null
  /**
   * Where known advisories are looked up (`createOsvApiSource` or `loadOsvDatabase`); null
   * when turned off (every package then gets `advisory.not-checked`).
   */
  advisories: AdvisorySource | null
  /**
   * Where package assessments of exact versions are kept between runs (`src/grade/cache/`);
   * absent or null: every run assesses afresh. The key must name everything the assessment
   * depends on besides the package (`builtinAssessmentKey`: registry, advisory source, rubric).
   */
  assessmentCache?: AssessmentCache | null
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
  const packages = new OncePerKey<DatedAssessment>()
  const pypi = options.pypi ?? null
  const cache = options.assessmentCache ?? null
  /**
   * With an advisory source, `advisory.not-checked` means the lookup failed this time (the OSV API
   * was down): such an assessment is used for this run but not kept for the next ones.
   */
  const storable = (assessment: { findings: Finding[] }): boolean =>
    options.advisories === null ||
    !assessment.findings.some((f) => f.ruleId === ADVISORY_RULE.notChecked.id)

  /** A PyPI release's package findings (`assessPypiPackage`), its tools' and its advisories. */
  async function assessPypi(
    name: string,
    version: string,
    client: PypiClient
  ): Promise<PackageAssessment> {
    const assessed = await assessPypiPackage(name, version, {
      pypi: client,
      http: options.http,
      now,
      logger
    })
    if (assessed.kind !== 'assessed') return assessed
    const advisories = await checkAdvisories({
      root: { ecosystem: 'PyPI', name, version },
      dependencies: [],
      source: options.advisories
    })
    return {
      kind: 'assessed',
      findings: [...assessed.findings, ...checkDeclaredTools(assessed.tools), ...advisories],
      tools: assessed.tools
    }
  }
  const context = {
    npm: options.npm,
    http: options.http,
    now,
    logger,
    maxTarballBytes: options.maxTarballBytes,
    advisories: options.advisories
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
    if (identity.ecosystem !== 'npm' && identity.ecosystem !== 'pypi') {
      return { kind: 'ungraded', reason: NON_PACKAGE_REASON, findings: configFindings }
    }
    if (identity.ecosystem === 'pypi' && pypi === null) {
      return { kind: 'ungraded', reason: NO_PYPI_REASON, findings: configFindings }
    }
    const registryName = identity.ecosystem === 'npm' ? 'npm' : 'PyPI'
    const name = identity.name
    if (!name) {
      return {
        kind: 'ungraded',
        reason: `no ${registryName} package could be identified in this entry`,
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
        reason: unresolvedReason(name, identity.versionSpec, status, message, registryName),
        findings: configFindings
      }
    }
    const key = identity.purl ?? `${identity.ecosystem}:${name}@${version}`
    const { assessment, assessedAt } = await packages.get(key, () =>
      cachedAssessment(
        cache,
        identity.purl,
        () =>
          identity.ecosystem === 'npm'
            ? assessNpmPackage(name, version, context)
            : assessPypi(name, version, pypi!),
        { now, logger, storable }
      )
    )
    if (assessment.kind === 'not-found') {
      return { kind: 'ungraded', reason: assessment.message, findings: configFindings }
    }
    if (assessment.kind === 'error') return { kind: 'error', message: assessment.message }
    const findings = [...capSourceDeductions(assessment.findings), ...configFindings]
    const { overall, subScores } = scoreFindings(findings, BUILTIN_ASSESSED_AXES, scale)
    const report: GradeReport = {
      source: 'builtin',
      grader: { name: BUILTIN_GRADER_NAME, version: RUBRIC_VERSION },
      rubricVersion: RUBRIC_VERSION,
      overall,
      subScores,
      findings: appliedDeductions(findings, BUILTIN_ASSESSED_AXES),
      auditedAt: assessedAt.toISOString(),
      ...(assessment.tools !== null && { tools: assessment.tools })
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
  message: string | undefined,
  registryName: string
): string {
  const written = spec ? `${name}@${spec}` : name
  // A withheld identity says itself why it cannot be graded ("not graded: --registry …").
  if (message?.startsWith(WITHHELD_PREFIX)) return `${written} is ${message}`
  if (status === 'offline') {
    return `${written} is not pinned and the run is offline, so the version that would run is unknown`
  }
  if (status === 'not-found') return message ?? `${written} is not on the ${registryName} registry`
  return `${written} has no exact version to grade${message ? `: ${message}` : ''}`
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
