/**
 * Built-in policy defaults (SPEC §6 table, from the reference policy template in
 * `reference/seeds/mcp-server-security-policy.txt`).
 *
 * | environment | min grade | floors                      | pinned   | grade    | config risk blocks |
 * |-------------|-----------|-----------------------------|----------|----------|--------------------|
 * | production  | B         | every axis ≥ B (75); no F   | required | required | high and critical  |
 * | staging     | B         | every axis ≥ B (75); no F   | required | required | high and critical  |
 * | development | C         | every axis ≥ C (60): no D/F | warning  | required | critical only      |
 * | ci          | C         | every axis ≥ C (60): no D/F | warning  | required | critical only      |
 *
 * In every environment: quarantine when security < 60 or credentials < 60 (SPEC §6),
 * `requireAssessedAxes: false` (SPEC §6: a not-assessed axis blocks only when a policy asks; the
 * `phi` and `personal` data classes ask, see `builtinDataClasses`),
 * `onGraderError: fail` (SPEC §5: a grader failure never passes a server).
 *
 * Registry and exceptions (SPEC §6–§7, issue 3):
 *
 * | environment | registry required | audit age     | registry checks (see `registryChecksFor`)       | exception approvers |
 * |-------------|-------------------|---------------|-------------------------------------------------|---------------------|
 * | production  | yes               | ≤ 90, warn 85 | errors; drift and missing columns warn          | manager + security  |
 * | staging     | yes               | ≤ 90, warn 85 | errors; drift and missing columns warn          | manager + security  |
 * | development | no                | ≤ 90, warn 85 | warnings; missing columns off                   | manager             |
 * | ci          | no                | ≤ 90, warn 85 | warnings; missing columns off                   | manager + security  |
 *
 * Exceptions are allowed everywhere, at most 60 days from approval to expiry (SPEC §7). The 85-day
 * warning is the reference policy's re-audit reminder (5 days before the 90-day limit); a policy
 * that changes `maxAuditAgeDays` without `auditWarningDays` gets its warning 5 days before the
 * new limit. Development needs only a manager's approval (SPEC §6 "exceptions need manager
 * approval"); ci follows the reference policy's general chain (manager + Head of Security).
 *
 * Floors follow the minimum grade: in the reference policy every axis must reach the same grade
 * the environment requires overall, so raising `minGrade` to A raises every default floor to 90.
 * Development's and CI's "no D or F" is the same rule at C.
 *
 * `blockConfigRisk` (this project's judgement, not in the reference policy) is the lowest severity
 * of a config finding that blocks (`CONFIG_RISK`), judged from the config entry whatever the
 * grader, so an `api` or `command` grade blocks the same entries the built-in one does:
 * - production and staging: `high`. They require every axis ≥ B (75), and the high config rules on
 *   the permissions axis cost the built-in grade 25–35 points each (docs/grading-config.md): one
 *   auto-approve-all, `trust`, skip-permissions flag, home-directory root or dangerous capability
 *   alone takes permissions to C (65–70), below the floor, so most high config risks already
 *   blocked there under the built-in grade; the others (a host network, −25, lands on the floor;
 *   the security-axis rules cost no points in rubric v1) now block as well, under every grader.
 * - development and ci: `critical`. Their floor is C (60), which one high permissions rule keeps
 *   (65–75), so a high config risk only warns there, as with the built-in grade; critical risks
 *   (a privileged container, the engine socket, the host root) block everywhere.
 */
import { AXES, type Axis, type GradeLetter } from '../grade/report.js'
import { DEFAULT_EXCEPTION_MAX_DAYS } from './exception-rules.js'
import { DEFAULT_SCALE, lowerBound, type GradeScale } from './grades.js'
import type { DataClass } from './records.js'
import type {
  ConfigRiskThreshold,
  EnvironmentPolicy,
  ExceptionPolicy,
  RegistryChecks
} from './types.js'

