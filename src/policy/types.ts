/**
 * Policy data model (SPEC §5–§7). The policy file and the action inputs are turned into one
 * `EffectivePolicy` per run; `evaluate` applies it to each server.
 */
import type { Axis, GradeLetter } from '../grade/report.js'
import type { GradeScale } from './grades.js'
import type { DataClass } from './records.js'

/**
 * The lowest config-finding severity that blocks (`CONFIG_RISK` as an error): `critical` blocks
 * critical findings only, `high` blocks critical and high ones. Findings below the threshold, down
 * to `high`, warn; `medium` and lower never give a reason (they only cost built-in grade points).
 */
export type ConfigRiskThreshold = 'critical' | 'high'

/** What one registry check gives: a blocking `error`, a `warning`, or nothing (`off`). */
export type CheckSeverity = 'error' | 'warning' | 'off'

/**
 * The registry checks (SPEC §7, issue 3 point 2) and their reason codes:
 * `notInRegistry` → `NOT_IN_REGISTRY` (only where `requireRegistry`), `notApproved` →
 * `NOT_APPROVED_FOR_ENVIRONMENT`, `auditStale` → `AUDIT_STALE`, `versionMismatch` →
 * `REGISTRY_VERSION_MISMATCH`, `gradeDrift` → `REGISTRY_GRADE_DRIFT`, `missingOwner` and
 * `missingDataAccess` → `REGISTRY_INCOMPLETE`.
 */
export const REGISTRY_CHECKS = [
  'notInRegistry',
  'notApproved',
  'auditStale',
  'versionMismatch',
  'gradeDrift',
  'missingOwner',
  'missingDataAccess'
] as const
export type RegistryCheck = (typeof REGISTRY_CHECKS)[number]

/** The severity of every registry check in one environment. */
export type RegistryChecks = Record<RegistryCheck, CheckSeverity>

/**
 * The exception rules of one environment (SPEC §7): whether exceptions may waive anything here,
 * the longest time from `approved_on` to `expires_on` (days), and the approver roles that must
 * all have signed (lower case). Same shape as `ExceptionRules` of `exception-rules.ts`.
 */
export interface ExceptionPolicy {
  allowed: boolean
  /** Most days from approval to expiry (SPEC §7: 60). */
  maxDays: number
  /** Lower-cased roles that must each appear among the approvers (`manager`, `security`, …). */
  requiredRoles: string[]
}

/** The rules of one environment (SPEC §6 table, §7 registry). Scores are 0–100. */
export interface EnvironmentPolicy {
  /** Lowest overall grade that passes. */
  minGrade: GradeLetter
  /** Lowest 0–100 score per axis; an axis without a floor is not listed. */
  floors: Partial<Record<Axis, number>>
  /** Any assessed axis graded F blocks (`SUBSCORE_F`). */
  noFInAnyAxis: boolean
  /** An unpinned version blocks (`UNPINNED` as error; otherwise a warning). */
  requirePinned: boolean
  /** A server without a grade blocks (`UNGRADED` as error; otherwise a warning). */
  requireGrade: boolean
  /** An axis the grader could not assess blocks where a floor applies to it. */
  requireAssessedAxes: boolean
  /** What a grader failure does: `fail` blocks (`GRADER_ERROR`), `warn` only warns. */
  onGraderError: 'fail' | 'warn'
  /**
   * The lowest config-finding severity that blocks (`CONFIG_RISK` error), whatever the grader:
   * `high` in production and staging, `critical` in development and ci (see `defaults.ts`).
   */
  blockConfigRisk: ConfigRiskThreshold
  /**
   * Quarantine thresholds (SPEC §6): a score below these blocks regardless of anything else
   * (`QUARANTINE`), default security < 60 or credentials < 60.
   */
  quarantine: Partial<Record<Axis, number>>
  /**
   * Every server must have a registry row here (`NOT_IN_REGISTRY`, SPEC §6 "registry entry
   * required" in production and staging). Applies only when the run has a registry file.
   */
  requireRegistry: boolean
  /** An audit older than this many days is stale (`AUDIT_STALE`, SPEC §6: 90). */
  maxAuditAgeDays: number
  /**
   * From this audit age (days) on, up to `maxAuditAgeDays`, a warning asks for a re-audit (85:
   * the reference policy's re-audit reminder, 5 days before the 90-day limit). Never above
   * `maxAuditAgeDays`.
   */
  auditWarningDays: number
  /** The severity of each registry check. */
  registryChecks: RegistryChecks
  /** The exception rules (SPEC §7). */
  exceptions: ExceptionPolicy
}

/**
 * How a data classification tightens an environment (SPEC §6), already specialised for one
 * environment. A rule only ever tightens: a `minGrade` or floor weaker than the environment's is
 * ignored, `allowExceptions: false` forbids exceptions, `extraApprovers` adds roles.
 */
export interface DataClassRule {
  /** Lowest overall grade for servers of this class, or null for the environment's. */
  minGrade: GradeLetter | null
  /** Lowest 0–100 score per axis for this class (only the axes it raises). */
  floors: Partial<Record<Axis, number>>
  /** False: no exception can waive anything for servers of this class. */
  allowExceptions: boolean
  /** Lower-cased approver roles an exception needs on top of the environment's. */
  extraApprovers: string[]
  /**
   * True: for servers of this class, a floored axis the grader could not assess blocks
   * (`SUBSCORE_BELOW_FLOOR` "… could not be verified"); only adds to the environment's setting.
   */
  requireAssessedAxes: boolean
}

/** How the run's environment was chosen, for the report ("input", "rule: deploy/prod/**", …). */
export type EnvironmentSource = 'input' | 'rule' | 'default'

/** Everything `evaluate` needs, resolved once per run. */
export interface EffectivePolicy {
  environment: string
  environmentSource: EnvironmentSource
  /** The rule or input that chose it, for people. */
  environmentReason: string
  scale: GradeScale
  rules: EnvironmentPolicy
  /**
   * The rule of each data classification (from a server's registry row) in this environment
   * (SPEC §6: `phi`, `personal`, `internal`, `public`).
   */
  dataClasses: Record<DataClass, DataClassRule>
  /** Where the policy came from: a file path, or null for the built-in defaults. */
  policyFile: string | null
}