/** The environments every policy knows (SPEC §6), strictest first. */
export const BUILTIN_ENVIRONMENTS = ['production', 'staging', 'development', 'ci'] as const
export type BuiltinEnvironment = (typeof BUILTIN_ENVIRONMENTS)[number]

/**
 * The environment used when neither the `environment` input nor a policy rule chooses one.
 * Production, because it is the strictest: a repository that says nothing gets the rules that
 * block the most, and has to opt down (an input or a policy rule) rather than opt up.
 */
export const DEFAULT_ENVIRONMENT: BuiltinEnvironment = 'production'

/** SPEC §6 quarantine thresholds (0–100): below these a server is blocked in every environment. */
export const DEFAULT_QUARANTINE: Readonly<Partial<Record<Axis, number>>> = Object.freeze({
  security: 60,
  credentials: 60
})

/** SPEC §6: an audit older than 90 days is stale. */
export const DEFAULT_MAX_AUDIT_AGE_DAYS = 90

/**
 * How many days before `maxAuditAgeDays` the re-audit warning starts when a policy does not set
 * `auditWarningDays`: 5, the reference policy's "85-day re-audit reminder" before its 90 days.
 */
export const AUDIT_WARNING_LEAD_DAYS = 5

/**
 * The registry checks of a built-in environment (issue 3; the reasons are listed in `types.ts`):
 * - production and staging: a missing row, an environment the row does not approve, a stale
 *   audit and a version other than the approved one block; a fresh grade below the recorded one
 *   and a row without owner team or data-access summary warn (the record is incomplete, the
 *   server is not shown to be worse).
 * - development and ci: everything the registry says only warns (the registry is not required
 *   there, SPEC §6), and the row's bookkeeping (owner, data-access summary) is not checked: it is
 *   checked where the registry is required, and repeating it in every environment is noise.
 *   `notInRegistry` is `error` everywhere, so a policy that sets `requireRegistry: true` for them
 *   gets a blocking check unless it also softens `notInRegistry`.
 */
export function registryChecksFor(name: BuiltinEnvironment): RegistryChecks {
  const strict = name === 'production' || name === 'staging'
  return strict
    ? {
        notInRegistry: 'error',
        notApproved: 'error',
        auditStale: 'error',
        versionMismatch: 'error',
        gradeDrift: 'warning',
        missingOwner: 'warning',
        missingDataAccess: 'warning'
      }
    : {
        notInRegistry: 'error',
        notApproved: 'warning',
        auditStale: 'warning',
        versionMismatch: 'warning',
        gradeDrift: 'warning',
        missingOwner: 'off',
        missingDataAccess: 'off'
      }
}

/**
 * The exception rules of a built-in environment (SPEC §6–§7, reference policy "Exceptions"):
 * allowed, at most 60 days, approved by a manager and security — development by a manager only.
 */
export function exceptionPolicyFor(name: BuiltinEnvironment): ExceptionPolicy {
  return {
    allowed: true,
    maxDays: DEFAULT_EXCEPTION_MAX_DAYS,
    requiredRoles: name === 'development' ? ['manager'] : ['manager', 'security']
  }
}

/** True when `name` is one of the built-in environments. */
export function isBuiltinEnvironment(name: string): name is BuiltinEnvironment {
  return (BUILTIN_ENVIRONMENTS as readonly string[]).includes(name)
}

/**
 * An environment's rules before the grade scale is applied: floors may still be letters, and
 * `floorsFollowMinGrade` says every axis without an explicit floor gets the lower bound of
 * `minGrade` (every axis must reach the grade required overall, as in the reference policy).
 */
export interface EnvironmentDraft {
  minGrade: GradeLetter
  /** When true, each axis not in `floors` gets the lower bound of `minGrade` as its floor. */
  floorsFollowMinGrade: boolean
  /** Explicit per-axis floors: a 0–100 number, a letter (its lower bound), or null for "no floor". */
  floors: Partial<Record<Axis, number | GradeLetter | null>>
  noFInAnyAxis: boolean
  requirePinned: boolean
  requireGrade: boolean
  requireAssessedAxes: boolean
  onGraderError: 'fail' | 'warn'
  /** Lowest config-finding severity that blocks (`CONFIG_RISK` error). */
  blockConfigRisk: ConfigRiskThreshold
  /** Per-axis quarantine thresholds: a 0–100 number or a letter (its lower bound). */
  quarantine: Partial<Record<Axis, number | GradeLetter>>
  /** Every server needs a registry row (`NOT_IN_REGISTRY`). */
  requireRegistry: boolean
  /** Audit age (days) above which it is stale. */
  maxAuditAgeDays: number
  /** Audit age (days) from which a re-audit warning is given; null: 5 days before the limit. */
  auditWarningDays: number | null
  registryChecks: RegistryChecks
  exceptions: ExceptionPolicy
}

/** The SPEC §6 defaults of a built-in environment, as a fresh (mutable) draft. */
export function builtinDraft(name: BuiltinEnvironment): EnvironmentDraft {
  const strict = name === 'production' || name === 'staging'
  return {
    minGrade: strict ? 'B' : 'C',
    floorsFollowMinGrade: true,
    floors: {},
    noFInAnyAxis: true,
    requirePinned: strict,
    requireGrade: true,
    requireAssessedAxes: false,
    onGraderError: 'fail',
    blockConfigRisk: strict ? 'high' : 'critical',
    quarantine: { ...DEFAULT_QUARANTINE },
    requireRegistry: strict,
    maxAuditAgeDays: DEFAULT_MAX_AUDIT_AGE_DAYS,
    auditWarningDays: null,
    registryChecks: registryChecksFor(name),
    exceptions: exceptionPolicyFor(name)
  }
}

/** A floor or threshold as a 0–100 number: a letter means its lower bound under `scale`. */
export function floorScore(value: number | GradeLetter, scale: GradeScale): number {
  return typeof value === 'number' ? value : lowerBound(value, scale)
}

/**
 * The `EnvironmentPolicy` of a draft under `scale`: letters become lower bounds, `null` floors
 * are dropped, and axes without an explicit floor get the lower bound of `minGrade` when
 * `floorsFollowMinGrade`. Axes are listed in `AXES` order. `auditWarningDays` becomes a number:
 * the draft's (at most `maxAuditAgeDays`), or `AUDIT_WARNING_LEAD_DAYS` before the limit (≥ 0).
 * Roles are lower-cased and listed once.
 */
export function finalizeDraft(draft: EnvironmentDraft, scale: GradeScale): EnvironmentPolicy {
  const floors: Partial<Record<Axis, number>> = {}
  const quarantine: Partial<Record<Axis, number>> = {}
  for (const axis of AXES) {
    const explicit = draft.floors[axis]
    if (explicit !== undefined) {
      if (explicit !== null) floors[axis] = floorScore(explicit, scale)
    } else if (draft.floorsFollowMinGrade) {
      floors[axis] = lowerBound(draft.minGrade, scale)
    }
    const threshold = draft.quarantine[axis]
    if (threshold !== undefined) quarantine[axis] = floorScore(threshold, scale)
  }
  return {
    minGrade: draft.minGrade,
    floors,
    noFInAnyAxis: draft.noFInAnyAxis,
    requirePinned: draft.requirePinned,
    requireGrade: draft.requireGrade,
    requireAssessedAxes: draft.requireAssessedAxes,
    onGraderError: draft.onGraderError,
    blockConfigRisk: draft.blockConfigRisk,
    quarantine,
    requireRegistry: draft.requireRegistry,
    maxAuditAgeDays: draft.maxAuditAgeDays,
    auditWarningDays: Math.min(
      draft.auditWarningDays ?? Math.max(0, draft.maxAuditAgeDays - AUDIT_WARNING_LEAD_DAYS),
      draft.maxAuditAgeDays
    ),
    registryChecks: { ...draft.registryChecks },
    exceptions: {
      allowed: draft.exceptions.allowed,
      maxDays: draft.exceptions.maxDays,
      requiredRoles: normalizeRoles(draft.exceptions.requiredRoles)
    }
  }
}

/** Roles as approvers are matched: trimmed, lower case, each once, in first-seen order. */
export function normalizeRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((role) => role.trim().toLowerCase()).filter((r) => r !== ''))]
}

/** The SPEC §6 rules of a built-in environment under `scale` (default SPEC §5 scale). */
export function builtinEnvironmentPolicy(
  name: BuiltinEnvironment,
  scale: GradeScale = DEFAULT_SCALE
): EnvironmentPolicy {
  return finalizeDraft(builtinDraft(name), scale)
}

/**
 * A data classification's rule before the grade scale is applied (floors may be letters; a
 * `null` floor means "no floor from this class").
 */
export interface DataClassDraft {
  /** Lowest overall grade for the class, or null for the environment's. */
  minGrade: GradeLetter | null
  floors: Partial<Record<Axis, number | GradeLetter | null>>
  allowExceptions: boolean
  /** Approver roles an exception needs on top of the environment's. */
  extraApprovers: string[]
  /**
   * True: for servers of this class, an axis the grader could not assess blocks wherever a floor
   * applies to it (`SUBSCORE_BELOW_FLOOR` "… could not be verified"), as the environment's
   * `requireAssessedAxes` does; it only ever adds to the environment's setting.
   */
  requireAssessedAxes: boolean
}

/** A data classification's rule and its per-environment overrides (field by field). */
export interface DataClassDefinition extends DataClassDraft {
  /**
   * Overrides for one environment, by name; an environment without one uses the override of the
   * environment it `extends` (so `eu-prod: {extends: production}` gets production's).
   */
  environments: Record<string, Partial<DataClassDraft>>
}

/**
 * The SPEC §6 data classifications, from the reference compliance mapping ("grade thresholds by
 * data classification") and policy template ("add CTO for prod-PII environments"):
 * - `phi`: A overall, security ≥ 90, credentials ≥ 85, no exceptions (should a policy allow them,
 *   production needs the CTO too), assessed axes required;
 * - `personal`: A overall, security ≥ 85; exceptions in production also need the CTO; assessed
 *   axes required;
 * - `internal`: B overall;
 * - `public`: the environment's rules.
 * Class floors are only those listed: a class `minGrade` raises the overall minimum, not every
 * axis (the reference puts PHI credentials at 85, below A's 90). The environment's floors stay.
 *
 * `requireAssessedAxes` for `phi` and `personal` (issue 3 review): their floors exist because the
 * data is regulated (HIPAA, GDPR), so a floor nobody could check must not pass silently — a
 * server graded by the `registry` grader (overall only) or by a grader that does not assess
 * security is blocked until an assessed grade shows the floors are met. `internal` and `public`
 * keep the environment's setting.
 */
export function builtinDataClasses(): Record<DataClass, DataClassDefinition> {
  const ctoInProduction = (): Record<string, Partial<DataClassDraft>> => ({
    production: { extraApprovers: ['cto'] }
  })
  return {
    phi: {
      minGrade: 'A',
      floors: { security: 90, credentials: 85 },
      allowExceptions: false,
      extraApprovers: [],
      requireAssessedAxes: true,
      environments: ctoInProduction()
    },
    personal: {
      minGrade: 'A',
      floors: { security: 85 },
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: true,
      environments: ctoInProduction()
    },
    internal: {
      minGrade: 'B',
      floors: {},
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: false,
      environments: {}
    },
    public: {
      minGrade: null,
      floors: {},
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: false,
      environments: {}
    }
  }
}
